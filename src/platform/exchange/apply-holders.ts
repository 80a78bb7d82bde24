// Appliers of the holder and log files (docs/exchange-format.md §6): JMXX residents (the ownership rule for
// demographics) and CZRZ, the city's operations log. Every write goes through the import's ledger.
import type { Insertable } from 'kysely';
import type { CardOperationTable, ResidentTable } from '../storage/schema.ts';
import { LIVE, cardsOf, owns, residentsByKey, selectIn } from './apply-context.ts';
import type { ApplyContext, Batch } from './apply-context.ts';
import { issue } from './issues.ts';

// ---------- JMXX: residents ----------

export async function applyResidents(ctx: ApplyContext, batch: Batch): Promise<void> {
  const existing = await residentsByKey(ctx, batch);
  const byKey = new Map(existing.map((r) => [`${r.id_type}|${r.id_no}`, r]));
  const mains = [...new Set(batch.map((r) => r.values.mainIndex!.toUpperCase()))];
  const byMain = new Map(
    (
      await selectIn<{ id: number; main_index: string }>(
        ctx,
        'residents',
        ['id', 'main_index'],
        [['main_index', mains]],
      )
    ).map((r) => [r.main_index, r.id]),
  );
  // live cards per resident, to apply the ownership rule for demographics
  const cards = await selectIn<{ resident_id: number; app_city_code: string; status: string }>(
    ctx,
    'cards',
    ['resident_id', 'app_city_code', 'status'],
    [
      ['resident_id', existing.map((r) => r.id)],
      ['status', LIVE],
    ],
  );
  for (const { line, values: v } of batch) {
    const main = v.mainIndex!.toUpperCase();
    const cur = byKey.get(`${v.idType}|${v.idNo}`);
    const fields = {
      name: v.name!,
      sex: v.sex!,
      nation: v.nation || null,
      birth_date: v.birthDate!,
      health_record_no: v.healthRecordNo || null,
      ncms_no: v.ncmsNo || null,
      phone1: v.phone1 || null,
      address1_type: v.address1Type || null,
      address1: v.address1 || null,
      address2_type: v.address2Type || null,
      address2: v.address2 || null,
    };
    if (!cur) {
      if (v.op === 'U') {
        ctx.report(
          issue(line, 'RESIDENT_NOT_FOUND', 'idNo', 'op U for a resident the province does not know (use A)'),
        );
        continue;
      }
      if (byMain.has(main)) {
        ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex', 'mainIndex already used by another resident'));
        continue;
      }
      const resident: Insertable<ResidentTable> = {
        main_index: main,
        id_type: v.idType!,
        id_no: v.idNo!,
        ...fields,
        phone2: null,
        contacts_json: null,
        education: null,
        marital: null,
        occupation: null,
        region_code: ctx.region,
        created_at: ctx.nowIso,
        updated_at: ctx.nowIso,
      };
      ctx.ledger.queueResident(resident);
      byMain.set(main, -1);
      ctx.stats.inserted++;
      continue;
    }
    if (cur.main_index.toUpperCase() !== main) {
      ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex'));
      continue;
    }
    const live = cards.filter((c) => c.resident_id === cur.id);
    if (live.length > 0 && !live.some((c) => owns(ctx, c.app_city_code))) {
      ctx.report(
        issue(
          line,
          'RECORD_REGION',
          'idNo',
          `holder's live card belongs to region ${live[0]!.app_city_code}`,
        ),
      );
      continue;
    }
    await ctx.ledger.updateResident(cur.id, fields);
    ctx.stats.updated++;
  }
}

// ---------- CZRZ: operations log ----------

export async function applyOplog(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { byKey } = await cardsOf(ctx, batch);
  const rows: Insertable<CardOperationTable>[] = [];
  for (const { line, values: v } of batch) {
    const card = v.cardNo ? byKey.get(`${v.cardNo}|${v.chipSerial}`) : undefined;
    if (card && !owns(ctx, card.app_city_code) && v.opType !== '12') {
      // a hospital of this city may verify (12) a card of another city; any other operation must be its own
      ctx.report(issue(line, 'RECORD_REGION', 'cardNo', `card of region ${card.app_city_code}`));
      continue;
    }
    rows.push({
      op_type: v.opType!,
      card_id: card?.id ?? null,
      resident_id: card?.resident_id ?? null,
      org_code: v.orgCode!,
      region_code: ctx.region,
      operator: v.operator || null,
      op_date: v.opTime!.slice(0, 8),
      op_time: v.opTime!,
      from_status: null,
      to_status: null,
      reason_code: null,
      serial_no: `${ctx.region}-${v.opSerial}`,
      detail: `result=${v.result}${v.detail ? `;${v.detail}` : ''}`,
      source: `city:${ctx.region}`,
    });
    ctx.stats.inserted++;
  }
  await ctx.ledger.logImported(rows);
}
