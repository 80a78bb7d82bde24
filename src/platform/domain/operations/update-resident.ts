// RHC_C0009 居民信息变更: changes a holder's demographics and contacts (operation 10), idempotent by alterNo;
// answers whether the card must be replaced (DDF1/EF06 items) or can be rewritten at a terminal.
import type { Updateable } from 'kysely';
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import type { ResidentTable } from '../../storage/schema.ts';
import { checkHolderId, checkRegion, holderRegion } from '../checks.ts';
import type { DomainContext } from '../context.ts';
import { writeOnce } from '../idempotency.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import type { ResidentRow } from '../ledger/index.ts';

/** Interface field → residents column (contacts are stored as JSON). */
const COLUMN: Readonly<Record<string, keyof ResidentTable>> = {
  name: 'name',
  sex: 'sex',
  nation: 'nation',
  birthDate: 'birth_date',
  phone1: 'phone1',
  phone2: 'phone2',
  address1Type: 'address1_type',
  address1: 'address1',
  address2Type: 'address2_type',
  address2: 'address2',
  education: 'education',
  marital: 'marital',
  occupation: 'occupation',
  healthRecordNo: 'health_record_no',
  ncmsNo: 'ncms_no',
};

/** DDF1/EF06 items are written only at personalisation: changing one means a new card. */
const CARD_FACE = ['name', 'sex', 'nation', 'birthDate'];

export async function updateResident(
  ctx: DomainContext,
  caller: Caller,
  input: C.UpdateResidentInput,
): Promise<C.UpdateResidentOutput> {
  assertPermitted(caller, 'RHC_C0009');
  if (!input.mainIndex && !(input.idType && input.idNo))
    throw new RhcError('FIELD_MISSING', { field: 'mainIndex', detail: 'give mainIndex or idType + idNo' });
  const ch = input.changes;
  if (Object.keys(ch).length === 0) throw new RhcError('FIELD_MISSING', { field: 'changes' });
  const out = await writeOnce(
    ctx,
    caller,
    'RHC_C0009',
    input.alterNo,
    input,
    async (ledger) => {
      let q = ledger.trx.selectFrom('residents').selectAll();
      q = input.mainIndex
        ? q.where('main_index', '=', input.mainIndex.toUpperCase())
        : q.where('id_type', '=', input.idType!).where('id_no', '=', input.idNo!);
      const r = (await q.executeTakeFirst()) as ResidentRow | undefined;
      if (!r) throw new RhcError('RESIDENT_NOT_FOUND', { field: input.mainIndex ? 'mainIndex' : 'idNo' });
      checkRegion(caller, await holderRegion(ledger.trx, r));
      checkHolderId(
        ctx.clock,
        { idType: r.id_type, idNo: r.id_no, sex: ch.sex, birthDate: ch.birthDate },
        'idNo',
      );
      const set: Updateable<ResidentTable> = {};
      for (const [k, v] of Object.entries(ch)) {
        if (k === 'contacts') set.contacts_json = JSON.stringify(v);
        else (set as Record<string, unknown>)[COLUMN[k]!] = v;
      }
      await ledger.updateResident(r.id, set);
      await ledger.logOperation({
        actor: caller,
        opType: '10',
        card: null,
        residentId: r.id,
        operator: input.operator,
        serial: input.alterNo,
        opTime: input.alterTime,
        detail: Object.keys(ch).join(','),
      });
      const rewrite = CARD_FACE.some((k) => k in ch) ? 'replace' : 'terminal';
      return { cardRewrite: rewrite as 'replace' | 'terminal', mainIndex: r.main_index, residentId: r.id };
    },
    (o) => `resident:${o.residentId} fields:${Object.keys(ch).join(',')}`,
  );
  return { cardRewrite: out.cardRewrite, mainIndex: out.mainIndex };
}
