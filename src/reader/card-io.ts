// The user-card side of the reader: SELECT walks, EXTERNAL AUTHENTICATE with the key the profile's access
// rules name (flows A/B), secure-messaging TLV writes (flow D, §6.3), plain writes (flow E), record reads and
// chunked transparent reads/writes, and the DF03 index WRITE/ERASE RECORD (flow F). Each method sends only
// the APDUs the session state still requires.
import {
  announcedLength,
  appendRecord,
  endPersonalisation,
  eraseIndexRecord,
  externalAuthenticate,
  isStaleState,
  readBinary,
  readRecord,
  readRecordByTag,
  selectFile,
  updateBinary,
  updateRecord,
  writeIndexRecord,
} from '../card/commands/index.ts';
import type { AccessCondition, CardProfile, KeySpec } from '../card/image.ts';
import { foldHalves } from '../crypto/index.ts';
import type { ApduChannel } from './channel.ts';
import { ReaderError, isReaderError } from './errors.ts';
import { keyByName, smKeyOfDf, type EfLocation } from './locate.ts';
import { concat, type SamClient } from './sam-client.ts';
import { ProcessKey, SecureChannel } from './secure-channel.ts';
import type { CardSession } from './session.ts';

export type AccessKind = 'read' | 'update' | 'erase';

export class CardIo {
  constructor(
    readonly profile: CardProfile,
    readonly card: ApduChannel,
    readonly sam: SamClient,
    readonly session: CardSession,
  ) {}

  private check(): void {
    if (!this.session.valid) throw new ReaderError('NO_CARD', { detail: 'card session ended' });
  }

  private async selectFid(fid: number): Promise<void> {
    await this.select(fid, false);
  }

  /**
   * SELECT; with `probe`, 6A 82 answers false instead of throwing (sibling probing). A refused SELECT leaves the
   * card's position unknown.
   */
  private async select(fid: number, probe: boolean): Promise<boolean> {
    try {
      const r = await this.card.run(selectFile(fid), probe ? ['absent'] : [], {
        detail: `select ${fid.toString(16).toUpperCase()}`,
      });
      return r.outcome === 'ok';
    } catch (e) {
      if (isReaderError(e) && e.sw !== undefined) this.session.lost();
      throw e;
    }
  }

  /**
   * Selects the DF path with the fewest SELECTs: a child of the current DF; the parent; a sibling DF directly
   * (ISO 7816-4 lets a card search the parent's children — tried once per card, falling back to parent + child
   * when the card answers 6A 82); otherwise MF and down.
   */
  async selectDf(target: readonly number[]): Promise<void> {
    this.check();
    const cur = this.session.dfPath;
    if (cur && cur.length === target.length && cur.every((f, i) => f === target[i])) return;
    let common = 0;
    if (cur) while (common < cur.length && common < target.length && cur[common] === target[common]) common++;
    let from: number;
    if (cur && common === cur.length)
      from = cur.length; // target lies below the current DF
    else if (cur && common === cur.length - 1 && common > 0) {
      // target is the parent, or lies below a sibling of the current DF
      if (
        common < target.length &&
        this.session.siblingSelect !== false &&
        (await this.select(target[common], true))
      ) {
        this.session.siblingSelect = true;
        from = common + 1;
      } else {
        if (common < target.length && this.session.siblingSelect === undefined)
          this.session.siblingSelect = false;
        await this.selectFid(target[common - 1]);
        from = common;
      }
    } else {
      await this.selectFid(target[0]); // MF
      from = 1;
    }
    for (let i = from; i < target.length; i++) await this.selectFid(target[i]);
    this.session.enteredDf(target);
  }

  async selectEf(loc: EfLocation): Promise<void> {
    await this.selectDf(loc.dfPath);
    if (this.session.efFid === loc.ef.fid) return;
    await this.selectFid(loc.ef.fid);
    this.session.efFid = loc.ef.fid;
  }

  private conditionOf(loc: EfLocation, kind: AccessKind): AccessCondition {
    const c =
      kind === 'read' ? loc.ef.access.read : kind === 'update' ? loc.ef.access.update : loc.ef.access.erase;
    if (!c || c.right === 'never')
      throw new ReaderError('CARD_LOCKED', { detail: `${kind} of ${loc.name} is never allowed` });
    return c;
  }

  /** Selects the EF and gains the right its access rule names for `kind` (no-op when already granted). */
  async prepare(loc: EfLocation, kind: AccessKind): Promise<AccessCondition> {
    const cond = this.conditionOf(loc, kind);
    await this.selectEf(loc);
    if (cond.right !== 'always' && !this.session.granted.has(cond.right))
      await this.externalAuthenticate(keyByName(this.profile, cond.right));
    return cond;
  }

  /**
   * Runs a file operation; when it relied on cached state (EF selected, right granted) and the card answers
   * 69 82 / 69 86, something else changed the card's state (another PC/SC client, a raw APDU): forget the
   * cache and run it once more from scratch.
   */
  private async retryIfStale<T>(loc: EfLocation, kind: AccessKind, fn: () => Promise<T>): Promise<T> {
    const cond = this.conditionOf(loc, kind);
    const inDf =
      this.session.dfPath?.length === loc.dfPath.length &&
      loc.dfPath.every((f, i) => this.session.dfPath![i] === f);
    const cached =
      inDf &&
      this.session.efFid === loc.ef.fid &&
      (cond.right === 'always' || this.session.granted.has(cond.right));
    try {
      return await fn();
    } catch (e) {
      if (!cached || !isReaderError(e) || !isStaleState(e.sw)) throw e;
      this.session.lost();
      return fn();
    }
  }

  /**
   * Flow A/B: one card challenge R feeds the SAM set-up and doubles as authData (one of the deployed variants,
   * §9), so authentication costs GET CHALLENGE + 80 DE + 80 FA + GET RESPONSE + EXTERNAL AUTHENTICATE.
   */
  async externalAuthenticate(key: KeySpec): Promise<void> {
    const pk = await ProcessKey.open(this.card, this.sam, key, this.session);
    const x = await pk.encrypt(concat(pk.challenge, new Uint8Array(8)));
    if (x.length !== 16) throw new ReaderError('SAM_ERROR', { detail: 'cryptogram length' });
    await this.card.execute(
      externalAuthenticate(key.cardKeyId, concat(foldHalves(x), pk.challenge, Uint8Array.of(pk.version))),
      { detail: key.name },
    );
    this.session.granted.add(key.name);
  }

  /** The card channel with secure messaging under `stk`. */
  private secure(stk: KeySpec): SecureChannel {
    return new SecureChannel(this.card, this.sam, this.session, stk);
  }

  // ---- reads ----

  /** READ RECORD by number (`00 B2 n 04 Le`), Le = the record size the profile gives. */
  async readRecord(loc: EfLocation, n: number, le: number): Promise<Uint8Array> {
    return this.retryIfStale(loc, 'read', async () => {
      await this.prepare(loc, 'read');
      const where = { detail: `${loc.name} record ${n}` };
      const r = await this.card.run(readRecord(n, le), ['wrong-le'], where);
      if (r.outcome === 'ok') return r.data;
      return this.card.execute(readRecord(n, announcedLength(r.sw)), where); // 6C xx: the record's length
    });
  }

  /** READ RECORD by identifier (`00 B2 <tag> 00 Le`), used for the free DDF1/EF05 items. */
  async readRecordById(loc: EfLocation, tag: number, le: number): Promise<Uint8Array> {
    return this.retryIfStale(loc, 'read', async () => {
      await this.prepare(loc, 'read');
      return this.card.execute(readRecordByTag(tag, le), { field: `tag ${tag}` });
    });
  }

  /** READ BINARY of [offset, offset+length) in the largest chunks the card accepts. */
  async readBinary(loc: EfLocation, offset: number, length: number): Promise<Uint8Array> {
    return this.retryIfStale(loc, 'read', async () => {
      await this.prepare(loc, 'read');
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = Math.min(this.session.readChunk, length - done);
        const off = offset + done;
        const cmd = readBinary(off, n);
        const where = { detail: `${loc.name} @${off}` };
        const r = await this.card.run(cmd, ['wrong-le', 'wrong-length'], where);
        if (r.outcome === 'wrong-le' && announcedLength(r.sw) < n) {
          this.session.readChunk = announcedLength(r.sw); // the card told us its limit
          continue;
        }
        if (r.outcome === 'wrong-length' && this.session.readChunk > this.profile.options.transparentChunk) {
          this.session.readChunk = this.profile.options.transparentChunk;
          continue;
        }
        if (r.outcome !== 'ok' || r.data.length === 0) throw this.card.failure(cmd, r.sw, where);
        out.set(r.data.subarray(0, n), done);
        done += Math.min(n, r.data.length);
      }
      return out;
    });
  }

  // ---- writes ----

  /** Flow D: SM UPDATE RECORD of one TLV record (T ‖ L ‖ V), after the file's UK. */
  async writeTlvRecordSm(loc: EfLocation, recordNumber: number, tlv: Uint8Array): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      const cond = await this.prepare(loc, 'update');
      if (!cond.smKey) throw new ReaderError('BAD_PARAMETER', { detail: `${loc.name} has no SM key` });
      const stk = keyByName(this.profile, cond.smKey);
      await this.secure(stk).execute(updateRecord(recordNumber, tlv), {
        detail: `${loc.name} record ${recordNumber}`,
      });
    });
  }

  /** Flow E: plain UPDATE BINARY in chunks of the profile's write size, after the file's UK. */
  async updateBinary(loc: EfLocation, offset: number, bytes: Uint8Array): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      const chunk = this.profile.options.transparentChunk;
      for (let done = 0; done < bytes.length; done += chunk) {
        const off = offset + done;
        const part = bytes.subarray(done, Math.min(bytes.length, done + chunk));
        await this.card.execute(updateBinary(off, part), { detail: `${loc.name} @${off}` });
      }
    });
  }

  /** Flow E: cyclic append `00 DC 00 03` (the new record becomes record 1). */
  async appendCyclic(loc: EfLocation, record: Uint8Array): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      await this.card.execute(appendRecord(record), { detail: `${loc.name} append` });
    });
  }

  /** Flow F: index flag → 00 (WRITE RECORD after UK1) or → FF (ERASE RECORD after UK2). */
  async setIndexFlag(loc: EfLocation, n: number, used: boolean): Promise<void> {
    return this.retryIfStale(loc, used ? 'update' : 'erase', async () => {
      await this.prepare(loc, used ? 'update' : 'erase');
      const command = used ? writeIndexRecord(n) : eraseIndexRecord(n);
      const channel =
        this.profile.options.indexWriteForm === 'mac'
          ? this.secure(smKeyOfDf(this.profile, loc.df.fid))
          : this.card;
      await channel.execute(command, { detail: `${loc.name} record ${n}` });
    });
  }

  /**
   * LockPersonalInfo (§2.3, design choice): END PERSONALISATION `84 EE 00 00 04` ‖ MAC under STK_DDF1 after the
   * update key of `loc` (DDF1/EF05's UK1_DDF1).
   */
  async endPersonalisation(loc: EfLocation): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      await this.secure(smKeyOfDf(this.profile, loc.df.fid)).execute(endPersonalisation(), {
        detail: `${loc.name} end personalisation`,
      });
    });
  }
}
