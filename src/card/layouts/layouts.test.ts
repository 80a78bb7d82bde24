// Layout tables against card-format.md §5.2–§5.6: contiguous offsets, data and total lengths, item numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordLayout } from '../image.ts';
import { ALLERGY_LAYOUT } from './allergy.ts';
import { IMMUNIZATION_LAYOUT } from './immunization.ts';
import { INPATIENT_LAYOUT } from './inpatient.ts';
import { OUTPATIENT_LAYOUT } from './outpatient.ts';

function checkContiguous(layout: RecordLayout): void {
  let offset = 0;
  for (const f of layout.fields) {
    assert.equal(f.offset, offset, `${layout.id}.${f.key} offset`);
    assert.ok(f.length > 0);
    offset += f.length;
  }
  assert.equal(offset, layout.totalLength, `${layout.id} total`);
  const data = layout.fields.filter((f) => f.role !== 'sig');
  assert.equal(
    data.reduce((n, f) => n + f.length, 0),
    layout.dataLength,
    `${layout.id} data length`,
  );
  assert.equal(new Set(layout.fields.map((f) => f.key)).size, layout.fields.length, 'keys unique');
  for (const f of layout.fields) assert.match(f.key, /^[a-z][A-Za-z0-9]*$/, 'camelCase key');
}

describe('fixed layouts §5', () => {
  it('allergy: 20 an + 100 an = 120 B', () => {
    checkContiguous(ALLERGY_LAYOUT);
    assert.deepEqual(
      ALLERGY_LAYOUT.fields.map((f) => [f.offset, f.length, f.format, f.api]),
      [
        [0, 20, 'an', 'GMWZMC'],
        [20, 100, 'an', 'GMFY'],
      ],
    );
  });

  it('immunization: 20 an + 4 cn (date) = 24 B', () => {
    checkContiguous(IMMUNIZATION_LAYOUT);
    assert.deepEqual(
      IMMUNIZATION_LAYOUT.fields.map((f) => [f.offset, f.length, f.format, f.valueKind]),
      [
        [0, 20, 'an', undefined],
        [20, 4, 'cn', 'date'],
      ],
    );
  });

  it('inpatient EE: 147 data items = 1 639 B, +64 +190 = 1 893 B, items 64…212', () => {
    checkContiguous(INPATIENT_LAYOUT);
    const data = INPATIENT_LAYOUT.fields.filter((f) => f.role === 'data');
    assert.equal(data.length, 147);
    assert.equal(INPATIENT_LAYOUT.dataLength, 1639);
    assert.equal(INPATIENT_LAYOUT.totalLength, 1893);
    assert.deepEqual(
      INPATIENT_LAYOUT.fields.map((f) => f.item),
      Array.from({ length: 149 }, (_, i) => 64 + i),
    );
    const sig = INPATIENT_LAYOUT.fields.filter((f) => f.role === 'sig');
    assert.deepEqual(
      sig.map((f) => [f.item, f.offset, f.length, f.format]),
      [
        [211, 0x0667, 64, 'b'],
        [212, 0x06a7, 190, 'b'],
      ],
    );
  });

  it('outpatient ED: 170 data items = 3 013 B, +64 +190 = 3 267 B, items 213…384', () => {
    checkContiguous(OUTPATIENT_LAYOUT);
    const data = OUTPATIENT_LAYOUT.fields.filter((f) => f.role === 'data');
    assert.equal(data.length, 170);
    assert.equal(OUTPATIENT_LAYOUT.dataLength, 3013);
    assert.equal(OUTPATIENT_LAYOUT.totalLength, 3267);
    assert.deepEqual(
      OUTPATIENT_LAYOUT.fields.map((f) => f.item),
      Array.from({ length: 172 }, (_, i) => 213 + i),
    );
    assert.deepEqual(
      OUTPATIENT_LAYOUT.fields.filter((f) => f.role === 'sig').map((f) => f.offset),
      [0x0bc5, 0x0c05],
    );
  });

  it('spot checks against the spec tables', () => {
    const ee = (key: string) => INPATIENT_LAYOUT.fields.find((f) => f.key === key);
    const ed = (key: string) => OUTPATIENT_LAYOUT.fields.find((f) => f.key === key);
    // EE: 入院日期 at 0x50 cn 4; 出院日期 item 135 at 0x03F1; 住院天数 cn 3 at 0x0427; 尸检标志 b 1 at 0x042A.
    assert.deepEqual(
      [ee('admissionDate')?.offset, ee('admissionDate')?.format, ee('admissionDate')?.length],
      [0x50, 'cn', 4],
    );
    assert.deepEqual([ee('dischargeDate')?.item, ee('dischargeDate')?.offset], [135, 0x03f1]);
    assert.deepEqual([ee('lengthOfStayDays')?.offset, ee('lengthOfStayDays')?.length], [0x0427, 3]);
    assert.deepEqual(
      [ee('autopsyFlag')?.offset, ee('autopsyFlag')?.format, ee('autopsyFlag')?.valueKind],
      [0x042a, 'b', 'flag'],
    );
    assert.deepEqual([ee('cost20Amount')?.item, ee('cost20Amount')?.offset], [200, 0x0630]);
    assert.deepEqual([ee('diagnosis3Code')?.offset, ee('diagnosis3Code')?.length], [0x02f6, 7]);
    // ED: visit date-time at 80 (an integrator reads the visit date at offset 80), drug 5 route at 0x09BE.
    assert.deepEqual(
      [ed('visitDateTime')?.offset, ed('visitDateTime')?.length, ed('visitDateTime')?.valueKind],
      [80, 7, 'datetime'],
    );
    assert.deepEqual([ed('drug5RouteCode')?.item, ed('drug5RouteCode')?.offset], [343, 0x09be]);
    assert.deepEqual([ed('exam10ItemCode')?.offset, ed('exam10ItemCode')?.length], [0x07e5, 20]);
    // Mandatory: EE 12 items per the HIS layout; ED items 213…225.
    assert.deepEqual(
      INPATIENT_LAYOUT.fields.filter((f) => f.required).map((f) => f.item),
      [64, 65, 66, 67, 68, 69, 70, 75, 76, 77, 135, 136, 137],
    );
    assert.deepEqual(
      OUTPATIENT_LAYOUT.fields.filter((f) => f.required).map((f) => f.item),
      Array.from({ length: 13 }, (_, i) => 213 + i),
    );
  });
});
