// Browser test of the web console (src/apps/web) against the real province platform started in-process
// (temp SQLite, small demo seed, random 127.0.0.1 port), driven by playwright-core with Debian's Chromium.
// Skips LOUDLY when /usr/bin/chromium is missing; under CI=true a missing browser is a failure.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { registerConsole } from '../src/apps/web/index.ts';
import { systemClock } from '../src/base/runtime.ts';
import { startProvince } from '../src/platform/province.ts';
import type { RunningProvince } from '../src/platform/province.ts';
import { DEMO_INSTITUTIONS, ensureDemoData } from '../src/platform/seed/demo.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '/tmp/rhc-web-console';

function skipLoudly(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: the browser is required)`);
  console.warn(`\n*** ${reason} ***\n`);
  t.skip(reason);
}

const haveBrowser = existsSync(CHROMIUM);

describe('web console in Chromium', { timeout: 120_000 }, () => {
  let run: RunningProvince;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;
  let card: { card_no: string; chip_serial: string; name: string; id_no: string };
  const province = DEMO_INSTITUTIONS.find((d) => d.role === 'province')!;
  /** The province admin's password: random per install, reported by the demo seed. */
  let provincePassword = '';

  before(async () => {
    if (!haveBrowser) return;
    dir = mkdtempSync(join(tmpdir(), 'rhc-web-'));
    run = await startProvince({
      dbUrl: `sqlite:${join(dir, 'rhc.db')}`,
      port: 0,
      configureApp: registerConsole,
      beforeListen: async (p, svc) => {
        const demo = await ensureDemoData(p, svc, systemClock, 30);
        provincePassword = demo.credentials.find((c) => c.code === province.code)!.password;
      },
    });
    card = await run.p.db
      .selectFrom('cards')
      .innerJoin('residents', 'residents.id', 'cards.resident_id')
      .select(['cards.card_no', 'cards.chip_serial', 'residents.name', 'residents.id_no'])
      .where('cards.status', '=', '30')
      .where('residents.id_type', '=', '01')
      .orderBy('cards.id')
      .executeTakeFirstOrThrow();
    ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 860 },
      locale: 'zh-CN',
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    // the page must work offline: fail on any request that leaves the platform's origin
    await page.route('**/*', (route) =>
      route.request().url().startsWith(run.baseUrl) ? route.continue() : route.abort(),
    );
    await page.goto(`${run.baseUrl}/console/`);
  });

  after(async () => {
    await ctx?.close();
    await run?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const nav = (name: string | RegExp) => page.getByRole('navigation').getByRole('link', { name });

  test('bad credentials show the coded error (1005) in Chinese', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByLabel('机构代码').fill(province.code);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /错误代码 1005/);
    assert.match(await alert.innerText(), /身份认证失败/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('rhc.console.session')), null);
  });

  test('sign in with the demo credentials; token only in sessionStorage', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await page.getByLabel('密码').fill(provincePassword);
    await page.getByRole('button', { name: '登录' }).click();
    await nav('身份证验证').waitFor();
    assert.match(await page.locator('#session-info').innerText(), new RegExp(province.code));
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('rhc.console.session'),
      local: Object.keys(localStorage),
    }));
    assert.ok(JSON.parse(stored.session!).token);
    assert.deepEqual(
      stored.local.filter((k) => k !== 'rhc.console.lang'),
      [],
      'nothing but the language in localStorage',
    );
  });

  test('verify an ID number: result, masked card list, reveal toggle', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await nav('身份证验证').click();
    await page.getByLabel('证件号码').fill(card.id_no);
    await page.getByLabel('姓名').fill(card.name);
    await page.getByRole('button', { name: '提交' }).click();
    const out = page.locator('section.output');
    await out.getByText('结果代码 0000').waitFor();
    const text = await out.innerText();
    assert.match(text, /校验位正确\s+是/);
    assert.match(text, /姓名一致\s+是/);
    assert.match(text, new RegExp(card.chip_serial));
    assert.ok(!text.includes(card.id_no), 'ID number masked by default');
    assert.ok(text.includes(`${card.id_no.slice(0, 6)}********${card.id_no.slice(-4)}`));
    await page.screenshot({ path: `${SHOTS}-zh-verify.png`, fullPage: true });
    await page.getByLabel('显示完整证件号和姓名').check();
    assert.ok((await out.innerText()).includes(card.id_no), 'revealed on request');
  });

  test('report the card lost (with confirmation) and see it in the black list delta', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    // 1. the current black list version (full list first)
    await nav('黑/白名单').click();
    await page.getByRole('button', { name: '查询' }).click();
    const out = page.locator('section.output');
    await out.getByText('全量').waitFor();
    const version = await page.getByLabel('本地已有版本').inputValue();
    assert.match(version, /^\d{8}\.\d{4,}$/);

    // 2. report lost; cancelling the confirmation sends nothing, confirming sends
    await nav('卡状态变更').click();
    await page.getByLabel('卡号').fill(card.card_no);
    await page.getByLabel('芯片序列号').fill(card.chip_serial);
    await page.getByLabel('操作').selectOption('lost');
    assert.equal(await page.getByLabel('当前状态').inputValue(), '30');
    await page.getByRole('button', { name: '提交' }).click();
    const dialog = page.getByRole('dialog');
    assert.match(await dialog.innerText(), /正常.*挂失/s);
    await dialog.getByRole('button', { name: '取消' }).click();
    await page.getByText('已取消，未提交。').waitFor();
    await page.getByRole('button', { name: '提交' }).click();
    await page.screenshot({ path: `${SHOTS}-zh-confirm.png` });
    await dialog.getByRole('button', { name: '确认' }).click();
    await out.getByText('40 挂失').waitFor();

    // 3. the delta since the remembered version holds the card (masked)
    await nav('黑/白名单').click();
    assert.equal(await page.getByLabel('本地已有版本').inputValue(), version);
    await page.getByRole('button', { name: '查询' }).click();
    await out.getByText('增量').waitFor();
    const row = out.locator('tbody tr', { hasText: card.chip_serial });
    const cells = await row.innerText();
    assert.match(cells, /新增/);
    assert.match(cells, /40 挂失/);
    assert.match(cells, /02 遗失/);
    assert.ok(!cells.includes(card.card_no), 'card number masked in the list');
    await page.screenshot({ path: `${SHOTS}-zh-list.png`, fullPage: true });
  });

  test('statistics table and bar chart', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await nav('卡操作统计').click();
    await page.getByRole('button', { name: '查询' }).click();
    const out = page.locator('section.output');
    await out.locator('svg.chart').waitFor();
    const rows = await out.locator('tbody tr', { hasText: '挂失' }).allInnerTexts();
    assert.ok(
      rows.some((r) => /03 挂失\s+[1-9]/.test(r)),
      rows.join(' | '),
    );
    assert.ok((await out.locator('svg.chart rect').count()) >= 1);
  });

  test('statistics by region name the regions (GB/T 2260 names served by the platform)', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await page.getByLabel('分组方式').selectOption({ label: '按地区' });
    await page.getByRole('button', { name: '查询' }).click();
    const out = page.locator('section.output');
    // the previous query's rows (by operation type) stay until the new answer renders: wait for a region row
    await out
      .locator('tbody tr', { hasText: /（61\d{4}）/ })
      .first()
      .waitFor();
    const rows = await out.locator('tbody tr').allInnerTexts();
    assert.ok(
      rows.some((r) => /陕西省\S*（61\d{4}）\s+[1-9]/.test(r)),
      rows.join(' | '),
    );
    // back to operation types: the language-switch test below reads their labels
    await page.getByLabel('分组方式').selectOption({ label: '按操作类型' });
    await page.getByRole('button', { name: '查询' }).click();
    await out.locator('tbody tr', { hasText: '挂失' }).first().waitFor();
  });

  test('switch to English: labels, lang attribute, persisted across reload', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await page.getByRole('button', { name: '切换到英文界面' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await nav('Statistics').waitFor();
    assert.ok(await page.getByRole('heading', { name: 'Card-operation statistics (RHC_C0008)' }).isVisible());
    assert.match(await page.locator('section.output').innerText(), /Report lost/);
    await page.reload();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await nav('ID verification').click();
    await page.getByLabel('Document number').fill(card.id_no);
    await page.getByLabel('Name').fill(card.name);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('section.output').getByText('Result code 0000').waitFor();
    await page.screenshot({ path: `${SHOTS}-en-verify.png`, fullPage: true });
  });

  test('sign out clears the token; the English error is coded too', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('rhc.console.session')), null);
    await page.getByLabel('Institution code').fill('NOPE-1');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('x');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Error code 1004/);
    assert.match(await alert.innerText(), /institution or terminal not registered/);
    await page.screenshot({ path: `${SHOTS}-en-signin-error.png`, fullPage: true });
  });

  test('keyboard-only sign-in; an expired or forged token returns to the sign-in page', async (t) => {
    if (!haveBrowser) return skipLoudly(t, `${CHROMIUM} missing — web console browser tests SKIPPED`);
    await page.getByLabel('Institution code').fill('');
    await page.getByLabel('Institution code').focus();
    await page.keyboard.type(province.code);
    await page.keyboard.press('Tab');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(provincePassword);
    await page.keyboard.press('Enter');
    await nav('Card verification').waitFor();
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('rhc.console.session')!);
      sessionStorage.setItem('rhc.console.session', JSON.stringify({ ...s, token: `${s.token}x` }));
    });
    await nav('Card verification').click();
    await page.getByLabel('Card number (ID number)').fill(card.card_no);
    await page.getByLabel('Chip serial').fill(card.chip_serial);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('rhc.console.session')), null);
  });
});
