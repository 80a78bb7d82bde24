// Demo rig for tests, benchmarks, `rhc card dump` and `rhc agent --virtual`: a personalised virtual card with
// the demo keys and demo PKI, the demo SAM (PIN 123456), an in-memory reader, and sample values built from the
// profile's element specs (so they follow the layout data, not hand-written per field).
import { encodeTlvRecord } from '../src/card/tlv.ts';
import { fromHex, toHex } from '../src/card/apdu.ts';
import type { CardProfile, RecordLayout, TlvElementSpec } from '../src/card/image.ts';
import { recordFor, seeded, valuesFor } from './card-values.ts';
import { getProfile } from '../src/card/profiles/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { demoMasterKeys, createDemoPki, type DemoPki, DEMO_SAM_PIN } from '../src/crypto/index.ts';
import { personaliseCard, type FileImage } from '../src/cos/card/state.ts';
import { VirtualCard } from '../src/cos/card/virtual-card.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';

export { DEMO_SAM_PIN };
import type { VirtualSam } from '../src/cos/sam/virtual-sam.ts';
import { allLocations } from '../src/reader/locate.ts';
import { HealthCardOperations } from '../src/reader/operations.ts';
import { Reader } from '../src/reader/reader.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';

/** GB 11643-valid demo ID (checksum digit computed), never a real person's. */
export const DEMO_CARD_NUMBER = '11010519491231002X';
export const DEMO_CITY = '410100';
export const DEMO_HISTORICAL = fromHex('5248434B0000002A');

type Values = Record<string, string>;

/** Valid sample values for TLV elements (code tables, dates, ID numbers respected), reproducible from `seed`. */
export function sampleTlvValues(elements: readonly TlvElementSpec[], seed = 0): Values {
  return valuesFor(seeded(seed + 1), elements);
}

/** Valid sample values for the data fields of a fixed layout (signature items left out). */
export function sampleLayoutValues(layout: RecordLayout, seed = 0): Values {
  return recordFor(seeded(seed + 1), layout, false);
}

/** DDF1/EF05 issuer data of a demo card (free-read file, written at personalisation). */
export function demoIssuerValues(pki: DemoPki, cardNumber = DEMO_CARD_NUMBER): Values {
  return {
    cardType: '1',
    specVersion: '1.00',
    issuerName: '郑州市卫生健康委员会',
    issuerCode: '4101000000000000000001',
    issuerCertificate: toHex(pki.issuerCertificate),
    issueDate: '20240115',
    cardNumber,
    securityCode: '123',
    chipSerial: '0000000042',
    applicationCityCode: DEMO_CITY,
  };
}

export interface DemoRig {
  profile: CardProfile;
  card: VirtualCard;
  sam: VirtualSam;
  pki: DemoPki;
  device: MemoryReaderDevice;
  reader: Reader;
  ops: HealthCardOperations;
}

export interface DemoCardOptions {
  profile?: CardProfile;
  seed?: number;
  /** End personalisation (DDF1/EF05–EF06 become read-only). */
  lock?: boolean;
  cardNumber?: string;
  historicalBytes?: Uint8Array;
  /** Extra file images by path name. */
  images?: Map<string, FileImage>;
}

export function createDemoCard(opts: DemoCardOptions = {}): VirtualCard {
  const profile = opts.profile ?? getProfile('national');
  const pki = createDemoPki();
  const issuer = allLocations(profile).find((l) => l.ef.section === 'issuer')!;
  const values = demoIssuerValues(pki, opts.cardNumber);
  const records = (issuer.ef.elements ?? []).map((el) => encodeTlvRecord(el, values[el.key] ?? ''));
  const images = new Map(opts.images ?? []);
  images.set(issuer.name, { records });
  const state = personaliseCard({
    profile,
    images,
    masterKeys: demoMasterKeys(profile),
    historicalBytes: opts.historicalBytes ?? DEMO_HISTORICAL,
    applicationCityCode: DEMO_CITY,
    lock: opts.lock,
  });
  return new VirtualCard(state, { random: seededRandom(opts.seed ?? 11) });
}

/** Demo card + demo SAM in an in-memory reader, opened, SAM PIN verified. */
export async function createDemoRig(opts: DemoCardOptions & { card?: VirtualCard } = {}): Promise<DemoRig> {
  const profile = opts.profile ?? getProfile('national');
  const card = opts.card ?? createDemoCard({ ...opts, profile });
  const sam = createDemoSam(profile, { random: seededRandom((opts.seed ?? 11) + 1) });
  const device = new MemoryReaderDevice({ sam, card });
  const reader = new Reader(device, { profile });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  return { profile, card, sam, pki: createDemoPki(), device, reader, ops: new HealthCardOperations(reader) };
}
