// `rhc card dump FILE [--json]`: a saved virtual card decoded through the reader library in-process; text output
// masks the ID number and the name, JSON carries the data.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildProgram } from '../src/apps/cli/main.ts';
import { saveCard } from '../src/cos/persist.ts';
import { encounterFiles } from '../src/reader/locate.ts';
import { createDemoCard, createDemoRig, sampleLayoutValues } from '../testkit/reader-rig.ts';

async function runCli(args: string[]): Promise<string> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    const program = await buildProgram();
    await program.parseAsync(['node', 'rhc', ...args]);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

test('card dump decodes a written card; text masks personal data, --json does not', async () => {
  const card = createDemoCard();
  const rig = await createDemoRig({ card });
  await rig.ops.writePersonalDetails({
    holder: { name: '王小明', idNumber: '11010519491231002X', sex: '01' },
  });
  const visit = sampleLayoutValues(encounterFiles(rig.profile, 'outpatient')[0].ef.layout!, 2);
  await rig.ops.writeOutpatientVisit(visit);
  const path = join(mkdtempSync(join(tmpdir(), 'rhc-dump-')), 'card.json');
  saveCard(path, card.state);

  const text = await runCli(['card', 'dump', path]);
  assert.match(text, /持卡人基本信息 Holder identity/);
  assert.match(text, /王\*+/);
  assert.doesNotMatch(text, /王小明/);
  assert.doesNotMatch(text, /11010519491231002X/);
  assert.match(text, /签名 signature: 有效 valid/);

  const json = JSON.parse(await runCli(['card', 'dump', path, '--json'])) as {
    holder: Record<string, string>;
    outpatient: (Record<string, unknown> | null)[];
  };
  assert.equal(json.holder.name, '王小明');
  assert.equal(json.outpatient[0]?.visitDateTime, visit.visitDateTime);
  assert.equal(json.outpatient[0]?.signatureValid, true);
  assert.equal(json.outpatient[1], null);
});

test('a dump written back with writeWholeCard gives the same card contents (except issuer data and signatures)', async () => {
  const { readWholeCard, writeWholeCard } = await import('../src/reader/whole-card.ts');
  const a = await createDemoRig();
  await a.ops.writePersonalDetails({
    holder: { name: '李堃', sex: '02' },
    addresses: { address1: '陕西省西安市雁塔区' },
    photo: Uint8Array.of(0xff, 0xd8, 1, 2, 3, 0xff, 0xd9),
  });
  await a.ops.writeBasicHealth({
    clinical: { aboBloodGroup: '01' },
    allergies: [
      { allergenName: '青霉素', reaction: '皮疹' },
      { allergenName: '花粉', reaction: '哮喘' },
    ],
    immunizations: [{ vaccineName: '乙肝疫苗', date: '20240101' }],
  });
  const ed = encounterFiles(a.profile, 'outpatient')[0].ef.layout!;
  await a.ops.writeOutpatientVisit(sampleLayoutValues(ed, 1));
  await a.ops.writeOutpatientVisit(sampleLayoutValues(ed, 2));
  const dumpA = JSON.parse(
    JSON.stringify(await readWholeCard(a.ops, { rootPublicKey: a.pki.rootPublicKey })),
  );

  const b = await createDemoRig({ seed: 99 });
  const slots = await writeWholeCard(b.ops, dumpA);
  assert.deepEqual(slots, { inpatientSlots: [], outpatientSlots: [1, 2] });
  const dumpB = JSON.parse(
    JSON.stringify(await readWholeCard(b.ops, { rootPublicKey: b.pki.rootPublicKey })),
  );
  const strip = (d: Record<string, unknown>) => {
    const { issuer: _issuer, ...rest } = d;
    rest.outpatient = (rest.outpatient as (Record<string, unknown> | null)[]).map((r) => {
      if (!r) return r;
      const { signature: _s, samCertificate: _c, ...v } = r;
      return v;
    });
    return rest;
  };
  assert.deepEqual(strip(dumpB), strip(dumpA));
  assert.equal(dumpB.outpatient[0].signatureValid, true);
});
