// Crash harness: a client that keeps a ledger of every write it sent (request id = serialNo, body, the
// answer if one came back), so after kill -9 and a restart it can re-send the unanswered writes with the
// SAME request ids and check the database: every acknowledged write is there, every write applied exactly
// once, the operations log agrees with the card states, list versions only grow.
import { openDatabase } from '../../src/platform/storage/db.ts';
import { issuanceRequest } from '../platform/fixtures.ts';
import { postJson } from './client.ts';

export interface LedgerEntry {
  path: string;
  serialNo: string;
  body: Record<string, unknown>;
  /** The first successful answer (undefined: never acknowledged — sent, then the server died). */
  ack?: Record<string, unknown>;
  /** Answers of retries: must equal the first answer (idempotent replay). */
  mismatches: number;
  cardNo: string;
  kind: 'issue' | 'status';
}

/** RHC_C0004 body for a new card (the holder's ID number doubles as the card number). */
export function issuanceBody(idNo: string, chip: string, serialNo: string, issuePoint: string) {
  return { ...issuanceRequest(idNo, chip, serialNo), issuePoint, operator: 'crash-test' };
}

export function statusBody(cardNo: string, chip: string, serialNo: string, orgCode: string) {
  return {
    cardNo,
    chipSerial: chip,
    oldStatus: '30',
    newStatus: '40',
    reasonCode: '02',
    opTime: '20260601110000',
    opOrgCode: orgCode,
    operator: 'crash-test',
    serialNo,
  };
}

export type SendOutcome = 'acked' | 'refused' | 'lost';

/** Sends one ledger entry; records the answer. A connection error leaves the entry unacknowledged. */
export async function send(baseUrl: string, token: string, e: LedgerEntry): Promise<SendOutcome> {
  let r;
  try {
    r = await postJson(baseUrl, e.path, e.body, token, AbortSignal.timeout(10_000));
  } catch {
    return 'lost';
  }
  if (r.status !== 200) {
    if (r.status >= 500) return 'lost';
    throw new Error(
      `${e.kind} ${e.serialNo} refused: ${r.status} ${String(r.body.code)} ${String(r.body.detail)}`,
    );
  }
  if (!e.ack) e.ack = r.body;
  else if (JSON.stringify(e.ack) !== JSON.stringify(r.body)) e.mismatches++;
  return 'acked';
}

export interface ConsistencyReport {
  ourCards: number;
  expectedCards: number;
  duplicateIssuances: number;
  lostAcknowledged: number;
  opsLogDisagreements: number;
  listVersionRegressions: number;
  idempotencyRows: number;
  integrity: string;
}

/**
 * Checks the database after the crashes against the ledger (every entry finally acknowledged).
 * `cardNos` are the card numbers this run issued.
 */
export async function checkConsistency(
  dbUrl: string,
  ledger: LedgerEntry[],
  institution: string,
): Promise<ConsistencyReport> {
  const p = await openDatabase(dbUrl);
  try {
    const issued = ledger.filter((e) => e.kind === 'issue');
    const cardNos = issued.map((e) => e.cardNo);
    const cards: { id: number; card_no: string; chip_serial: string; status: string }[] = [];
    for (let i = 0; i < cardNos.length; i += 500)
      cards.push(
        ...(await p.db
          .selectFrom('cards')
          .select(['id', 'card_no', 'chip_serial', 'status'])
          .where('card_no', 'in', cardNos.slice(i, i + 500))
          .execute()),
      );
    const byNo = new Map<string, number>();
    for (const c of cards) byNo.set(c.card_no, (byNo.get(c.card_no) ?? 0) + 1);
    const duplicateIssuances = [...byNo.values()].filter((n) => n > 1).length;
    const lostAcknowledged = issued.filter((e) => e.ack && !byNo.has(e.cardNo)).length;
    // the operations log: per card, its last status-changing operation ends in the card's status, and
    // there is exactly one issuance (01) row and one row per acknowledged status change
    const statusChanged = new Set(ledger.filter((e) => e.kind === 'status' && e.ack).map((e) => e.cardNo));
    let opsLogDisagreements = 0;
    for (let i = 0; i < cards.length; i += 500) {
      const chunk = cards.slice(i, i + 500);
      const ops = await p.db
        .selectFrom('card_operations')
        .select(['id', 'card_id', 'op_type', 'to_status'])
        .where(
          'card_id',
          'in',
          chunk.map((c) => c.id),
        )
        .where('op_type', '!=', '12')
        .orderBy('id')
        .execute();
      for (const c of chunk) {
        const mine = ops.filter((o) => o.card_id === c.id);
        const issues = mine.filter((o) => o.op_type === '01').length;
        const changes = mine.filter((o) => o.op_type !== '01').length;
        const last = mine.at(-1)?.to_status;
        const expectChanges = statusChanged.has(c.card_no) ? 1 : 0;
        if (issues !== 1 || changes !== expectChanges || last !== c.status) opsLogDisagreements++;
      }
    }
    // list versions: in insertion order (seq), the version of each list never goes down
    let listVersionRegressions = 0;
    for (const list of ['B', 'W']) {
      const rows = await p.db
        .selectFrom('list_changes')
        .select(['seq', 'version'])
        .where('list_type', '=', list)
        .orderBy('seq')
        .execute();
      for (let i = 1; i < rows.length; i++)
        if (rows[i]!.version < rows[i - 1]!.version) listVersionRegressions++;
    }
    const idem = await p.db
      .selectFrom('idempotency')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('institution_code', '=', institution)
      .executeTakeFirstOrThrow();
    const integrity =
      p.kind === 'sqlite' ? String(p.sqlite!.pragma('integrity_check', { simple: true })) : 'ok';
    return {
      ourCards: cards.length,
      expectedCards: issued.length,
      duplicateIssuances,
      lostAcknowledged,
      opsLogDisagreements,
      listVersionRegressions,
      idempotencyRows: Number(idem.n),
      integrity,
    };
  } finally {
    await p.close();
  }
}
