// Index over a CardProfile's file tree: parent links, path names ('DDF1/DF01/EF05') and the lookups the
// interpreter needs (child by FID, EF by SFI, key by id/usage up the DF chain). Pure data access: the
// interpreter never branches on a particular FID.
import type { CardProfile, DfSpec, EfSpec, KeySpec, KeyUsage } from '../../card/image.ts';

export type FileNode = DfSpec | EfSpec;

export const fidHex = (fid: number): string => fid.toString(16).toUpperCase().padStart(4, '0');

export class ProfileTree {
  readonly profile: CardProfile;
  private readonly parents = new Map<FileNode, DfSpec>();
  private readonly paths = new Map<FileNode, string>();
  private readonly byPath = new Map<string, FileNode>();

  constructor(profile: CardProfile) {
    this.profile = profile;
    this.paths.set(profile.mf, '');
    this.byPath.set('', profile.mf);
    const walk = (df: DfSpec, prefix: string): void => {
      for (const child of df.children) {
        const path = prefix ? `${prefix}/${fidHex(child.fid)}` : fidHex(child.fid);
        this.parents.set(child, df);
        this.paths.set(child, path);
        this.byPath.set(path, child);
        if (child.kind === 'df') walk(child, path);
      }
    };
    walk(profile.mf, '');
  }

  get mf(): DfSpec {
    return this.profile.mf;
  }

  parent(node: FileNode): DfSpec | undefined {
    return this.parents.get(node);
  }

  /** 'DDF1/DF01/EF05' (the MF itself is ''), the key of file images and persisted contents. */
  pathName(node: FileNode): string {
    const p = this.paths.get(node);
    if (p === undefined) throw new Error('node is not part of this profile');
    return p;
  }

  node(pathName: string): FileNode | undefined {
    return this.byPath.get(pathName);
  }

  /** Every EF with its path name, in tree order. */
  efs(): { path: string; ef: EfSpec }[] {
    const out: { path: string; ef: EfSpec }[] = [];
    for (const [path, node] of this.byPath) if (node.kind === 'ef') out.push({ path, ef: node });
    return out;
  }

  dfs(): { path: string; df: DfSpec }[] {
    const out: { path: string; df: DfSpec }[] = [];
    for (const [path, node] of this.byPath) if (node.kind === 'df') out.push({ path, df: node });
    return out;
  }

  /**
   * ISO 7816-4 selection by FID with P1 = 00: the MF, a child of the current DF, the current DF itself,
   * its parent, or a sibling DF (children first, so DF01/EF05 wins over DDF1/EF05 inside DF01).
   */
  resolveSelect(current: DfSpec, fid: number): FileNode | undefined {
    if (fid === this.mf.fid) return this.mf;
    const child = current.children.find((c) => c.fid === fid);
    if (child) return child;
    if (current.fid === fid) return current;
    const parent = this.parent(current);
    if (parent && parent.fid === fid) return parent;
    return parent?.children.find((c) => c.kind === 'df' && c.fid === fid);
  }

  /**
   * EF by short file identifier. Only EFs whose profile entry carries an `sfi` are reachable this way (the
   * national profile gives EF05–EF08 theirs, §2.1; EE0n/ED0n have none because low FID bits collide).
   */
  efBySfi(df: DfSpec, sfi: number): EfSpec | undefined {
    return df.children.find((c): c is EfSpec => c.kind === 'ef' && c.sfi === sfi);
  }

  /** DF chain from `df` up to the MF. */
  chain(df: DfSpec): DfSpec[] {
    const out: DfSpec[] = [];
    for (let d: DfSpec | undefined = df; d; d = this.parent(d)) out.push(d);
    return out;
  }

  /**
   * The key an APDU refers to: searched in the current DF, then its ancestors (a key id without bit 8 in a
   * DF0x means a DDF1-level key, ISO 7816-4 P2 convention). `cardKeyId` undefined = the first key of that
   * usage (INTERNAL AUTHENTICATE with P2 00, the MAC keys of block/lock commands).
   */
  findKey(current: DfSpec, usage: KeyUsage, cardKeyId?: number): KeySpec | undefined {
    for (const df of this.chain(current)) {
      const k = this.profile.keys.find(
        (key) =>
          key.df === df.fid &&
          key.usage === usage &&
          (cardKeyId === undefined || key.cardKeyId === cardKeyId),
      );
      if (k) return k;
    }
    return undefined;
  }

  keyByName(name: string): KeySpec | undefined {
    return this.profile.keys.find((k) => k.name === name);
  }

  /** Byte size of each record (record files) — TLV records are 2 + value length. */
  recordSizes(ef: EfSpec): number[] {
    if (ef.structure === 'tlv-records') return (ef.elements ?? []).map((e) => 2 + e.length);
    if (ef.structure === 'cyclic' || ef.structure === 'linear-fixed')
      return Array.from({ length: ef.recordCount ?? 0 }, () => ef.recordSize ?? 0);
    return [];
  }

  /** Byte size of the whole file content as the card stores it. */
  fileSize(ef: EfSpec): number {
    if (ef.structure === 'transparent') return ef.size ?? 0;
    return this.recordSizes(ef).reduce((a, b) => a + b, 0);
  }
}
