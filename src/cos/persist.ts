// A virtual card as a JSON file (profile id, ATR historical bytes, life cycle, retry counters, per-card
// keys, file contents). THE FILE HOLDS THE CARD'S KEYS: it is written with mode 0600 and must be protected
// like a key file. Saves are atomic: write a temp file, fsync, rename over the old file, fsync the folder.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { z } from 'zod';
import { fromHex, toHex } from '../card/apdu.ts';
import { getProfile } from '../card/profiles/index.ts';
import { describeError } from '../crypto/index.ts';
import { CardFileError } from './errors.ts';
import { FileMemory } from './card/nvm.ts';
import { bytesToImage, imageToBytes } from './card/state.ts';
import type { BlockState, CardState } from './card/state.ts';
import { ProfileTree } from './card/tree.ts';

export const CARD_FILE_FORMAT = 'rhc-virtual-card';

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, 'hex bytes');

const WARNING =
  '含卡片密钥，须妥善保管（权限 0600） holds the card keys: protect it like a key file (mode 0600)';

const cardFileSchema = z.object({
  format: z.literal(CARD_FILE_FORMAT),
  version: z.literal(1),
  warning: z.string().optional(),
  profile: z.string(),
  historicalBytes: hex.refine((h) => h.length === 16, '8 bytes'),
  applicationCityCode: z.string().regex(/^\d{6}$/),
  lifecycle: z.enum(['personalisation', 'issued']),
  cardBlocked: z.boolean(),
  appBlocks: z.record(z.string(), z.enum(['temporary', 'permanent'])),
  retries: z.record(z.string(), z.number().int().min(0)),
  keys: z.record(
    z.string(),
    hex.refine((h) => h.length === 32, '16 bytes'),
  ),
  files: z.record(z.string(), z.object({ records: z.array(hex).optional(), binary: hex.optional() })),
  journal: z
    .object({ path: z.string(), offset: z.number().int().min(0), data: hex, valid: z.boolean() })
    .optional(),
});

export type CardFile = z.infer<typeof cardFileSchema>;

export function serializeCard(state: CardState): CardFile {
  const tree = new ProfileTree(state.profile);
  const files: CardFile['files'] = {};
  for (const { path, ef } of tree.efs()) {
    const img = bytesToImage(tree, ef, state.memory.read(path));
    files[path] = img.binary ? { binary: toHex(img.binary) } : { records: (img.records ?? []).map(toHex) };
  }
  const j = state.memory.journal;
  return {
    format: CARD_FILE_FORMAT,
    version: 1,
    warning: WARNING,
    profile: state.profile.id,
    historicalBytes: toHex(state.historicalBytes),
    applicationCityCode: state.applicationCityCode,
    lifecycle: state.lifecycle,
    cardBlocked: state.cardBlocked,
    appBlocks: Object.fromEntries(state.appBlocks),
    retries: Object.fromEntries(state.retries),
    keys: Object.fromEntries([...state.keys].map(([k, v]) => [k, toHex(v)])),
    files,
    ...(j ? { journal: { path: j.path, offset: j.offset, data: toHex(j.data), valid: j.valid } } : {}),
  };
}

export function deserializeCard(input: unknown): CardState {
  const parsed = cardFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CardFileError(issue.path.join('.') || '(root)', issue.message);
  }
  const f = parsed.data;
  let profile;
  try {
    profile = getProfile(f.profile);
  } catch (err) {
    throw new CardFileError('profile', (err as Error).message);
  }
  const tree = new ProfileTree(profile);
  const files = new Map<string, Uint8Array>();
  for (const { path, ef } of tree.efs()) {
    const img = f.files[path];
    if (!img) throw new CardFileError(`files.${path}`, 'missing');
    try {
      files.set(
        path,
        imageToBytes(tree, path, ef, {
          records: img.records?.map(fromHex),
          binary: img.binary === undefined ? undefined : fromHex(img.binary),
        }),
      );
    } catch (err) {
      throw new CardFileError(`files.${path}`, describeError(err));
    }
  }
  for (const path of Object.keys(f.files))
    if (!files.has(path)) throw new CardFileError(`files.${path}`, `no such EF in profile ${profile.id}`);
  for (const spec of profile.keys)
    for (const v of spec.versions)
      if (!f.keys[`${spec.name}:${v}`]) throw new CardFileError(`keys.${spec.name}:${v}`, 'missing');
  const journal = f.journal && { ...f.journal, data: fromHex(f.journal.data) };
  if (journal && !files.has(journal.path)) throw new CardFileError('journal.path', 'unknown file');
  return {
    profile,
    historicalBytes: fromHex(f.historicalBytes),
    applicationCityCode: f.applicationCityCode,
    lifecycle: f.lifecycle,
    cardBlocked: f.cardBlocked,
    appBlocks: new Map(Object.entries(f.appBlocks) as [string, BlockState][]),
    retries: new Map(Object.entries(f.retries)),
    keys: new Map(Object.entries(f.keys).map(([k, v]) => [k, fromHex(v)])),
    memory: new FileMemory(files, journal),
  };
}

/** Atomic save: temp file (mode 0600) + fsync + rename + fsync of the folder. */
export function saveCard(path: string, state: CardState): void {
  const text = JSON.stringify(serializeCard(state), null, 1) + '\n';
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // some file systems do not allow fsync on a folder; the rename is still atomic
  }
}

export function loadCard(path: string): CardState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CardFileError(path, (err as Error).message);
  }
  return deserializeCard(raw);
}
