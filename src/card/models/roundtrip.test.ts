// Round-trip property tests: seeded random valid values → bytes → the same values, for every file model
// of both profiles. Seeds are fixed so a failure reproduces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODE_TABLE_IDS } from '../../codes/index.ts';
import { ALLERGY_LAYOUT } from '../layouts/allergy.ts';
import { IMMUNIZATION_LAYOUT } from '../layouts/immunization.ts';
import { INPATIENT_LAYOUT } from '../layouts/inpatient.ts';
import { OUTPATIENT_LAYOUT } from '../layouts/outpatient.ts';
import { listEfs, pathName, PROFILES } from '../profiles/index.ts';
import { decodeIndexFile, encodeIndexFile } from './index-file.ts';
import { decodePhotoFile, encodePhotoFile } from './photo.ts';
import { decodeRecord, encodeRecord } from './record.ts';
import { recordFor, seeded, valuesFor } from '../../../testkit/card-values.ts';
import { decodeTlvFile, encodeTlvFile } from './tlv-file.ts';
import type { IndexFlag } from './types.ts';

describe('round trips', () => {
  for (const profile of PROFILES.values())
    for (const { path, ef } of listEfs(profile).filter((e) => e.ef.structure === 'tlv-records'))
      it(`${profile.id} ${pathName(path)} (TLV)`, () => {
        const r = seeded(0x5eed + path.reduce((a, b) => a + b, 0));
        for (let i = 0; i < 60; i++) {
          const values = valuesFor(r, ef.elements ?? []);
          const records = encodeTlvFile(ef, values);
          assert.equal(records.size, ef.elements?.length);
          for (const [n, rec] of records) assert.equal(rec.length, 2 + (ef.elements?.[n - 1].length ?? 0));
          assert.deepEqual(decodeTlvFile(ef, records), values);
        }
      });

  for (const layout of [ALLERGY_LAYOUT, IMMUNIZATION_LAYOUT, INPATIENT_LAYOUT, OUTPATIENT_LAYOUT])
    it(`${layout.id} records (data part and signed whole record)`, () => {
      const r = seeded(layout.totalLength);
      for (let i = 0; i < 40; i++) {
        const signed = i % 2 === 1;
        const values = recordFor(r, layout, signed);
        const bytes = encodeRecord(layout, values);
        assert.equal(bytes.length, layout.totalLength);
        const decoded = decodeRecord(layout, signed ? bytes : bytes.subarray(0, layout.dataLength));
        assert.deepEqual(decoded, values);
      }
    });

  it('index files', () => {
    const r = seeded(7);
    for (let i = 0; i < 20; i++) {
      const flags = Array.from({ length: 1 + r.int(10) }, (): IndexFlag => r.pick(['00', 'FF']));
      assert.deepEqual(decodeIndexFile(encodeIndexFile(flags)), flags);
    }
    assert.deepEqual(decodeIndexFile([Uint8Array.of(0x01)]), ['FF'], 'anything but 00 is not a valid slot');
  });

  it('photo file: 2-byte big-endian length ‖ JPEG', () => {
    const r = seeded(9);
    for (const n of [2, 3, 255, 256, 1000, 3070]) {
      const jpeg = Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0xff : i === 1 ? 0xd8 : r.int(256)));
      const file = encodePhotoFile(jpeg);
      assert.deepEqual([file[0], file[1]], [n >> 8, n & 0xff]);
      const padded = new Uint8Array(3074);
      padded.set(file);
      assert.deepEqual(decodePhotoFile(padded), jpeg);
    }
    assert.equal(decodePhotoFile(new Uint8Array(3074)), undefined, 'N = 0: no photo');
  });

  it('every code table named by the profiles and layouts exists in src/codes', () => {
    const named = new Set<string>();
    for (const p of PROFILES.values())
      for (const { ef } of listEfs(p))
        for (const s of [...(ef.elements ?? []), ...(ef.layout?.fields ?? [])])
          if (s.codeTable) named.add(s.codeTable);
    for (const t of named) assert.ok(CODE_TABLE_IDS.includes(t), t);
    assert.ok(named.size >= 11);
  });
});
