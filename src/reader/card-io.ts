// The user-card side of the reader: SELECT walks, EXTERNAL AUTHENTICATE with the key the profile's access
// rules name (flows A/B), secure-messaging TLV writes (flow D, §6.3), plain writes (flow E), record reads and
// chunked transparent reads/writes, and the DF03 index WRITE/ERASE RECORD (flow F). Each method sends only
// the APDUs the session state still requires.
import { command } from '../card/apdu.ts';
import type { AccessCondition, CardProfile, KeySpec } from '../card/image.ts';
import { foldHalves, padIso } from '../crypto/index.ts';
import type { ApduChannel } from './channel.ts';
import { ReaderError, isReaderError, type ReaderErrorSymbol } from './errors.ts';
import { keyByName, smKeyOfDf, type EfLocation } from './locate.ts';
import { concat, type SamClient } from './sam-client.ts';
import type { CardSession } from './session.ts';

export type AccessKind = 'read' | 'update' | 'erase';

const fid2 = (fid: number) => Uint8Array.of(fid >> 8, fid & 0xff);
const selectOk = (sw: number) => sw === 0x9000 || (sw & 0xff00) === 0x6100;

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
    const r = await this.card.send(command(0x00, 0xa4, 0x00, 0x00, fid2(fid)));
    if (!selectOk(r.sw)) {
      this.session.lost();
      throw new ReaderError('FILE_NOT_FOUND', {
        sw: r.sw,
        detail: `select ${fid.toString(16).toUpperCase()}`,
      });
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
        (await this.trySelect(target[common]))
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

  /** SELECT that reports 6A 82 as false instead of throwing (sibling probing). */
  private async trySelect(fid: number): Promise<boolean> {
    const r = await this.card.send(command(0x00, 0xa4, 0x00, 0x00, fid2(fid)));
    if (selectOk(r.sw)) return true;
    if (r.sw === 0x6a82) return false;
    this.session.lost();
    throw new ReaderError('FILE_NOT_FOUND', { sw: r.sw, detail: `select ${fid.toString(16).toUpperCase()}` });
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
      if (!cached || !isReaderError(e) || (e.sw !== 0x6982 && e.sw !== 0x6986)) throw e;
      this.session.lost();
      return fn();
    }
  }

  private async challenge(): Promise<Uint8Array> {
    const r = await this.card.expect(command(0x00, 0x84, 0x00, 0x00, undefined, 8), 'CARD_ERROR');
    if (r.length !== 8) throw new ReaderError('CARD_ERROR', { detail: 'challenge length' });
    return r;
  }

  /**
   * Flow A/B: one card challenge R feeds the SAM set-up and doubles as authData (one of the deployed variants,
   * §9), so authentication costs GET CHALLENGE + 80 DE + 80 FA + GET RESPONSE + EXTERNAL AUTHENTICATE.
   */
  async externalAuthenticate(key: KeySpec): Promise<void> {
    const version = Math.min(...key.versions);
    const r = await this.challenge();
    await this.sam.keySetup(key, version, this.session.cardFactor, this.session.cityFactor, r);
    const x = await this.sam.encrypt(concat(r, new Uint8Array(8)));
    if (x.length !== 16) throw new ReaderError('SAM_ERROR', { detail: 'cryptogram length' });
    const res = await this.card.send(
      command(0x00, 0x82, 0x00, key.cardKeyId, concat(foldHalves(x), r, Uint8Array.of(version))),
    );
    if (res.sw !== 0x9000) throw new ReaderError('AUTH_FAILED', { sw: res.sw, detail: key.name });
    this.session.granted.add(key.name);
  }

  // ---- reads ----

  /** READ RECORD by number (`00 B2 n 04 Le`), Le = the record size the profile gives. */
  async readRecord(
    loc: EfLocation,
    n: number,
    le: number,
    failure: ReaderErrorSymbol = 'READ_RECORD_FAILED',
  ): Promise<Uint8Array> {
    return this.retryIfStale(loc, 'read', async () => {
      await this.prepare(loc, 'read');
      const r = await this.card.send(command(0x00, 0xb2, n, 0x04, undefined, le));
      if (r.sw === 0x9000) return r.data;
      if ((r.sw & 0xff00) === 0x6c00) {
        const again = await this.card.send(command(0x00, 0xb2, n, 0x04, undefined, r.sw & 0xff || 256));
        if (again.sw === 0x9000) return again.data;
        throw new ReaderError(failure, { sw: again.sw, detail: `${loc.name} record ${n}` });
      }
      throw new ReaderError(failure, { sw: r.sw, detail: `${loc.name} record ${n}` });
    });
  }

  /** READ RECORD by identifier (`00 B2 <tag> 00 Le`), used for the free DDF1/EF05 items. */
  async readRecordById(loc: EfLocation, tag: number, le: number): Promise<Uint8Array> {
    return this.retryIfStale(loc, 'read', async () => {
      await this.prepare(loc, 'read');
      return this.card.expect(
        command(0x00, 0xb2, tag, 0x00, undefined, le),
        'READ_RECORD_FAILED',
        `tag ${tag}`,
      );
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
        const r = await this.card.send(command(0x00, 0xb0, (off >> 8) & 0x7f, off & 0xff, undefined, n));
        if ((r.sw & 0xff00) === 0x6c00 && (r.sw & 0xff) > 0 && (r.sw & 0xff) < n) {
          this.session.readChunk = r.sw & 0xff; // the card told us its limit
          continue;
        }
        if (r.sw === 0x6700 && this.session.readChunk > this.profile.options.transparentChunk) {
          this.session.readChunk = this.profile.options.transparentChunk;
          continue;
        }
        if (r.sw !== 0x9000 || r.data.length === 0)
          throw new ReaderError('READ_BINARY_FAILED', { sw: r.sw, detail: `${loc.name} @${off}` });
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
      const header = Uint8Array.of(0x04, 0xdc, recordNumber, 0x04);
      const data = await this.protect(stk, header, padIso(concat(Uint8Array.of(tlv.length), tlv)));
      const r = await this.card.send(command(0x04, 0xdc, recordNumber, 0x04, data));
      if (r.sw !== 0x9000) throw this.writeError('WRITE_RECORD_FAILED', r.sw, loc, `record ${recordNumber}`);
    });
  }

  /** SM protection of §6.3: encrypt under the STK process key, then MAC over IV 0 ‖ header ‖ Lc ‖ cipher. */
  private async protect(stk: KeySpec, header4: Uint8Array, plain: Uint8Array): Promise<Uint8Array> {
    const version = Math.min(...stk.versions);
    const r = await this.challenge();
    await this.sam.keySetup(stk, version, this.session.cardFactor, this.session.cityFactor, r);
    const cipher = await this.sam.encrypt(plain);
    await this.sam.keySetup(stk, version, this.session.cardFactor, this.session.cityFactor, r);
    const macInput = concat(
      new Uint8Array(16),
      padIso(concat(header4, Uint8Array.of(cipher.length + 4), cipher)),
    );
    const mac = await this.sam.mac(macInput);
    return concat(cipher, mac);
  }

  /** Flow E: plain UPDATE BINARY in chunks of the profile's write size, after the file's UK. */
  async updateBinary(loc: EfLocation, offset: number, bytes: Uint8Array): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      const chunk = this.profile.options.transparentChunk;
      for (let done = 0; done < bytes.length; done += chunk) {
        const off = offset + done;
        const part = bytes.subarray(done, Math.min(bytes.length, done + chunk));
        const r = await this.card.send(command(0x00, 0xd6, (off >> 8) & 0x7f, off & 0xff, part));
        if (r.sw !== 0x9000) throw this.writeError('WRITE_BINARY_FAILED', r.sw, loc, `@${off}`);
      }
    });
  }

  /** Flow E: cyclic append `00 DC 00 03` (the new record becomes record 1). */
  async appendCyclic(loc: EfLocation, record: Uint8Array): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      const r = await this.card.send(command(0x00, 0xdc, 0x00, 0x03, record));
      if (r.sw !== 0x9000) throw this.writeError('WRITE_RECORD_FAILED', r.sw, loc, 'append');
    });
  }

  /** Flow F: index flag → 00 (WRITE RECORD after UK1) or → FF (ERASE RECORD after UK2). */
  async setIndexFlag(loc: EfLocation, n: number, used: boolean): Promise<void> {
    return this.retryIfStale(loc, used ? 'update' : 'erase', async () => {
      await this.prepare(loc, used ? 'update' : 'erase');
      const ins = used ? 0xd2 : 0x0c;
      let data: Uint8Array = new Uint8Array(0);
      if (this.profile.options.indexWriteForm === 'mac') {
        const header = Uint8Array.of(0x84, ins, n, 0x04);
        const stk = smKeyOfDf(this.profile, loc.df.fid);
        const version = Math.min(...stk.versions);
        const r = await this.challenge();
        await this.sam.keySetup(stk, version, this.session.cardFactor, this.session.cityFactor, r);
        data = await this.sam.mac(concat(new Uint8Array(16), padIso(concat(header, Uint8Array.of(4)))));
      }
      const r = await this.card.send(command(0x84, ins, n, 0x04, data));
      if (r.sw !== 0x9000)
        throw this.writeError(used ? 'INDEX_WRITE_FAILED' : 'INDEX_ERASE_FAILED', r.sw, loc, `record ${n}`);
    });
  }

  /**
   * LockPersonalInfo (§2.3, design choice): END PERSONALISATION `84 EE 00 00 04` ‖ MAC under STK_DDF1 after the
   * update key of `loc` (DDF1/EF05's UK1_DDF1).
   */
  async endPersonalisation(loc: EfLocation): Promise<void> {
    return this.retryIfStale(loc, 'update', async () => {
      await this.prepare(loc, 'update');
      const header = Uint8Array.of(0x84, 0xee, 0x00, 0x00);
      const stk = smKeyOfDf(this.profile, loc.df.fid);
      const r = await this.challenge();
      await this.sam.keySetup(
        stk,
        Math.min(...stk.versions),
        this.session.cardFactor,
        this.session.cityFactor,
        r,
      );
      const mac = await this.sam.mac(concat(new Uint8Array(16), padIso(concat(header, Uint8Array.of(4)))));
      const res = await this.card.send(command(0x84, 0xee, 0x00, 0x00, mac));
      if (res.sw !== 0x9000) throw this.writeError('WRITE_RECORD_FAILED', res.sw, loc, 'end personalisation');
    });
  }

  private writeError(symbol: ReaderErrorSymbol, sw: number, loc: EfLocation, where: string): ReaderError {
    if (sw === 0x6985) return new ReaderError('CARD_LOCKED', { sw, detail: `${loc.name} ${where}` });
    return new ReaderError(symbol, { sw, detail: `${loc.name} ${where}` });
  }
}
