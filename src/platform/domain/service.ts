// The platform service: the ten interfaces of platform-interfaces.md §4 over the storage, shared by every
// binding (REST, SOAP, SOAP envelope, JSON gateway). Each write is one transaction that also writes the
// operations log and the list changes, and is idempotent by (institution, business code, serialNo).
import { sql } from 'kysely';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Clock, Random } from '../../base/runtime.ts';
import type * as C from '../contracts.ts';
import { RhcError, errorEntry } from '../errors.ts';
import type { ErrorName } from '../errors.ts';
import type { PlatformDb } from '../storage/db.ts';
import { createCardLookup } from '../storage/card-lookup.ts';
import type { CardLookup } from '../storage/card-lookup.ts';
import type { CardTable, Database, ResidentTable } from '../storage/schema.ts';
import { insertSqliteRows } from '../storage/sqlite-insert.ts';
import { AuditTrail } from './audit.ts';
import type { AuditInput } from './audit.ts';
import { listVersion, parseWireTime, toWireDate, toWireTime } from './format.ts';
import { checkIdNumber } from './id-check.ts';
import {
  InstitutionRegistry,
  permittedCodes,
  assertPermitted,
  mayTouchRegion,
  regionPrefix,
} from './institutions.ts';
import type { Caller } from './institutions.ts';
import { CARD_STATUS, OP_TYPES, REASON_CODES, listEffects, transitionOp } from './lifecycle.ts';
import { maskId } from './masking.ts';
import { sm3Hex } from './secrets.ts';

type Trx = Transaction<Database>;
type CardRow = Omit<CardTable, 'id'> & { id: number };
type ResidentRow = Omit<ResidentTable, 'id'> & { id: number };

export const EMPTY_LIST_VERSION = '00000000.0000';

export interface ServiceOptions {
  clock: Clock;
  random: Random;
  /** Audit / use-record flush period in ms (0 = no timer; call flush()). */
  flushIntervalMs?: number;
  /** Period of the expiry sweep in ms (active cards past valid_until → 60); unset = no timer. */
  expiryIntervalMs?: number;
}

/** The platform itself as the actor of scheduled changes (operations log org_code, audit). */
export const SYSTEM_CALLER: Caller = {
  institutionId: 0,
  institutionCode: 'RHC-SYSTEM',
  role: 'province',
  regionCode: '000000',
  userName: 'system',
  userRole: 'admin',
  termId: 'scheduler',
};

const PURPOSE: Record<string, string> = {
  RHC_C0001: 'authentication',
  RHC_C0002: 'issuance-id-check',
  RHC_C0003: 'card-verification',
  RHC_C0004: 'issuance-sync',
  RHC_C0005: 'status-sync',
  RHC_C0006: 'replacement-sync',
  RHC_C0007: 'list-distribution',
  RHC_C0008: 'statistics',
  RHC_C0009: 'resident-update',
  RHC_C0010: 'card-update',
};

interface UseRecord {
  card_id: number;
  resident_id: number;
  org_code: string;
  region_code: string;
  operator: string;
  op_date: string;
  op_time: string;
  detail: string | null;
}

export class PlatformService {
  readonly db: Kysely<Database>;
  readonly kind: PlatformDb['kind'];
  readonly registry: InstitutionRegistry;
  readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly random: Random;
  private uses: UseRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly lookup: CardLookup;
  private readonly raw: PlatformDb['sqlite'];

  private constructor(p: PlatformDb, registry: InstitutionRegistry, audit: AuditTrail, o: ServiceOptions) {
    this.db = p.db;
    this.kind = p.kind;
    this.registry = registry;
    this.audit = audit;
    this.clock = o.clock;
    this.random = o.random;
    this.lookup = createCardLookup(p, p.sqlitePath);
    this.raw = p.sqlite;
    if (o.flushIntervalMs) {
      this.timer = setInterval(
        () => void this.flush().catch((e) => console.error('rhc: audit flush failed', e)),
        o.flushIntervalMs,
      );
      this.timer.unref();
    }
    if (o.expiryIntervalMs) {
      const sweep = () => void this.expireCards().catch((e) => console.error('rhc: expiry sweep failed', e));
      this.expiryTimer = setInterval(sweep, o.expiryIntervalMs);
      this.expiryTimer.unref();
      setImmediate(sweep); // once at start: a platform that was down over midnight catches up
    }
  }

  static async open(p: PlatformDb, o: ServiceOptions): Promise<PlatformService> {
    const registry = await InstitutionRegistry.open(p.db, o.clock, o.random);
    const audit = await AuditTrail.open(p.db, o.clock, p.sqlite);
    return new PlatformService(p, registry, audit, o);
  }

  /** Writes buffered audit entries and card-use records. */
  async flush(): Promise<void> {
    if (this.uses.length > 0) {
      const batch = this.uses;
      this.uses = [];
      const rows = batch.map((u) => ({
        ...u,
        op_type: '12',
        from_status: null,
        to_status: null,
        reason_code: null,
        serial_no: null,
      }));
      const raw = this.raw;
      if (raw)
        await this.db
          .connection()
          .execute(async () => raw.transaction(() => insertSqliteRows(raw, 'card_operations', rows))());
      else
        await this.db.transaction().execute(async (trx) => {
          for (let i = 0; i < rows.length; i += 500)
            await trx
              .insertInto('card_operations')
              .values(rows.slice(i, i + 500))
              .execute();
        });
    }
    await this.audit.flush();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    await this.flush();
    this.lookup.close();
  }

  private now() {
    const d = this.clock.now();
    return { iso: d.toISOString(), time: toWireTime(d), date: toWireDate(d) };
  }

  private auditEntry(
    caller: Caller,
    code: string,
    subject: string,
    outcome = '0000',
    purpose?: string,
  ): AuditInput {
    return {
      institutionCode: caller.institutionCode,
      userName: caller.userName,
      action: code,
      purpose: purpose ?? PURPOSE[code] ?? code,
      subject,
      outcome,
    };
  }

  /** Buffered audit entry (reads, refusals): written by the next flush. */
  private auditOf(caller: Caller, code: string, subject: string, outcome = '0000', purpose?: string): void {
    this.audit.append(this.auditEntry(caller, code, subject, outcome, purpose));
  }

  /** Serialises writers on PostgreSQL (SQLite already has one writer) so list versions stay monotonic. */
  private async lockWrites(trx: Trx): Promise<void> {
    if (this.kind === 'postgres') await sql`select pg_advisory_xact_lock(5150001)`.execute(trx);
  }

  /**
   * Runs a write once per (institution, business code, serialNo); a retry returns the first answer. The
   * audit entry (`subjectOf` the answer) is written in the same transaction; a retry is audited too.
   */
  private async idempotent<T>(
    caller: Caller,
    code: string,
    serial: string,
    input: unknown,
    work: (trx: Trx) => Promise<T>,
    subjectOf: (out: T) => string,
  ): Promise<T> {
    const digest = sm3Hex(JSON.stringify(input));
    const result = await this.db.transaction().execute(async (trx) => {
      await this.lockWrites(trx);
      const seen = await trx
        .selectFrom('idempotency')
        .select(['request_digest', 'response_json'])
        .where('institution_code', '=', caller.institutionCode)
        .where('business_code', '=', code)
        .where('serial_no', '=', serial)
        .executeTakeFirst();
      if (seen) {
        if (seen.request_digest !== digest) throw new RhcError('SERIAL_CONFLICT', { field: 'serialNo' });
        return { replay: true, value: JSON.parse(seen.response_json) as T };
      }
      const value = await work(trx);
      await this.audit.writeInTransaction(trx, this.auditEntry(caller, code, subjectOf(value)));
      await trx
        .insertInto('idempotency')
        .values({
          institution_code: caller.institutionCode,
          business_code: code,
          serial_no: serial,
          request_digest: digest,
          response_json: JSON.stringify(value),
          created_at: this.now().iso,
        })
        .execute();
      return { replay: false, value };
    });
    if (result.replay) this.auditOf(caller, code, `${subjectOf(result.value)} retry:${serial}`);
    return result.value;
  }

  /**
   * Envelope-level idempotency (§2.3 msgGuid / msg_guid): a repeated message id returns the first
   * successful answer; the same id with a different message is refused (1012).
   */
  async onceByMessage<T>(
    institutionCode: string,
    msgGuid: string,
    messageDigest: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const seen = await this.db
      .selectFrom('idempotency')
      .select(['request_digest', 'response_json'])
      .where('institution_code', '=', institutionCode)
      .where('business_code', '=', 'MSG')
      .where('serial_no', '=', msgGuid)
      .executeTakeFirst();
    if (seen) {
      if (seen.request_digest !== messageDigest) throw new RhcError('SERIAL_CONFLICT', { field: 'msgGuid' });
      return JSON.parse(seen.response_json) as T;
    }
    const value = await work();
    await this.db
      .insertInto('idempotency')
      .values({
        institution_code: institutionCode,
        business_code: 'MSG',
        serial_no: msgGuid,
        request_digest: messageDigest,
        response_json: JSON.stringify(value),
        created_at: this.now().iso,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return value;
  }

  // ---------- lists ----------

  private async headVersion(
    db: Kysely<Database> | Trx,
    list: 'B' | 'W',
  ): Promise<{ seq: number; version: string }> {
    const r = await db
      .selectFrom('list_changes')
      .select(['seq', 'version'])
      .where('list_type', '=', list)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ?? { seq: 0, version: EMPTY_LIST_VERSION };
  }

  private async appendListChange(
    trx: Trx,
    list: 'B' | 'W',
    op: 'A' | 'D',
    card: CardRow,
    status: string,
    reason: string | null,
    at: string,
  ): Promise<string> {
    // the version date is the server's (a client's opTime may lie in the past: versions must only grow)
    const date = this.now().date;
    const r = await trx
      .selectFrom('list_changes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_type', '=', list)
      .where('version', 'like', `${date}.%`)
      .executeTakeFirstOrThrow();
    const version = listVersion(date, Number(r.n) + 1);
    await trx
      .insertInto('list_changes')
      .values({
        list_type: list,
        version,
        op,
        card_no: card.card_no,
        chip_serial: card.chip_serial,
        status,
        reason_code: reason,
        effective_time: at,
        app_city_code: card.app_city_code,
      })
      .execute();
    return version;
  }

  /** Moves a card to a new status inside trx: checks the table, logs the operation, updates the lists. */
  private async transition(
    trx: Trx,
    caller: Caller,
    card: CardRow,
    to: string,
    o: { reason: string | null; opType?: string; operator: string; serial: string | null; opTime: string },
  ): Promise<{ blacklistVersion: string | undefined }> {
    const op = transitionOp(card.status, to);
    if (!op)
      throw new RhcError('TRANSITION_NOT_ALLOWED', {
        field: 'newStatus',
        detail: `${card.status} → ${to} is not allowed`,
      });
    const n = this.now();
    await trx
      .updateTable('cards')
      .set({ status: to, status_reason: o.reason, status_time: o.opTime, updated_at: n.iso })
      .where('id', '=', card.id)
      .execute();
    await this.logOperation(
      trx,
      caller,
      o.opType ?? op,
      card,
      card.status,
      to,
      o.reason,
      o.operator,
      o.serial,
      o.opTime,
    );
    let blacklistVersion: string | undefined;
    for (const eff of listEffects(card.status, to)) {
      const v = await this.appendListChange(trx, eff.list, eff.op, card, to, o.reason, o.opTime);
      if (eff.list === 'B') blacklistVersion = v;
    }
    card.status = to;
    return { blacklistVersion };
  }

  private async logOperation(
    trx: Trx,
    caller: Caller,
    opType: string,
    card: CardRow | null,
    from: string | null,
    to: string | null,
    reason: string | null,
    operator: string,
    serial: string | null,
    opTime: string,
    detail: string | null = null,
    residentId?: number,
  ) {
    await trx
      .insertInto('card_operations')
      .values({
        op_type: opType,
        card_id: card?.id ?? null,
        resident_id: card?.resident_id ?? residentId ?? null,
        org_code: caller.institutionCode,
        region_code: card?.app_city_code ?? caller.regionCode,
        operator,
        op_date: opTime.slice(0, 8),
        op_time: opTime,
        from_status: from,
        to_status: to,
        reason_code: reason,
        serial_no: serial,
        detail,
      })
      .execute();
  }

  // ---------- scheduled: expiry ----------

  /**
   * Moves active cards whose validity ended (valid_until before today, China time) to 60 失效 with reason
   * 08 到期: one transaction per batch, each with its operations-log rows and whitelist deletions, so a
   * crash mid-sweep loses nothing and the next sweep continues. Verification already answers 3007 for
   * such cards in between; the sweep makes the status, the lists and the statistics say so too.
   */
  async expireCards(o: { batch?: number } = {}): Promise<{ expired: number }> {
    const batch = o.batch ?? 500;
    let expired = 0;
    for (;;) {
      const n = this.now();
      const done = await this.db.transaction().execute(async (trx) => {
        await this.lockWrites(trx);
        const due = (await trx
          .selectFrom('cards')
          .selectAll()
          .where('status', '=', '30')
          .where('valid_until', '<', n.date)
          .orderBy('valid_until')
          .limit(batch)
          .execute()) as CardRow[];
        for (const card of due)
          await this.transition(trx, SYSTEM_CALLER, card, '60', {
            reason: '08',
            operator: 'system',
            serial: null,
            opTime: n.time,
          });
        if (due.length > 0)
          await this.audit.writeInTransaction(
            trx,
            this.auditEntry(SYSTEM_CALLER, 'EXPIRE', `cards:${due.length}`, '0000', 'expiry-sweep'),
          );
        return due.length;
      });
      expired += done;
      if (done < batch) break;
    }
    return { expired };
  }

  // ---------- lookups ----------

  private async findCard(
    db: Kysely<Database> | Trx,
    cardNo: string,
    chip: string,
    chipField = 'chipSerial',
  ): Promise<CardRow> {
    const rows = (await db
      .selectFrom('cards')
      .selectAll()
      .where('card_no', '=', cardNo)
      .execute()) as CardRow[];
    if (rows.length === 0) throw new RhcError('CARD_NOT_FOUND', { field: 'cardNo' });
    const card = rows.find((r) => r.chip_serial === chip);
    if (!card) throw new RhcError('CHIP_MISMATCH', { field: chipField });
    return card;
  }

  private checkRegion(caller: Caller, region: string): void {
    if (!mayTouchRegion(caller, region))
      throw new RhcError('NOT_PERMITTED', {
        detail: `institution ${caller.institutionCode} (region ${caller.regionCode}) may not change data of region ${region}`,
      });
  }

  // ---------- 1 RHC_C0001 ----------

  async authenticate(input: C.AuthenticateInput): Promise<C.AuthenticateOutput> {
    let authenticated: Awaited<ReturnType<InstitutionRegistry['authenticate']>>;
    try {
      authenticated = await this.registry.authenticate(input);
    } catch (err) {
      // failed authentications are audited too (who tried, from which terminal, why refused)
      if (err instanceof RhcError)
        this.audit.append({
          institutionCode: input.orgCode,
          userName: input.userName,
          action: 'RHC_C0001',
          purpose: PURPOSE.RHC_C0001!,
          subject: `term:${input.termId}`,
          outcome: err.code,
        });
      throw err;
    }
    const { caller, orgName } = authenticated;
    const { token, expiresAt } = this.registry.issueToken(caller);
    this.auditOf(caller, 'RHC_C0001', `term:${input.termId}`);
    const [b, w] = await Promise.all([this.headVersion(this.db, 'B'), this.headVersion(this.db, 'W')]);
    return {
      token,
      expiresAt: toWireTime(expiresAt),
      orgName,
      regionCode: caller.regionCode,
      allowedCodes: permittedCodes(caller.role, caller.userRole),
      serverTime: this.now().time,
      blacklistVersion: b.version,
      whitelistVersion: w.version,
    };
  }

  // ---------- 2 RHC_C0002 ----------

  private checkHolderId(
    f: { idType: string; idNo: string; sex?: string; birthDate?: string },
    field = 'idNo',
  ): void {
    if (f.idType !== '01') return;
    const c = checkIdNumber(f.idNo, this.clock.now());
    if (!c.valid)
      throw new RhcError(c.errorCode === '2002' ? 'ID_LOWERCASE_X' : 'ID_CHECK_DIGIT', {
        field,
        detail: c.reason,
      });
    if (f.birthDate !== undefined && f.birthDate !== c.birthDate)
      throw new RhcError('ID_INCONSISTENT', { field: 'birthDate' });
    if (f.sex !== undefined && (f.sex === '1' || f.sex === '2') && f.sex !== c.sex)
      throw new RhcError('ID_INCONSISTENT', { field: 'sex' });
  }

  async verifyId(caller: Caller, input: C.VerifyIdInput): Promise<C.VerifyIdOutput> {
    assertPermitted(caller, 'RHC_C0002');
    this.checkHolderId(input);
    const resident = (await this.db
      .selectFrom('residents')
      .selectAll()
      .where('id_type', '=', input.idType)
      .where('id_no', '=', input.idNo)
      .executeTakeFirst()) as ResidentRow | undefined;
    this.auditOf(
      caller,
      'RHC_C0002',
      `id:${maskId(input.idNo)}${resident ? ` resident:${resident.id}` : ''}`,
    );
    if (!resident)
      return {
        resultCode: '0000',
        desc: '',
        checkDigitValid: true,
        nameMatches: true,
        residentExists: false,
        cards: [],
      };
    const cards = await this.db
      .selectFrom('cards')
      .selectAll()
      .where('resident_id', '=', resident.id)
      .orderBy('id')
      .execute();
    const nameMatches = resident.name === input.name;
    return {
      resultCode: nameMatches ? '0000' : '2003',
      desc: nameMatches ? '' : errorEntry('NAME_MISMATCH').zh,
      checkDigitValid: true,
      nameMatches,
      residentExists: true,
      mainIndex: resident.main_index,
      ...(resident.health_record_no ? { healthRecordNo: resident.health_record_no } : {}),
      cards: cards.map((c) => ({
        cardNo: c.card_no,
        chipSerial: c.chip_serial,
        status: c.status,
        issueDate: c.issue_date,
        issuerOrgCode: c.issuer_org_code,
        appCityCode: c.app_city_code,
      })),
    };
  }

  // ---------- 3 RHC_C0003 ----------

  async verifyCard(caller: Caller, input: C.VerifyCardInput): Promise<C.VerifyCardOutput> {
    assertPermitted(caller, 'RHC_C0003');
    const refuse = (name: ErrorName, field: string) => {
      const e = new RhcError(name, { field });
      this.auditOf(caller, 'RHC_C0003', `card:${maskId(input.cardNo)}`, e.code);
      return e;
    };
    const rows = await this.lookup(input.cardNo);
    if (rows.length === 0) throw refuse('CARD_NOT_FOUND', 'cardNo');
    const card = rows.find((r) => r.chip_serial === input.chipSerial);
    if (!card) throw refuse('CHIP_MISMATCH', 'chipSerial');
    if (
      input.securityCode !== undefined &&
      card.security_code !== null &&
      card.security_code !== input.securityCode
    )
      throw refuse('SECURITY_CODE_MISMATCH', 'securityCode');
    const n = this.now();
    let verdict: ErrorName = CARD_STATUS[card.status]?.verdict ?? 'INTERNAL';
    if (verdict === 'SUCCESS' && card.valid_until < n.date) verdict = 'CARD_EXPIRED';
    const entry = errorEntry(verdict);
    this.auditOf(caller, 'RHC_C0003', `card:${card.id} resident:${card.resident_id}`, entry.code);
    this.uses.push({
      card_id: card.id,
      resident_id: card.resident_id,
      org_code: caller.institutionCode,
      region_code: card.app_city_code,
      operator: caller.userName,
      op_date: (input.useTime ?? n.time).slice(0, 8),
      op_time: input.useTime ?? n.time,
      detail: [input.deptCode, input.terminalType, input.medStepCode].some((x) => x)
        ? `dept=${input.deptCode ?? ''};term=${input.terminalType ?? ''};step=${input.medStepCode ?? ''}`
        : null,
    });
    return {
      valid: verdict === 'SUCCESS',
      resultCode: entry.code,
      desc: verdict === 'SUCCESS' ? '' : entry.zh,
      status: card.status,
      ...(card.status_reason ? { statusReason: card.status_reason } : {}),
      validUntil: card.valid_until,
      onBlacklist: CARD_STATUS[card.status]?.lists.includes('B') ?? false,
      holder: {
        name: card.r_name,
        sex: card.r_sex,
        birthDate: card.r_birth_date,
        idType: card.r_id_type,
        idNo: card.r_id_no,
      },
      mainIndex: card.r_main_index,
    };
  }

  // ---------- 4 RHC_C0004 ----------

  async syncIssuance(caller: Caller, input: C.IssuanceInput): Promise<C.IssuanceOutput> {
    assertPermitted(caller, 'RHC_C0004');
    const { card: c, holder: h } = input;
    this.checkHolderId({ ...h }, 'holder.idNo');
    if (h.idType === '01' && c.cardNo !== h.idNo)
      throw new RhcError('FIELD_FORMAT', {
        field: 'card.cardNo',
        detail: 'card number must equal the holder ID number',
      });
    if (!parseWireTime(`${c.issueDate}000000`))
      throw new RhcError('FIELD_FORMAT', { field: 'card.issueDate' });
    if (!parseWireTime(`${c.validUntil}000000`))
      throw new RhcError('FIELD_FORMAT', { field: 'card.validUntil' });
    this.checkRegion(caller, c.appCityCode);
    const out = await this.idempotent(
      caller,
      'RHC_C0004',
      input.serialNo,
      input,
      async (trx) => {
        const n = this.now();
        let resident = (await trx
          .selectFrom('residents')
          .selectAll()
          .where('id_type', '=', h.idType)
          .where('id_no', '=', h.idNo)
          .executeTakeFirst()) as ResidentRow | undefined;
        if (resident && resident.name !== h.name)
          throw new RhcError('NAME_MISMATCH', { field: 'holder.name' });
        if (!resident) {
          const mainIndex = (
            input.mainIndex ?? Buffer.from(this.random.bytes(32)).toString('hex')
          ).toUpperCase();
          const ins = await trx
            .insertInto('residents')
            .values({
              main_index: mainIndex,
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
              region_code: h.idType === '01' ? h.idNo.slice(0, 6) : c.appCityCode,
              created_at: n.iso,
              updated_at: n.iso,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          resident = (await trx
            .selectFrom('residents')
            .selectAll()
            .where('id', '=', ins.id)
            .executeTakeFirstOrThrow()) as ResidentRow;
        }
        const existing = (await trx
          .selectFrom('cards')
          .selectAll()
          .where('card_no', '=', c.cardNo)
          .execute()) as CardRow[];
        const same = existing.find((x) => x.chip_serial === c.chipSerial);
        // a pre-made card allocated at the counter (10/20) is issued by this sync; anything else is a duplicate
        if (same && !(same.status === '10' || same.status === '20'))
          throw new RhcError('CARD_DUPLICATE', { field: 'card.chipSerial' });
        const live = existing.find((x) => x !== same && ['20', '30', '40', '50'].includes(x.status));
        if (live) throw new RhcError('HOLDER_HAS_ACTIVE_CARD', { field: 'card.cardNo' });
        let card: CardRow;
        if (same) {
          card = same;
          if (card.status === '10')
            await this.transition(trx, caller, card, '20', {
              reason: null,
              operator: input.operator,
              serial: input.serialNo,
              opTime: input.issueTime,
            });
          await this.transition(trx, caller, card, '30', {
            reason: null,
            opType: '01',
            operator: input.operator,
            serial: input.serialNo,
            opTime: input.issueTime,
          });
        } else {
          const ins = await trx
            .insertInto('cards')
            .values({
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
              created_at: n.iso,
              updated_at: n.iso,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          card = (await trx
            .selectFrom('cards')
            .selectAll()
            .where('id', '=', ins.id)
            .executeTakeFirstOrThrow()) as CardRow;
          await this.logOperation(
            trx,
            caller,
            '01',
            card,
            null,
            '30',
            null,
            input.operator,
            input.serialNo,
            input.issueTime,
          );
          for (const eff of listEffects(undefined, '30'))
            await this.appendListChange(trx, eff.list, eff.op, card, '30', null, input.issueTime);
        }
        return { provinceCardId: String(card.id), status: card.status, mainIndex: resident.main_index };
      },
      (o) => `card:${o.provinceCardId} id:${maskId(h.idNo)}`,
    );
    return out;
  }

  // ---------- 5 RHC_C0005 ----------

  async syncStatus(caller: Caller, input: C.StatusSyncInput): Promise<C.StatusSyncOutput> {
    assertPermitted(caller, 'RHC_C0005');
    if (!(input.newStatus in CARD_STATUS))
      throw new RhcError('FIELD_FORMAT', { field: 'newStatus', detail: 'unknown status code' });
    if (!(input.reasonCode in REASON_CODES))
      throw new RhcError('FIELD_FORMAT', { field: 'reasonCode', detail: 'unknown reason code' });
    const out = await this.idempotent(
      caller,
      'RHC_C0005',
      input.serialNo,
      input,
      async (trx) => {
        const card = await this.findCard(trx, input.cardNo, input.chipSerial);
        this.checkRegion(caller, card.app_city_code);
        if (card.status !== input.oldStatus)
          throw new RhcError('TRANSITION_NOT_ALLOWED', {
            field: 'oldStatus',
            detail: `current status is ${card.status}`,
          });
        const r = await this.transition(trx, caller, card, input.newStatus, {
          reason: input.reasonCode,
          operator: input.operator,
          serial: input.serialNo,
          opTime: input.opTime,
        });
        return {
          currentStatus: card.status,
          blacklistVersion: r.blacklistVersion ?? (await this.headVersion(trx, 'B')).version,
          cardId: card.id,
        };
      },
      (o) => `card:${o.cardId} ${input.oldStatus}->${input.newStatus}`,
    );
    return { currentStatus: out.currentStatus, blacklistVersion: out.blacklistVersion };
  }

  // ---------- 6 RHC_C0006 ----------

  async syncReplacement(caller: Caller, input: C.ReplacementInput): Promise<C.ReplacementOutput> {
    assertPermitted(caller, 'RHC_C0006');
    if (!(input.reasonCode in REASON_CODES)) throw new RhcError('FIELD_FORMAT', { field: 'reasonCode' });
    if (input.oldChipSerial === input.newChipSerial)
      throw new RhcError('FIELD_FORMAT', {
        field: 'newChipSerial',
        detail: 'new chip serial must differ from the old one',
      });
    const out = await this.idempotent(
      caller,
      'RHC_C0006',
      input.serialNo,
      input,
      async (trx) => {
        const old = await this.findCard(trx, input.cardNo, input.oldChipSerial, 'oldChipSerial');
        this.checkRegion(caller, old.app_city_code);
        const clash = await trx
          .selectFrom('cards')
          .select('id')
          .where('card_no', '=', input.cardNo)
          .where('chip_serial', '=', input.newChipSerial)
          .executeTakeFirst();
        if (clash) throw new RhcError('CARD_DUPLICATE', { field: 'newChipSerial' });
        const opType = input.type === '1' ? '07' : '08';
        const retired = await this.transition(trx, caller, old, '90', {
          reason: input.reasonCode,
          opType,
          operator: input.operator,
          serial: input.serialNo,
          opTime: input.opTime,
        });
        const n = this.now();
        const ins = await trx
          .insertInto('cards')
          .values({
            card_no: old.card_no,
            chip_serial: input.newChipSerial,
            resident_id: old.resident_id,
            card_factor: input.newCardFactor ?? null,
            security_code: input.newSecurityCode ?? null,
            card_type: old.card_type,
            spec_version: old.spec_version,
            issuer_org_code: old.issuer_org_code,
            issuer_org_name: old.issuer_org_name,
            issue_date: input.opTime.slice(0, 8),
            valid_until: input.newValidUntil,
            app_city_code: old.app_city_code,
            card_form: old.card_form,
            bank_account_masked: old.bank_account_masked,
            payment_methods: old.payment_methods,
            status: '30',
            status_reason: null,
            status_time: input.opTime,
            created_at: n.iso,
            updated_at: n.iso,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const card = (await trx
          .selectFrom('cards')
          .selectAll()
          .where('id', '=', ins.id)
          .executeTakeFirstOrThrow()) as CardRow;
        await this.logOperation(
          trx,
          caller,
          '01',
          card,
          null,
          '30',
          input.reasonCode,
          input.operator,
          input.serialNo,
          input.opTime,
          `${opType} new card`,
        );
        for (const eff of listEffects(undefined, '30'))
          await this.appendListChange(trx, eff.list, eff.op, card, '30', null, input.opTime);
        return {
          oldStatus: '90',
          newStatus: '30',
          provinceCardId: String(card.id),
          blacklistVersion: retired.blacklistVersion ?? (await this.headVersion(trx, 'B')).version,
        };
      },
      (o) => `card:${o.provinceCardId} type:${input.type}`,
    );
    return out;
  }

  // ---------- 7 RHC_C0007 ----------

  async getList(caller: Caller, input: C.ListInput): Promise<C.ListOutput> {
    assertPermitted(caller, 'RHC_C0007');
    const size = input.pageSize ?? 1000;
    const scope = input.scope ?? '';
    const list = input.listType;
    this.auditOf(caller, 'RHC_C0007', `list:${list} since:${input.haveVersion ?? '-'}`);
    let since: number | undefined;
    let resultCode = '0000';
    if (input.haveVersion) {
      const row = await this.db
        .selectFrom('list_changes')
        .select('seq')
        .where('list_type', '=', list)
        .where('version', '=', input.haveVersion)
        .executeTakeFirst();
      if (row) since = row.seq;
      else if (input.haveVersion === EMPTY_LIST_VERSION) since = 0;
      else resultCode = '4001';
    }
    if (since !== undefined) {
      const from = input.pageToken ? Math.max(Number(input.pageToken.split('-')[0]), since) : since;
      let q = this.db
        .selectFrom('list_changes')
        .selectAll()
        .where('list_type', '=', list)
        .where('seq', '>', from);
      if (scope) q = q.where('app_city_code', 'like', `${scope}%`);
      const rows = await q
        .orderBy('seq')
        .limit(size + 1)
        .execute();
      const page = rows.slice(0, size);
      const last = page[page.length - 1];
      return {
        resultCode,
        listType: list,
        version: last ? last.version : input.haveVersion!,
        baseVersion: input.haveVersion!,
        mode: 'D',
        entries: page.map((r) => ({
          op: r.op as 'A' | 'D',
          cardNo: r.card_no,
          chipSerial: r.chip_serial,
          status: r.status,
          ...(r.reason_code ? { reasonCode: r.reason_code } : {}),
          effectiveTime: r.effective_time,
          appCityCode: r.app_city_code,
        })),
        ...(rows.length > size && last ? { nextPageToken: String(last.seq) } : {}),
      };
    }
    // full list: current cards in the list's statuses, paged by card id; the token pins the version
    const [pinnedSeq, afterId] = input.pageToken?.includes('-')
      ? input.pageToken.split('-').map(Number)
      : [undefined, 0];
    const head =
      pinnedSeq !== undefined ? await this.versionAt(list, pinnedSeq) : await this.headVersion(this.db, list);
    const statuses = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes(list));
    let q = this.db
      .selectFrom('cards')
      .select(['id', 'card_no', 'chip_serial', 'status', 'status_reason', 'status_time', 'app_city_code'])
      .where('status', 'in', statuses)
      .where('id', '>', afterId ?? 0);
    if (scope) q = q.where('app_city_code', 'like', `${scope}%`);
    const rows = await q
      .orderBy('id')
      .limit(size + 1)
      .execute();
    const page = rows.slice(0, size);
    const last = page[page.length - 1];
    return {
      resultCode,
      listType: list,
      version: head.version,
      mode: 'F',
      entries: page.map((r) => ({
        op: 'A' as const,
        cardNo: r.card_no,
        chipSerial: r.chip_serial,
        status: r.status,
        ...(r.status_reason ? { reasonCode: r.status_reason } : {}),
        effectiveTime: r.status_time,
        appCityCode: r.app_city_code,
      })),
      ...(rows.length > size && last ? { nextPageToken: `${head.seq}-${last.id}` } : {}),
    };
  }

  private async versionAt(list: 'B' | 'W', seq: number): Promise<{ seq: number; version: string }> {
    const r = await this.db
      .selectFrom('list_changes')
      .select(['seq', 'version'])
      .where('list_type', '=', list)
      .where('seq', '<=', seq)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ?? { seq: 0, version: EMPTY_LIST_VERSION };
  }

  // ---------- 8 RHC_C0008 ----------

  async statistics(caller: Caller, input: C.StatisticsInput): Promise<C.StatisticsOutput> {
    assertPermitted(caller, 'RHC_C0008');
    if (input.action === 'report') {
      if (!(caller.role === 'city' || caller.role === 'province'))
        throw new RhcError('NOT_PERMITTED', { detail: 'only city platforms report statistics' });
      if (!input.rows?.length) throw new RhcError('FIELD_MISSING', { field: 'rows' });
      if (!input.serialNo) throw new RhcError('FIELD_MISSING', { field: 'serialNo' });
      for (const [i, r] of input.rows.entries())
        if (!(r.opType in OP_TYPES)) throw new RhcError('FIELD_FORMAT', { field: `rows.${i}.opType` });
      const rows = input.rows;
      const out = await this.idempotent(
        caller,
        'RHC_C0008',
        input.serialNo,
        input,
        async (trx) => {
          const at = this.now().iso;
          // a new report for the same (organisation, day, operation) replaces this reporter's earlier one
          for (const r of rows)
            await trx
              .deleteFrom('reported_stats')
              .where('reported_by', '=', caller.institutionCode)
              .where('org_code', '=', r.orgCode)
              .where('stat_date', '=', r.date)
              .where('op_type', '=', r.opType)
              .execute();
          for (let i = 0; i < rows.length; i += 500)
            await trx
              .insertInto('reported_stats')
              .values(
                rows.slice(i, i + 500).map((r) => ({
                  reported_by: caller.institutionCode,
                  region_code: caller.regionCode,
                  org_code: r.orgCode,
                  stat_date: r.date,
                  op_type: r.opType,
                  count: r.count,
                  received_at: at,
                })),
              )
              .execute();
          return { rows: [], accepted: rows.length };
        },
        (o) => `report rows:${o.accepted}`,
      );
      return out;
    }
    // query: hospitals see their own institution, cities their region, the province everything
    let orgCode = input.orgCode;
    let region = input.regionCode ?? '';
    if (
      caller.role === 'hospital' ||
      caller.role === 'frontend' ||
      caller.role === 'maker' ||
      caller.role === 'bank'
    ) {
      if (orgCode !== undefined && orgCode !== caller.institutionCode)
        throw new RhcError('NOT_PERMITTED', {
          field: 'orgCode',
          detail: 'statistics of another institution',
        });
      orgCode = caller.institutionCode;
    } else if (caller.role === 'city') {
      const mine = regionPrefix(caller.regionCode);
      if (region && !region.startsWith(mine))
        throw new RhcError('NOT_PERMITTED', { field: 'regionCode', detail: 'statistics of another region' });
      if (!region) region = mine;
    }
    const groupBy: ('org' | 'region' | 'day' | 'op')[] = input.groupBy?.length ? input.groupBy : ['op'];
    const col = { org: 'org_code', region: 'region_code', day: 'op_date', op: 'op_type' } as const;
    const rcol = { org: 'org_code', region: 'region_code', day: 'stat_date', op: 'op_type' } as const;
    // A city's reported figures for a day replace the log rows imported from that city for that day (both
    // describe the city's own operations); online rows are always counted (docs/platform.md).
    let q1 = this.db
      .selectFrom('card_operations')
      .where(
        'op_type',
        'in',
        Object.keys(OP_TYPES).filter((k) => /^\d\d$/.test(k)),
      )
      .where(
        sql<boolean>`(source = 'online' or not exists (select 1 from reported_stats rs where 'city:' || rs.region_code = card_operations.source and rs.stat_date = card_operations.op_date))`,
      );
    let q2 = this.db.selectFrom('reported_stats');
    if (input.startDate) {
      q1 = q1.where('op_date', '>=', input.startDate);
      q2 = q2.where('stat_date', '>=', input.startDate);
    }
    if (input.endDate) {
      q1 = q1.where('op_date', '<=', input.endDate);
      q2 = q2.where('stat_date', '<=', input.endDate);
    }
    if (orgCode) {
      q1 = q1.where('org_code', '=', orgCode);
      q2 = q2.where('org_code', '=', orgCode);
    }
    if (region) {
      q1 = q1.where('region_code', 'like', `${region}%`);
      q2 = q2.where('region_code', 'like', `${region}%`);
    }
    if (input.opTypes?.length) {
      q1 = q1.where('op_type', 'in', input.opTypes);
      q2 = q2.where('op_type', 'in', input.opTypes);
    }
    const recorded = await q1
      .select((eb) => [...groupBy.map((g) => eb.ref(col[g]).as(g)), eb.fn.countAll<number>().as('n')])
      .groupBy(groupBy.map((g) => col[g]))
      .execute();
    const reported = await q2
      .select((eb) => [...groupBy.map((g) => eb.ref(rcol[g]).as(g)), eb.fn.sum<number>('count').as('n')])
      .groupBy(groupBy.map((g) => rcol[g]))
      .execute();
    const sums = new Map<string, { key: Record<string, string>; n: number }>();
    for (const r of [...recorded, ...reported] as Record<string, unknown>[]) {
      const key = Object.fromEntries(groupBy.map((g) => [g, String(r[g])]));
      const k = JSON.stringify(key);
      const prev = sums.get(k);
      sums.set(k, { key, n: (prev?.n ?? 0) + Number(r.n) });
    }
    const rows = [...sums.values()]
      .map(({ key, n }) => ({
        ...(key.org !== undefined ? { orgCode: key.org } : {}),
        ...(key.region !== undefined ? { regionCode: key.region } : {}),
        ...(key.day !== undefined ? { date: key.day } : {}),
        ...(key.op !== undefined ? { opType: key.op } : {}),
        count: n,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    this.auditOf(caller, 'RHC_C0008', `query ${region || '*'} ${orgCode ?? '*'}`);
    return { rows };
  }

  // ---------- 9 RHC_C0009 ----------

  async updateResident(caller: Caller, input: C.UpdateResidentInput): Promise<C.UpdateResidentOutput> {
    assertPermitted(caller, 'RHC_C0009');
    if (!input.mainIndex && !(input.idType && input.idNo))
      throw new RhcError('FIELD_MISSING', { field: 'mainIndex', detail: 'give mainIndex or idType + idNo' });
    const ch = input.changes;
    if (Object.keys(ch).length === 0) throw new RhcError('FIELD_MISSING', { field: 'changes' });
    const out = await this.idempotent(
      caller,
      'RHC_C0009',
      input.alterNo,
      input,
      async (trx) => {
        let q = trx.selectFrom('residents').selectAll();
        q = input.mainIndex
          ? q.where('main_index', '=', input.mainIndex.toUpperCase())
          : q.where('id_type', '=', input.idType!).where('id_no', '=', input.idNo!);
        const r = (await q.executeTakeFirst()) as ResidentRow | undefined;
        if (!r) throw new RhcError('RESIDENT_NOT_FOUND', { field: input.mainIndex ? 'mainIndex' : 'idNo' });
        this.checkRegion(caller, r.region_code);
        this.checkHolderId(
          { idType: r.id_type, idNo: r.id_no, sex: ch.sex, birthDate: ch.birthDate },
          'idNo',
        );
        const set: Updateable<ResidentTable> = { updated_at: this.now().iso };
        const map: Record<string, keyof ResidentTable> = {
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
        for (const [k, v] of Object.entries(ch)) {
          if (k === 'contacts') set.contacts_json = JSON.stringify(v);
          else (set as Record<string, unknown>)[map[k]!] = v;
        }
        await trx.updateTable('residents').set(set).where('id', '=', r.id).execute();
        await this.logOperation(
          trx,
          caller,
          '10',
          null,
          null,
          null,
          null,
          input.operator,
          input.alterNo,
          input.alterTime,
          Object.keys(ch).join(','),
          r.id,
        );
        // DDF1/EF06 items (name, sex, nation, birth date) cannot be rewritten: the card must be replaced
        const rewrite = ['name', 'sex', 'nation', 'birthDate'].some((k) => k in ch) ? 'replace' : 'terminal';
        return { cardRewrite: rewrite as 'replace' | 'terminal', mainIndex: r.main_index, residentId: r.id };
      },
      (o) => `resident:${o.residentId} fields:${Object.keys(ch).join(',')}`,
    );
    return { cardRewrite: out.cardRewrite, mainIndex: out.mainIndex };
  }

  // ---------- 10 RHC_C0010 ----------

  async updateCard(caller: Caller, input: C.UpdateCardInput): Promise<C.UpdateCardOutput> {
    assertPermitted(caller, 'RHC_C0010');
    const ch = input.changes;
    if (Object.keys(ch).length === 0) throw new RhcError('FIELD_MISSING', { field: 'changes' });
    if (ch.validUntil && !parseWireTime(`${ch.validUntil}000000`))
      throw new RhcError('FIELD_FORMAT', { field: 'changes.validUntil' });
    const out = await this.idempotent(
      caller,
      'RHC_C0010',
      input.alterNo,
      input,
      async (trx) => {
        const card = await this.findCard(trx, input.cardNo, input.chipSerial);
        this.checkRegion(caller, card.app_city_code);
        if (card.status === '90') throw new RhcError('CARD_CANCELLED', { field: 'cardNo' });
        const set: Updateable<CardTable> = { updated_at: this.now().iso };
        if (ch.validUntil) set.valid_until = ch.validUntil;
        if (ch.cardType) set.card_type = ch.cardType;
        if (ch.paymentMethods) set.payment_methods = ch.paymentMethods.join(',');
        if (ch.bankAccountMasked) set.bank_account_masked = ch.bankAccountMasked;
        if (ch.issuerOrgCode) set.issuer_org_code = ch.issuerOrgCode;
        await trx.updateTable('cards').set(set).where('id', '=', card.id).execute();
        await this.logOperation(
          trx,
          caller,
          '11',
          card,
          card.status,
          card.status,
          null,
          input.operator,
          input.alterNo,
          input.alterTime,
          Object.keys(ch).join(','),
        );
        // an expired card whose validity is extended becomes active again (§5.2: 60 → 30)
        if (card.status === '60' && ch.validUntil && ch.validUntil >= this.now().date)
          await this.transition(trx, caller, card, '30', {
            reason: '05',
            opType: '11',
            operator: input.operator,
            serial: input.alterNo,
            opTime: input.alterTime,
          });
        // EF05 items (card type, issuer) are written only at personalisation; EF08 items at a terminal
        const rewrite =
          ch.cardType || ch.issuerOrgCode
            ? 'replace'
            : ch.validUntil || ch.paymentMethods
              ? 'terminal'
              : 'none';
        return {
          cardRewrite: rewrite as 'none' | 'terminal' | 'replace',
          status: card.status,
          cardId: card.id,
        };
      },
      (o) => `card:${o.cardId} fields:${Object.keys(ch).join(',')}`,
    );
    return { cardRewrite: out.cardRewrite, status: out.status };
  }

  /** One entry point for every binding: business code → operation (the table below). */
  async dispatch(code: string, caller: Caller | undefined, input: unknown): Promise<unknown> {
    if (code === 'RHC_C0001') return this.authenticate(input as C.AuthenticateInput);
    if (!caller) throw new RhcError('TOKEN_INVALID', { detail: 'token missing' });
    const handler = Object.hasOwn(CALLER_OPERATIONS, code)
      ? CALLER_OPERATIONS[code as CallerBusinessCode]
      : undefined;
    if (!handler) throw new RhcError('UNKNOWN_BUSINESS_CODE', { field: 'businessCode' });
    return handler(this, caller, input);
  }
}

type CallerBusinessCode = Exclude<C.BusinessCode, 'RHC_C0001'>;
type Operation = (s: PlatformService, caller: Caller, input: unknown) => Promise<unknown>;

/** Business code → operation; a Record over the codes, so a missing entry fails the type check. */
const CALLER_OPERATIONS: Record<CallerBusinessCode, Operation> = {
  RHC_C0002: (s, c, i) => s.verifyId(c, i as C.VerifyIdInput),
  RHC_C0003: (s, c, i) => s.verifyCard(c, i as C.VerifyCardInput),
  RHC_C0004: (s, c, i) => s.syncIssuance(c, i as C.IssuanceInput),
  RHC_C0005: (s, c, i) => s.syncStatus(c, i as C.StatusSyncInput),
  RHC_C0006: (s, c, i) => s.syncReplacement(c, i as C.ReplacementInput),
  RHC_C0007: (s, c, i) => s.getList(c, i as C.ListInput),
  RHC_C0008: (s, c, i) => s.statistics(c, i as C.StatisticsInput),
  RHC_C0009: (s, c, i) => s.updateResident(c, i as C.UpdateResidentInput),
  RHC_C0010: (s, c, i) => s.updateCard(c, i as C.UpdateCardInput),
};
