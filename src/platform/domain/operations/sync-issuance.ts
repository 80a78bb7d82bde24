// RHC_C0004 发卡同步: a city or hospital reports a card it issued. Creates the holder on first issuance,
// issues a pre-made card allocated at the counter (10/20 → 30) or creates the card, refusing a second live
// card of the same holder — all through the card ledger, idempotent by serialNo.
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { checkHolderId, checkRegion } from '../checks.ts';
import { nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { parseWireTime } from '../format.ts';
import { writeOnce } from '../idempotency.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import type { CardLedger, CardRow, ResidentRow } from '../ledger/index.ts';
import { maskId } from '../masking.ts';

const LIVE = ['20', '30', '40', '50'];

export async function syncIssuance(
  ctx: DomainContext,
  caller: Caller,
  input: C.IssuanceInput,
): Promise<C.IssuanceOutput> {
  assertPermitted(caller, 'RHC_C0004');
  const { card: c, holder: h } = input;
  checkHolderId(ctx.clock, { ...h }, 'holder.idNo');
  if (h.idType === '01' && c.cardNo !== h.idNo)
    throw new RhcError('FIELD_FORMAT', {
      field: 'card.cardNo',
      detail: 'card number must equal the holder ID number',
    });
  if (!parseWireTime(`${c.issueDate}000000`)) throw new RhcError('FIELD_FORMAT', { field: 'card.issueDate' });
  if (!parseWireTime(`${c.validUntil}000000`))
    throw new RhcError('FIELD_FORMAT', { field: 'card.validUntil' });
  checkRegion(caller, c.appCityCode);
  return writeOnce(
    ctx,
    caller,
    'RHC_C0004',
    input.serialNo,
    input,
    async (ledger) => {
      const resident = await holderOf(ctx, ledger, input);
      const existing = (await ledger.trx
        .selectFrom('cards')
        .selectAll()
        .where('card_no', '=', c.cardNo)
        .execute()) as CardRow[];
      const same = existing.find((x) => x.chip_serial === c.chipSerial);
      // a pre-made card allocated at the counter (10/20) is issued by this sync; anything else is a duplicate
      if (same && !(same.status === '10' || same.status === '20'))
        throw new RhcError('CARD_DUPLICATE', { field: 'card.chipSerial' });
      const live = existing.find((x) => x !== same && LIVE.includes(x.status));
      if (live) throw new RhcError('HOLDER_HAS_ACTIVE_CARD', { field: 'card.cardNo' });
      const step = {
        actor: caller,
        reason: null,
        operator: input.operator,
        serial: input.serialNo,
        opTime: input.issueTime,
      };
      let card: CardRow;
      if (same) {
        card = same;
        if (card.status === '10') await ledger.transition(card, '20', step);
        await ledger.transition(card, '30', { ...step, opType: '01' });
      } else {
        const at = nowParts(ctx.clock).iso;
        card = await ledger.createCard(
          {
            card_no: c.cardNo,
            chip_serial: c.chipSerial,
            resident_id: resident.id,
            card_factor: c.cardFactor ?? null,
            security_code: c.securityCode ?? null,
            card_type: c.cardType,
            spec_version: c.specVersion,
            issuer_org_code: c.issuerOrgCode,
            issuer_org_name: c.issuerOrgName,
            issue_date: c.issueDate,
            valid_until: c.validUntil,
            app_city_code: c.appCityCode,
            card_form: c.cardForm,
            bank_account_masked: c.bankAccountMasked ?? null,
            payment_methods: null,
            status: '30',
            status_reason: null,
            status_time: input.issueTime,
            created_at: at,
            updated_at: at,
          },
          step,
        );
      }
      return { provinceCardId: String(card.id), status: card.status, mainIndex: resident.main_index };
    },
    (o) => `card:${o.provinceCardId} id:${maskId(h.idNo)}`,
  );
}

/** The holder of the card: the stored resident (NAME_MISMATCH when the name differs) or a new one. */
async function holderOf(
  ctx: DomainContext,
  ledger: CardLedger,
  input: C.IssuanceInput,
): Promise<ResidentRow> {
  const { card: c, holder: h } = input;
  const resident = (await ledger.trx
    .selectFrom('residents')
    .selectAll()
    .where('id_type', '=', h.idType)
    .where('id_no', '=', h.idNo)
    .executeTakeFirst()) as ResidentRow | undefined;
  if (resident && resident.name !== h.name) throw new RhcError('NAME_MISMATCH', { field: 'holder.name' });
  if (resident) return resident;
  const at = nowParts(ctx.clock).iso;
  return ledger.createResident({
    main_index: (input.mainIndex ?? Buffer.from(ctx.random.bytes(32)).toString('hex')).toUpperCase(),
    id_type: h.idType,
    id_no: h.idNo,
    name: h.name,
    sex: h.sex,
    nation: h.nation ?? null,
    birth_date: h.birthDate,
    health_record_no: null,
    ncms_no: null,
    phone1: null,
    phone2: null,
    address1_type: null,
    address1: null,
    address2_type: null,
    address2: null,
    contacts_json: null,
    education: null,
    marital: null,
    occupation: null,
    // the region of the city that registered the holder, as an exchange import records it (apply-holders.ts)
    region_code: c.appCityCode,
    created_at: at,
    updated_at: at,
  });
}
