// The agent's HTTP operations as one table: path, method, the high-level library call, and the texts the
// OpenAPI description is generated from. Every card operation runs through the agent's queue.
import { ReaderError } from '../../reader/errors.ts';
import type { Values } from '../../reader/files.ts';
import type { HealthCardOperations } from '../../reader/operations.ts';
import { INPATIENT_VIEWS, OUTPATIENT_VIEWS } from '../../reader/views.ts';

export interface RouteContext {
  ops: HealthCardOperations;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  rootPublicKey?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Path with `{name}` parameters (OpenAPI style). */
  path: string;
  operationId: string;
  zh: string;
  en: string;
  /** JSON body the operation takes (described for OpenAPI). */
  body?: string;
  query?: { name: string; values?: readonly string[]; en: string }[];
  run(ctx: RouteContext): Promise<unknown>;
}

const slotOf = (ctx: RouteContext): number => {
  const n = Number(ctx.params.slot);
  if (!Number.isInteger(n) || n < 1) throw new ReaderError('BAD_PARAMETER', { field: 'slot' });
  return n;
};

function objectBody(ctx: RouteContext): Record<string, unknown> {
  if (!ctx.body || typeof ctx.body !== 'object' || Array.isArray(ctx.body))
    throw new ReaderError('BAD_PARAMETER', { field: 'body', detail: 'JSON object expected' });
  return ctx.body as Record<string, unknown>;
}

function valuesOf(v: unknown, field: string): Values | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ReaderError('BAD_PARAMETER', { field, detail: 'object of strings expected' });
  for (const [k, x] of Object.entries(v))
    if (typeof x !== 'string')
      throw new ReaderError('BAD_PARAMETER', { field: `${field}.${k}`, detail: 'string expected' });
  return v as Values;
}

function listOf(v: unknown, field: string): Values[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ReaderError('BAD_PARAMETER', { field, detail: 'array expected' });
  return v.map((x, i) => valuesOf(x, `${field}[${i}]`) ?? {});
}

const outpatientViews = Object.keys(OUTPATIENT_VIEWS).filter((v) => v !== 'list');
const inpatientParts = Object.keys(INPATIENT_VIEWS).filter((v) => v !== 'list');

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/card/info',
    operationId: 'readCardInfo',
    zh: '读卡片信息',
    en: 'Read card information (DDF1/EF05)',
    run: (c) => c.ops.readCardInfo(),
  },
  {
    method: 'GET',
    path: '/card/resident',
    operationId: 'readResidentInfo',
    zh: '读居民信息',
    en: 'Read resident information (identity, contacts, addresses, documents)',
    query: [{ name: 'photo', values: ['0', '1'], en: '1 = include the photo (base64 JPEG)' }],
    run: (c) => c.ops.readResidentInfo({ photo: c.query.get('photo') === '1' }),
  },
  {
    method: 'GET',
    path: '/card/health',
    operationId: 'readBasicHealth',
    zh: '读全部基本健康信息',
    en: 'Read all basic health information',
    run: (c) => c.ops.readBasicHealth(),
  },
  {
    method: 'GET',
    path: '/card/health/blood-allergies',
    operationId: 'readBloodAndAllergies',
    zh: '读血型和过敏信息',
    en: 'Read blood groups and allergies only',
    run: (c) => c.ops.readBloodAndAllergies(),
  },
  {
    method: 'GET',
    path: '/card/health/immunizations',
    operationId: 'readImmunizations',
    zh: '读免疫信息',
    en: 'Read immunizations only',
    run: (c) => c.ops.readImmunizations(),
  },
  {
    method: 'GET',
    path: '/card/outpatient',
    operationId: 'listOutpatientVisits',
    zh: '读门诊记录列表',
    en: 'Outpatient list (institution, date, department, diagnosis)',
    run: (c) => c.ops.listOutpatientVisits(),
  },
  {
    method: 'GET',
    path: '/card/outpatient/{slot}',
    operationId: 'readOutpatientVisit',
    zh: '读一次门诊记录（全部或摘要/用药/检查检验/手术）',
    en: 'One outpatient visit in full, or a view of it',
    query: [{ name: 'view', values: outpatientViews, en: 'summary | medication | lab | surgery | costs' }],
    run: (c) => {
      const view = c.query.get('view');
      if (view && !outpatientViews.includes(view)) throw new ReaderError('BAD_PARAMETER', { field: 'view' });
      return c.ops.readOutpatientVisit(slotOf(c), (view ?? undefined) as never);
    },
  },
  {
    method: 'GET',
    path: '/card/inpatient',
    operationId: 'listInpatientStays',
    zh: '读住院记录列表',
    en: 'Inpatient list',
    run: (c) => c.ops.listInpatientStays(),
  },
  {
    method: 'GET',
    path: '/card/inpatient/{slot}',
    operationId: 'readInpatientStay',
    zh: '读一次住院记录（全部或部分）',
    en: 'One inpatient stay in full, or one of its parts',
    query: [{ name: 'part', values: inpatientParts, en: inpatientParts.join(' | ') }],
    run: (c) => {
      const part = c.query.get('part');
      if (part && !inpatientParts.includes(part)) throw new ReaderError('BAD_PARAMETER', { field: 'part' });
      return c.ops.readInpatientStay(slotOf(c), (part ?? undefined) as never);
    },
  },
  {
    method: 'GET',
    path: '/card/{section}/{slot}/verify',
    operationId: 'verifyRecord',
    zh: '脱机验证记录签名',
    en: "Verify a record's signature offline (section = inpatient | outpatient)",
    run: async (c) => {
      const section = c.params.section;
      if (section !== 'inpatient' && section !== 'outpatient')
        throw new ReaderError('BAD_PARAMETER', { field: 'section' });
      if (!c.rootPublicKey)
        throw new ReaderError('BAD_PARAMETER', { detail: 'the agent has no root public key configured' });
      const r = await c.ops.verifyRecord(section, slotOf(c), c.rootPublicKey);
      return { valid: r.valid, reason: r.reason, message: r.message };
    },
  },
  {
    method: 'POST',
    path: '/card/personal',
    operationId: 'writePersonalDetails',
    zh: '写个人信息（证件、人口学、联系人）',
    en: 'Write personal details',
    body: 'PersonalDetails',
    run: async (c) => {
      const b = objectBody(c);
      const photo = b.photoJpegBase64;
      if (photo !== undefined && typeof photo !== 'string')
        throw new ReaderError('BAD_PARAMETER', { field: 'photoJpegBase64' });
      await c.ops.writePersonalDetails({
        holder: valuesOf(b.holder, 'holder'),
        validity: valuesOf(b.validity, 'validity'),
        addresses: valuesOf(b.addresses, 'addresses'),
        contacts: valuesOf(b.contacts, 'contacts'),
        occupation: valuesOf(b.occupation, 'occupation'),
        documents: valuesOf(b.documents, 'documents'),
        photo: photo ? new Uint8Array(Buffer.from(photo, 'base64')) : undefined,
      });
      return { ok: true };
    },
  },
  {
    method: 'POST',
    path: '/card/health',
    operationId: 'writeBasicHealth',
    zh: '写基本健康信息',
    en: 'Write basic health information',
    body: 'BasicHealth',
    run: async (c) => {
      const b = objectBody(c);
      await c.ops.writeBasicHealth({
        clinical: valuesOf(b.clinical, 'clinical'),
        special: valuesOf(b.special, 'special'),
        allergies: listOf(b.allergies, 'allergies'),
        immunizations: listOf(b.immunizations, 'immunizations'),
      });
      return { ok: true };
    },
  },
  {
    method: 'POST',
    path: '/card/outpatient',
    operationId: 'writeOutpatientVisit',
    zh: '写一次门诊记录（签名）',
    en: 'Write one outpatient visit (signed)',
    body: 'Record',
    run: (c) => c.ops.writeOutpatientVisit(valuesOf(objectBody(c), 'body')!),
  },
  {
    method: 'POST',
    path: '/card/inpatient',
    operationId: 'writeInpatientStay',
    zh: '写一次住院记录（签名）',
    en: 'Write one inpatient stay (signed)',
    body: 'Record',
    run: (c) => c.ops.writeInpatientStay(valuesOf(objectBody(c), 'body')!),
  },
];

/** Matches `/card/outpatient/3` against `/card/outpatient/{slot}`. */
export function matchRoute(
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (
      pattern.every((p, i) =>
        p.startsWith('{') ? ((params[p.slice(1, -1)] = decodeURIComponent(parts[i])), true) : p === parts[i],
      )
    )
      return { route, params };
  }
  return undefined;
}
