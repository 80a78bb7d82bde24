// Appliers of the card files (docs/exchange-format.md §6): KXX card information, HMD blacklist changes,
// BMD whitelist reconciliation. Every write goes through the import's ledger.
import type { Insertable } from 'kysely';
import { reachable } from '../domain/ledger/index.ts';
import { CARD_STATUS } from '../domain/lifecycle.ts';
import type { CardTable } from '../storage/schema.ts';
import { LIVE, cardsOf, owns, residentsByKey } from './apply-context.ts';
import type { ApplyContext, Batch, StoredCard } from './apply-context.ts';
import { issue } from './issues.ts';

/** The list entries a status change adds, counted for the report. */
function countEffects(ctx: ApplyContext, versions: object): void {
  ctx.stats.listEntries += Object.keys(versions).length;
}

/** The stored card of a record when the sender's region owns it; else reports why not. */
function ownCard(
  ctx: ApplyContext,
  byKey: Map<string, StoredCard>,
  line: number,
  v: Batch[number]['values'],
): StoredCard | undefined {
  const cur = byKey.get(`${v.cardNo}|${v.chipSerial}`);
  if (!cur) ctx.report(issue(line, 'CARD_NOT_FOUND', 'chipSerial'));
  else if (!owns(ctx, cur.app_city_code))
    ctx.report(issue(line, 'RECORD_REGION', 'cardNo', `card of region ${cur.app_city_code}`));
  else return cur;
  return undefined;
}

// ---------- KXX: card information ----------

export async function applyCards(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { list: existing, byKey } = await cardsOf(ctx, batch);
  const byCardNo = new Map<string, StoredCard[]>();
  for (const c of existing) byCardNo.set(c.card_no, [...(byCardNo.get(c.card_no) ?? []), c]);
  const residents = await residentsByKey(ctx, batch);
  const resByKey = new Map(residents.map((r) => [`${r.id_type}|${r.id_no}`, r]));
  for (const { line, values: v } of batch) {
    const res = resByKey.get(`${v.idType}|${v.idNo}`);
    if (!res) {
      ctx.report(issue(line, 'RESIDENT_NOT_FOUND', 'idNo'));
      continue;
    }
    if (v.mainIndex && v.mainIndex.toUpperCase() !== res.main_index.toUpperCase()) {
      ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex'));
      continue;
    }
    if (!owns(ctx, v.appCityCode!)) {
      ctx.report(
        issue(line, 'RECORD_REGION', 'appCityCode', `file region ${ctx.region}, record ${v.appCityCode}`),
      );
      continue;
    }
    const cur = byKey.get(`${v.cardNo}|${v.chipSerial}`);
    const fields = {
      card_factor: v.cardFactor || null,
      security_code: v.securityCode || null,
      card_type: v.cardType!,
      spec_version: v.specVersion!,
      issuer_org_code: v.issuerOrgCode!,
      issuer_org_name: v.issuerOrgName!,
      issue_date: v.issueDate!,
      valid_until: v.validUntil!,
      card_form: v.cardForm!,
    };
    if (!cur) {
      if (v.op === 'U') {
        ctx.report(
          issue(line, 'CARD_NOT_FOUND', 'chipSerial', 'op U for a card the province does not know (use A)'),
        );
        continue;
      }
      if (LIVE.includes(v.status!)) {
        const other = (byCardNo.get(v.cardNo!) ?? []).find(
          (c) => LIVE.includes(c.status) && !owns(ctx, c.app_city_code),
        );
        if (other) {
          ctx.report(issue(line, 'CROSS_CITY', 'cardNo', `live card of region ${other.app_city_code}`));
          continue;
        }
      }
      const card: Insertable<CardTable> = {
        card_no: v.cardNo!,
        chip_serial: v.chipSerial!,
        resident_id: res.id,
        ...fields,
        app_city_code: v.appCityCode!,
        bank_account_masked: null,
        payment_methods: null,
        status: v.status!,
        status_reason: null,
        status_time: v.statusTime!,
        created_at: ctx.nowIso,
        updated_at: ctx.nowIso,
      };
      countEffects(ctx, await ctx.ledger.queueCard(card));
      ctx.stats.inserted++;
      continue;
    }
    if (!owns(ctx, cur.app_city_code) || cur.app_city_code !== v.appCityCode) {
      ctx.report(
        issue(line, 'RECORD_REGION', 'appCityCode', `card registered for region ${cur.app_city_code}`),
      );
      continue;
    }
    if (cur.resident_id !== res.id) {
      ctx.report(issue(line, 'MAIN_INDEX', 'idNo', 'card registered to another resident'));
      continue;
    }
    const statusChange = cur.status !== v.status;
    if (statusChange && !reachable(cur.status, v.status!)) {
      ctx.report(issue(line, 'TRANSITION', 'status', `${cur.status} → ${v.status}`));
      continue;
    }
    if (statusChange) {
      // the city's CZRZ file carries the operations log of the change
      const versions = await ctx.ledger.changeStatus(cur, v.status!, {
        reason: null,
        at: v.statusTime!,
        set: fields,
        log: null,
      });
      countEffects(ctx, versions);
      ctx.stats.statusChanges++;
    } else await ctx.ledger.updateCard(cur.id, fields);
    ctx.stats.updated++;
  }
}

// ---------- HMD: city blacklist changes ----------

export async function applyBlacklist(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { byKey } = await cardsOf(ctx, batch);
  for (const { line, values: v } of batch) {
    const onList = CARD_STATUS[v.status!]!.lists.includes('B');
    if (onList !== (v.op === 'A')) {
      ctx.report(issue(line, 'OP', 'status', `op ${v.op} with status ${v.status}`));
      continue;
    }
    const cur = ownCard(ctx, byKey, line, v);
    if (!cur) continue;
    if (cur.status === v.status) {
      ctx.stats.unchanged++;
      continue;
    }
    if (!reachable(cur.status, v.status!)) {
      ctx.report(issue(line, 'TRANSITION', 'status', `${cur.status} → ${v.status}`));
      continue;
    }
    const versions = await ctx.ledger.changeStatus(cur, v.status!, {
      reason: v.reasonCode || null,
      at: v.effectiveTime!,
      log: null,
    });
    countEffects(ctx, versions);
    ctx.stats.statusChanges++;
    ctx.stats.updated++;
  }
}

// ---------- BMD: city whitelist (reconciliation) ----------

export async function applyWhitelist(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { byKey } = await cardsOf(ctx, batch);
  for (const { line, values: v } of batch) {
    const cur = ownCard(ctx, byKey, line, v);
    if (!cur) continue;
    if (!CARD_STATUS[cur.status]!.lists.includes('W')) {
      ctx.report(
        issue(
          line,
          'TRANSITION',
          'cardNo',
          `whitelisted by the city but status ${cur.status} at the province (send KXX/HMD first)`,
        ),
      );
      continue;
    }
    if (cur.valid_until !== v.validUntil) {
      await ctx.ledger.updateCard(cur.id, { valid_until: v.validUntil! });
      ctx.stats.updated++;
    } else ctx.stats.unchanged++;
  }
}
