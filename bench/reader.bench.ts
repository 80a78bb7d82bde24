// Reader library figures (issue 4): APDUs and milliseconds for a full card read, writing one outpatient visit
// and one inpatient stay, over the in-memory transport and over pcscd + vpcd when available — next to the
// fewest APDUs the spec's flows allow (src/reader/apdu-minimum.ts). Ratio = measured / minimum APDUs.
import type { BenchResult } from './types.ts';
import { getProfile } from '../src/card/profiles/index.ts';
import type { CardProfile } from '../src/card/image.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';
import { VIRTUAL_READER, startPcscSession } from '../testkit/pcscd/harness.ts';
import { minimumEncounterWrite, minimumFullRead } from '../src/reader/apdu-minimum.ts';
import { encounterFiles, fileOfSection } from '../src/reader/locate.ts';
import { HealthCardOperations } from '../src/reader/operations.ts';
import { Reader } from '../src/reader/reader.ts';
import { DEMO_SAM_PIN, createDemoCard, sampleLayoutValues, sampleTlvValues } from '../testkit/reader-rig.ts';
import type { ReaderDevice } from '../src/reader/device.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';
import { PcscReaderDevice, loadSmartcard } from '../src/reader/transports/pcsc.ts';
import { readWholeCard } from '../src/reader/whole-card.ts';

const PHOTO = Uint8Array.from({ length: 3000 }, (_, i) => (i < 2 ? [0xff, 0xd8][i] : (i * 31) & 0xff));

/** Fills every file: personal details, photo, basic health (full cyclic files), all encounter slots. */
async function fillCard(ops: HealthCardOperations, profile: CardProfile): Promise<void> {
  const tlv = (s: string, seed: number) => sampleTlvValues(fileOfSection(profile, s).ef.elements!, seed);
  await ops.writePersonalDetails({
    holder: tlv('holder', 1),
    validity: tlv('validity', 2),
    addresses: tlv('addresses', 3),
    contacts: tlv('contacts', 4),
    occupation: tlv('occupation', 5),
    documents: tlv('documents', 6),
    photo: PHOTO,
  });
  await ops.writeBasicHealth({
    clinical: tlv('clinical', 7),
    special: { mentalIllnessFlag: '00' },
    allergies: [1, 2, 3].map((i) => ({ allergenName: `过敏原${i}`, reaction: '皮疹' })),
    immunizations: Array.from({ length: 10 }, (_, i) => ({ vaccineName: `疫苗${i}`, date: '20240101' })),
  });
  for (const [section, n] of [
    ['inpatient', encounterFiles(profile, 'inpatient').length],
    ['outpatient', encounterFiles(profile, 'outpatient').length],
  ] as const)
    for (let i = 0; i < n; i++) {
      const v = sampleLayoutValues(encounterFiles(profile, section)[0].ef.layout!, 50 + i);
      await (section === 'inpatient' ? ops.writeInpatientStay(v) : ops.writeOutpatientVisit(v));
    }
}

interface Measured {
  apdus: number;
  card: number;
  sam: number;
  ms: number;
}

async function measure(reader: Reader, fn: () => Promise<unknown>): Promise<Measured> {
  reader.resetCounts();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const c = reader.counts();
  return { apdus: c.total, card: c.card, sam: c.sam, ms };
}

async function figures(
  group: string,
  makeDevice: () => Promise<{ device: ReaderDevice; done(): Promise<void> }>,
  rounds: number,
): Promise<BenchResult[]> {
  const profile = getProfile('national');
  const samples: Record<string, Measured[]> = { read: [], outpatient: [], inpatient: [] };
  for (let i = 0; i < rounds; i++) {
    const { device, done } = await makeDevice();
    const reader = new Reader(device, { profile });
    try {
      await reader.open();
      await reader.verifySamPin(DEMO_SAM_PIN);
      const ops = new HealthCardOperations(reader);
      await reader.powerOnCard();
      await reader.sam.readFile('samCertificate'); // cached per SAM power-up: measure the steady state
      samples.outpatient.push(
        await measure(reader, () =>
          ops.writeOutpatientVisit(
            sampleLayoutValues(encounterFiles(profile, 'outpatient')[0].ef.layout!, i),
          ),
        ),
      );
      await reader.powerOnCard();
      samples.inpatient.push(
        await measure(reader, () =>
          ops.writeInpatientStay(sampleLayoutValues(encounterFiles(profile, 'inpatient')[0].ef.layout!, i)),
        ),
      );
      await fillCard(ops, profile);
      await reader.powerOnCard();
      samples.read.push(await measure(reader, () => readWholeCard(ops)));
      await reader.close();
    } finally {
      await done();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const minima = {
    read: minimumFullRead(profile, 256, PHOTO.length + 2),
    outpatient: minimumEncounterWrite(profile, 'outpatient', true),
    inpatient: minimumEncounterWrite(profile, 'inpatient', true),
  };
  const names = {
    read: 'full card read (every file)',
    outpatient: 'write one outpatient visit',
    inpatient: 'write one inpatient stay',
  };
  const out: BenchResult[] = [];
  for (const k of ['read', 'outpatient', 'inpatient'] as const) {
    const m = samples[k][0];
    const min = minima[k].card + minima[k].sam;
    out.push({
      group,
      name: `${names[k]} — APDUs (card ${m.card} + SAM ${m.sam})`,
      value: m.apdus,
      unit: 'APDUs',
      baseline: {
        name: `minimum (card ${minima[k].card} + SAM ${minima[k].sam})`,
        value: min,
        unit: 'APDUs',
      },
      ratio: Math.round((m.apdus / min) * 1000) / 1000,
      notes: 'ratio = measured / minimum of the spec flows (docs/reader-apdus.md)',
    });
    out.push({
      group,
      name: `${names[k]} — time`,
      value: Math.round(median(samples[k].map((s) => s.ms)) * 100) / 100,
      unit: 'ms',
      notes: `median of ${rounds}`,
    });
  }
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const profile = getProfile('national');
  const results = await figures(
    'Reader library (in-memory transport)',
    async () => ({
      device: new MemoryReaderDevice({ sam: createDemoSam(profile), card: createDemoCard() }),
      done: async () => undefined,
    }),
    5,
  );
  try {
    await loadSmartcard();
    const card = createDemoCard({ seed: 3 });
    const session = await startPcscSession(card);
    if (typeof session === 'string') throw new Error(session);
    try {
      results.push(
        ...(await figures(
          `Reader library (pcscd + vpcd${session.quickack ? ', quickack' : ''})`,
          async () => ({
            device: await PcscReaderDevice.open({
              reader: VIRTUAL_READER,
              sam: createDemoSam(profile),
            }),
            done: async () => undefined,
          }),
          1,
        )),
      );
    } finally {
      await session.stop();
    }
  } catch (e) {
    results.push({
      group: 'Reader library (pcscd + vpcd)',
      name: 'skipped',
      value: 0,
      unit: '-',
      notes: `not measured: ${(e as Error).message}`,
    });
  }
  return results;
}
