// The profiles checked against the numbers of card-format.md §2.2, §2.4, §4 (SM Lc column) and §7.1,
// written out here by hand from the spec tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardDataError } from '../errors.ts';
import type { CardProfile, EfSpec } from '../image.ts';
import { smLc } from '../tlv.ts';
import {
  efPayloadBytes,
  findCardKey,
  findDf,
  findEf,
  findElementByTag,
  findItem,
  findEfByPath,
  findKey,
  getProfile,
  listEfs,
  pathName,
  profilePayloadBytes,
  PROFILES,
} from './index.ts';

const national = getProfile('national');
const shaanxi = getProfile('shaanxi-64k');
const ef = (p: CardProfile, name: string): EfSpec => {
  const e = findEfByPath(p, name);
  assert.ok(e, name);
  return e.ef;
};

describe('national profile — file table §2.2', () => {
  it('has the 22 EFs of the §2.1 tree in order', () => {
    assert.deepEqual(
      listEfs(national).map((e) => pathName(e.path)),
      [
        'DDF1/EF05', 'DDF1/EF06', 'DDF1/EF07', 'DDF1/EF08',
        'DDF1/DF01/EF05', 'DDF1/DF01/EF06', 'DDF1/DF01/EF07', 'DDF1/DF01/EF08',
        'DDF1/DF02/EF05', 'DDF1/DF02/EF06', 'DDF1/DF02/EF07', 'DDF1/DF02/EF08',
        'DDF1/DF03/EF05', 'DDF1/DF03/EF06',
        'DDF1/DF03/EE01', 'DDF1/DF03/EE02', 'DDF1/DF03/EE03',
        'DDF1/DF03/ED01', 'DDF1/DF03/ED02', 'DDF1/DF03/ED03', 'DDF1/DF03/ED04', 'DDF1/DF03/ED05',
      ], // prettier-ignore
    );
  });

  it('TLV files have the record counts and payload sizes of §2.2', () => {
    const expected: [string, number, number][] = [
      ['DDF1/EF05', 10, 284],
      ['DDF1/EF06', 5, 64],
      ['DDF1/EF08', 6, 59],
      ['DDF1/DF01/EF05', 4, 210],
      ['DDF1/DF01/EF06', 9, 171],
      ['DDF1/DF01/EF07', 3, 11],
      ['DDF1/DF01/EF08', 4, 62],
      ['DDF1/DF02/EF05', 15, 84],
      ['DDF1/DF02/EF06', 1, 3],
    ];
    for (const [name, records, bytes] of expected) {
      const f = ef(national, name);
      assert.equal(f.structure, 'tlv-records', name);
      assert.equal(f.elements?.length, records, name);
      assert.equal(efPayloadBytes(f), bytes, name);
    }
  });

  it('the SM Lc of every element matches the §4 column', () => {
    const lc: [string, number[]][] = [
      ['DDF1/EF05', [0x14, 0x14, 0x34, 0x14, 0xc4, 0x14, 0x24, 0x14, 0x14, 0x14]],
      ['DDF1/EF06', [0x34, 0x14, 0x14, 0x14, 0x24]],
      ['DDF1/EF08', [0x14, 0x24, 0x24, 0x14, 0x14, 0x14]],
      ['DDF1/DF01/EF05', [0x14, 0x74, 0x14, 0x74]],
      ['DDF1/DF01/EF06', [0x34, 0x14, 0x24, 0x34, 0x14, 0x24, 0x34, 0x14, 0x24]],
      ['DDF1/DF01/EF07', [0x14, 0x14, 0x14]],
      ['DDF1/DF01/EF08', [0x14, 0x24, 0x24, 0x24]],
      ['DDF1/DF02/EF05', [...Array(14).fill(0x14), 0x34]],
      ['DDF1/DF02/EF06', [0x14]],
    ];
    for (const [name, values] of lc)
      assert.deepEqual(
        ef(national, name).elements?.map((e) => smLc(e.length)),
        values,
        name,
      );
  });

  it('tags of the TLV files are those of §4 (tag 7 in EF08, 卡号 tag 8, 应用城市代码 0x39)', () => {
    assert.deepEqual(
      ef(national, 'DDF1/EF05').elements?.map((e) => e.tag),
      [1, 2, 3, 4, 5, 6, 8, 9, 10, 57],
    );
    assert.deepEqual(
      ef(national, 'DDF1/EF08').elements?.map((e) => e.tag),
      [7, 16, 17, 18, 19, 20],
    );
    assert.deepEqual(
      ef(national, 'DDF1/DF01/EF06').elements?.map((e) => e.tag),
      [25, 26, 27, 28, 29, 30, 31, 32, 33],
    );
    assert.deepEqual(
      ef(national, 'DDF1/DF02/EF05').elements?.map((e) => e.tag),
      [41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55],
    );
    const all = listEfs(national).flatMap((e) => e.ef.elements ?? []);
    // §8.5: items 1…57 are exactly the TLV tags, each used once on the card.
    assert.deepEqual(
      all.map((e) => e.tag).sort((a, b) => a - b),
      Array.from({ length: 57 }, (_, i) => i + 1),
    );
    assert.equal(new Set(all.map((e) => e.api)).size, 57, 'API names unique');
    assert.equal(new Set(all.map((e) => e.key)).size, 57, 'model keys unique');
  });

  it('fixed files: photo, cyclic and index files, EE/ED sizes', () => {
    const photo = ef(national, 'DDF1/EF07');
    assert.deepEqual([photo.structure, photo.size, photo.contentLimit], ['transparent', 3074, 3072]);
    const allergy = ef(national, 'DDF1/DF02/EF07');
    assert.deepEqual([allergy.structure, allergy.recordCount, allergy.recordSize], ['cyclic', 3, 120]);
    const imm = ef(national, 'DDF1/DF02/EF08');
    assert.deepEqual([imm.structure, imm.recordCount, imm.recordSize], ['cyclic', 10, 24]);
    const eeIdx = ef(national, 'DDF1/DF03/EF05');
    assert.deepEqual(
      [eeIdx.structure, eeIdx.recordCount, eeIdx.recordSize, eeIdx.initialRecordByte],
      ['linear-fixed', 3, 1, 0xff],
    );
    assert.equal(ef(national, 'DDF1/DF03/EF06').recordCount, 5);
    assert.equal(ef(national, 'DDF1/DF03/EE02').size, 1893);
    assert.equal(ef(national, 'DDF1/DF03/ED05').size, 3267);
    assert.equal(ef(national, 'DDF1/DF03/ED05').slot, 5);
  });

  it('capacity per area matches §2.4 and fits 32 768 bytes', () => {
    const area = (prefix: string) =>
      listEfs(national)
        .filter(
          (e) =>
            pathName(e.path).startsWith(prefix) &&
            pathName(e.path).split('/').length === prefix.split('/').length + 1,
        )
        .reduce((n, e) => n + efPayloadBytes(e.ef), 0);
    assert.equal(area('DDF1'), 3481);
    assert.equal(area('DDF1/DF01'), 454);
    assert.equal(area('DDF1/DF02'), 687);
    assert.equal(area('DDF1/DF03'), 22022);
    assert.equal(profilePayloadBytes(national), 26644);
    assert.ok(profilePayloadBytes(national) <= national.chipCapacity);
    assert.equal(national.chipCapacity, 32768);
  });
});

describe('national profile — access rules §2.3', () => {
  const access = (name: string) => ef(national, name).access;

  it('DDF1/EF05: free read, SM write with UK1_DDF1 + STK_DDF1 only while personalising, no erase', () => {
    assert.deepEqual(access('DDF1/EF05'), {
      read: { right: 'always' },
      update: { right: 'UK1_DDF1', smKey: 'STK_DDF1', personalisationOnly: true },
      erase: { right: 'never' },
    });
    assert.deepEqual(access('DDF1/EF06').update, access('DDF1/EF05').update);
    assert.deepEqual(access('DDF1/EF06').read, { right: 'RK1_DDF1' });
  });

  it('rows of the §2.3 table', () => {
    const rows: [string, string, string | undefined, string | undefined, string][] = [
      // file, read, update key, SM key, erase
      ['DDF1/EF07', 'RK1_DDF1', 'UK1_DDF1', undefined, 'never'],
      ['DDF1/EF08', 'RK1_DDF1', 'UK1_DDF1', 'STK_DDF1', 'never'],
      ['DDF1/DF01/EF05', 'RK1_DF01', 'UK1_DF01', 'STK_DF01', 'never'],
      ['DDF1/DF01/EF08', 'RK1_DF01', 'UK1_DF01', 'STK_DF01', 'never'],
      ['DDF1/DF02/EF05', 'RK1_DF02', 'UK1_DF02', 'STK_DF02', 'never'],
      ['DDF1/DF02/EF06', 'RK1_DF02', 'UK2_DF02', 'STK_DF02', 'never'],
      ['DDF1/DF02/EF07', 'RK1_DF02', 'UK3_DF02', undefined, 'never'],
      ['DDF1/DF02/EF08', 'RK1_DF02', 'UK3_DF02', undefined, 'never'],
      ['DDF1/DF03/EF05', 'RK1_DF03', 'UK1_DF03', undefined, 'UK2_DF03'],
      ['DDF1/DF03/EF06', 'RK1_DF03', 'UK1_DF03', undefined, 'UK2_DF03'],
      ['DDF1/DF03/EE03', 'RK1_DF03', 'UK1_DF03', undefined, 'never'],
      ['DDF1/DF03/ED01', 'RK1_DF03', 'UK1_DF03', undefined, 'never'],
    ];
    for (const [name, read, update, sm, erase] of rows) {
      const a = access(name);
      assert.equal(a.read.right, read, name);
      assert.equal(a.update.right, update, name);
      assert.equal(a.update.smKey, sm, name);
      assert.equal(a.update.personalisationOnly, undefined, name);
      assert.equal(a.erase?.right, erase, name);
    }
  });

  it('every key named by an access rule exists and belongs to the file’s DF', () => {
    for (const p of PROFILES.values())
      for (const { ef: f, df } of listEfs(p))
        for (const cond of [f.access.read, f.access.update, f.access.erase]) {
          for (const name of [cond?.right, cond?.smKey]) {
            if (!name || name === 'always' || name === 'never') continue;
            const k = findKey(p, name);
            assert.ok(k, `${p.id}: ${name}`);
            assert.equal(k.df, df.fid, `${name} lives in the DF of the file`);
          }
        }
  });
});

describe('national profile — key table §7.1', () => {
  it('rows of the table (card key id, versions, SAM P1, index, levels)', () => {
    const rows: [string, number, number, number, number, number, number][] = [
      // name, df, card key id, versions, P1, index, levels
      ['IRK_DDF1', 0xddf1, 0x04, 4, 0x47, 0x01, 2],
      ['STK_DDF1', 0xddf1, 0x02, 1, 0x28, 0x02, 1],
      ['STK_DF01', 0xdf01, 0x82, 1, 0x28, 0x03, 1],
      ['STK_DF02', 0xdf02, 0x82, 1, 0x48, 0x04, 2],
      ['STK_DF03', 0xdf03, 0x82, 1, 0x48, 0x05, 2],
      ['LK_DF01', 0xdf01, 0x83, 1, 0x27, 0x07, 1],
      ['LK_DF02', 0xdf02, 0x83, 1, 0x27, 0x08, 1],
      ['LK_DF03', 0xdf03, 0x83, 1, 0x27, 0x09, 1],
      ['UK1_DDF1', 0xddf1, 0x05, 4, 0x27, 0x0a, 1],
      ['UK1_DF01', 0xdf01, 0x85, 4, 0x27, 0x0b, 1],
      ['UK1_DF02', 0xdf02, 0x85, 4, 0x47, 0x0c, 2],
      ['UK2_DF02', 0xdf02, 0x86, 4, 0x47, 0x0d, 2],
      ['UK3_DF02', 0xdf02, 0x87, 4, 0x47, 0x0e, 2],
      ['UK1_DF03', 0xdf03, 0x85, 4, 0x47, 0x0f, 2],
      ['UK2_DF03', 0xdf03, 0x86, 4, 0x27, 0x10, 1],
      ['RK1_DDF1', 0xddf1, 0x04, 4, 0x47, 0x11, 2],
      ['RK1_DF01', 0xdf01, 0x84, 4, 0x47, 0x12, 2],
      ['RK1_DF02', 0xdf02, 0x84, 4, 0x47, 0x13, 2],
      ['RK1_DF03', 0xdf03, 0x84, 4, 0x47, 0x14, 2],
      ['BK_MF', 0x3f00, 0x03, 1, 0x27, 0x15, 1],
      ['STM_MF', 0x3f00, 0x02, 1, 0x28, 0x16, 1],
    ];
    assert.equal(national.keys.length, rows.length);
    for (const [name, df, id, versions, p1, index, levels] of rows) {
      const k = findKey(national, name);
      assert.ok(k, name);
      assert.deepEqual([k.df, k.cardKeyId, k.versions.length, k.samP1, k.samIndex, k.levels], [
        df, id, versions, p1, index, levels,
      ], name); // prettier-ignore
    }
  });

  it('card key ids are unique per (DF, usage) and SAM indices unique', () => {
    const ids = national.keys.map((k) => `${k.df}:${k.usage}:${k.cardKeyId}`);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(national.keys.map((k) => k.samIndex)).size, national.keys.length);
  });

  it('findCardKey resolves local (8x) ids in the current DF and plain ids in DDF1 / MF', () => {
    assert.equal(findCardKey(national, 0xdf02, 0x87, 'external-auth')?.name, 'UK3_DF02');
    assert.equal(findCardKey(national, 0xdf03, 0x86, 'external-auth')?.name, 'UK2_DF03');
    assert.equal(findCardKey(national, 0xddf1, 0x04, 'external-auth')?.name, 'RK1_DDF1');
    assert.equal(findCardKey(national, 0xddf1, 0x04, 'internal-auth')?.name, 'IRK_DDF1');
    assert.equal(findCardKey(national, 0xdf01, 0x05, 'external-auth')?.name, 'UK1_DDF1');
    assert.equal(findCardKey(national, 0xdf01, 0x87, 'external-auth'), undefined);
    assert.equal(findCardKey(national, 0x3f00, 0x03, 'card-block')?.name, 'BK_MF');
  });

  it('options of the national profile', () => {
    assert.deepEqual(national.options, {
      cardFactor: 'historical',
      impliedDecimals: 2,
      keyRetryLimit: 15,
      lockAfterIssuance: true,
      defaultCardType: '1',
      transparentChunk: 0x80,
      indexWriteForm: 'plain',
    });
  });
});

describe('navigation helpers', () => {
  it('pathName, findDf, findEf', () => {
    assert.equal(pathName([0x3f00, 0xddf1, 0xdf01, 0xef05]), 'DDF1/DF01/EF05');
    assert.equal(pathName([0x3f00, 0xddf1, 0xef07]), 'DDF1/EF07');
    assert.equal(findDf(national, 0xdf02)?.en, 'basic health data');
    assert.equal(findEf(national, 0xdf02, 0xef08)?.recordCount, 10);
    assert.equal(findEf(national, 0xddf1, 0xef05)?.elements?.length, 10);
    assert.equal(findEf(national, 0xdf03, 0xee04), undefined);
    assert.deepEqual(
      listEfs(national).find((e) => e.ef.fid === 0xed02)?.path,
      [0x3f00, 0xddf1, 0xdf03, 0xed02],
    );
  });

  it('getProfile rejects an unknown id with a coded error', () => {
    assert.throws(
      () => getProfile('beijing'),
      (e: unknown) => e instanceof CardDataError && e.symbol === 'UNKNOWN_PROFILE',
    );
  });
});

describe('shaanxi-64k profile', () => {
  it('has 5 inpatient and 10 outpatient slots with matching index files', () => {
    const names = listEfs(shaanxi).map((e) => pathName(e.path));
    assert.equal(names.length, 29);
    assert.deepEqual(
      names.filter((n) => /\/E[ED]0/.test(n)),
      [
        'DDF1/DF03/EE01', 'DDF1/DF03/EE02', 'DDF1/DF03/EE03', 'DDF1/DF03/EE04', 'DDF1/DF03/EE05',
        'DDF1/DF03/ED01', 'DDF1/DF03/ED02', 'DDF1/DF03/ED03', 'DDF1/DF03/ED04', 'DDF1/DF03/ED05',
        'DDF1/DF03/ED06', 'DDF1/DF03/ED07', 'DDF1/DF03/ED08', 'DDF1/DF03/ED09', 'DDF1/DF03/ED0A',
      ], // prettier-ignore
    );
    assert.equal(ef(shaanxi, 'DDF1/DF03/EF05').recordCount, 5);
    assert.equal(ef(shaanxi, 'DDF1/DF03/EF06').recordCount, 10);
    assert.equal(ef(shaanxi, 'DDF1/DF03/ED0A').slot, 10);
    assert.equal(ef(shaanxi, 'DDF1/DF03/ED0A').size, 3267);
  });

  it('keeps every other file, the keys and the options of the national profile', () => {
    for (const e of listEfs(national).filter((x) => x.df.fid !== 0xdf03))
      assert.deepEqual(ef(shaanxi, pathName(e.path)), e.ef);
    assert.deepEqual(shaanxi.keys, national.keys);
    assert.deepEqual(shaanxi.options, national.options);
    assert.equal(national.designChoice, undefined);
    assert.match(shaanxi.designChoice ?? '', /design choice/);
  });

  it('capacity: 4 622 B outside DF03 + 5×1 893 + 10×3 267 + 15 index bytes, fits 65 536', () => {
    assert.equal(profilePayloadBytes(shaanxi), 3481 + 454 + 687 + 5 * 1893 + 10 * 3267 + 5 + 10);
    assert.ok(profilePayloadBytes(shaanxi) <= shaanxi.chipCapacity);
    assert.ok(profilePayloadBytes(shaanxi) > 32768, 'would not fit the 32K class');
    assert.equal(shaanxi.chipCapacity, 65536);
  });
});

describe('item numbers §8.5', () => {
  it('1…57 are TLV tags, 64… EE items, 213… ED items, 58…63 unassigned', () => {
    const name = findItem(national, 11);
    assert.equal(name?.kind, 'tlv');
    if (name?.kind === 'tlv') {
      assert.equal(pathName(name.file.path), 'DDF1/EF06');
      assert.equal(name.record, 1);
      assert.equal(name.element.api, 'XM');
    }
    const city = findItem(national, 57);
    assert.ok(city?.kind === 'tlv' && city.record === 10 && pathName(city.file.path) === 'DDF1/EF05');
    for (const n of [58, 63, 385, 0]) assert.equal(findItem(national, n), undefined, String(n));
    const ee = findItem(national, 64);
    assert.ok(ee?.kind === 'field' && ee.field.key === 'institutionName' && ee.files.length === 3);
    const ed = findItem(shaanxi, 215);
    assert.ok(ed?.kind === 'field' && ed.field.offset === 80 && ed.files.length === 10);
    assert.equal(pathName((ed?.kind === 'field' && ed.files[9].path) || []), 'DDF1/DF03/ED0A');
    assert.equal(findElementByTag(ef(national, 'DDF1/EF05'), 0x39)?.record, 10);
    assert.equal(findElementByTag(ef(national, 'DDF1/EF05'), 0x07), undefined);
  });
});
