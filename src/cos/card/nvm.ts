// The card's non-volatile file memory with one commit point (anti-tearing).
//
// A write of one APDU goes: (1) copy the new bytes into the journal (backup buffer), (2) set the journal's
// "valid" flag — THE COMMIT POINT, (3) copy the journal into the file, (4) clear the flag. Power-up
// recovery redoes a journal whose flag is set and drops one whose flag is not. So after a power cut at any
// byte boundary a file holds either its old or its new content. "Atomic" covers ONE APDU's write to ONE
// file (a cyclic append rewrites the whole file in one commit). A DF03 record written in many UPDATE
// BINARY chunks is not atomic as a whole: the reader protects it with the index flag (§7.4 F).
//
// Fault injection: `faults.cutAfterBytes(n)` lets the next writes proceed for n byte-writes and then cuts
// power (PowerCutError), modelling an EEPROM write interrupted between two bytes.

export class MemoryFailureError extends Error {
  readonly code = 'MEMORY_FAILURE';
  constructor() {
    super('NVM write failed (injected)');
  }
}

export class PowerCutError extends Error {
  readonly code = 'POWER_CUT';
  constructor() {
    super('power cut injected during an NVM write');
  }
}

/** Test hook counting EEPROM byte-writes; a cut throws PowerCutError once the budget is used. */
export class FaultInjector {
  private budget: number | undefined;
  /** When true, writes fail before touching memory (the card answers 65 81). */
  memoryFailure = false;
  /** Byte-writes performed since the counter was last reset (to size a tearing sweep). */
  written = 0;

  cutAfterBytes(n: number): void {
    this.budget = n;
  }

  clear(): void {
    this.budget = undefined;
  }

  /** Called before every byte-write. */
  tick(): void {
    if (this.budget !== undefined) {
      if (this.budget <= 0) {
        this.budget = undefined;
        throw new PowerCutError();
      }
      this.budget--;
    }
    this.written++;
  }
}

export interface Journal {
  readonly path: string;
  readonly offset: number;
  readonly data: Uint8Array;
  /** The commit flag: set only after `data` was written completely. */
  valid: boolean;
}

export class FileMemory {
  /** Committed content per path name. */
  readonly files: Map<string, Uint8Array>;
  journal: Journal | undefined;
  readonly faults = new FaultInjector();

  constructor(files: Map<string, Uint8Array>, journal?: Journal) {
    this.files = files;
    this.journal = journal;
  }

  read(path: string): Uint8Array {
    const f = this.files.get(path);
    if (!f) throw new Error(`no file content for ${path}`);
    return f;
  }

  /** Journaled write of `data` at `offset` into the file; throws PowerCutError when a fault is injected. */
  write(path: string, offset: number, data: Uint8Array): void {
    const file = this.read(path);
    if (this.faults.memoryFailure) throw new MemoryFailureError();
    if (offset < 0 || offset + data.length > file.length)
      throw new RangeError(`write outside ${path}: ${offset}+${data.length} > ${file.length}`);
    // (1) backup buffer
    const backup = new Uint8Array(data.length);
    this.journal = { path, offset, data: backup, valid: false };
    for (let i = 0; i < data.length; i++) {
      this.faults.tick();
      backup[i] = data[i];
    }
    // (2) commit point
    this.faults.tick();
    this.journal.valid = true;
    // (3) apply, (4) clear
    this.apply(this.journal);
    this.faults.tick();
    this.journal = undefined;
  }

  /** Power-up recovery: finish a committed journal, drop an uncommitted one. */
  recover(): void {
    const j = this.journal;
    if (j?.valid) {
      const file = this.read(j.path);
      file.set(j.data, j.offset);
    }
    this.journal = undefined;
  }

  private apply(j: Journal): void {
    const file = this.read(j.path);
    for (let i = 0; i < j.data.length; i++) {
      this.faults.tick();
      file[j.offset + i] = j.data[i];
    }
  }
}
