// CardContents ↔ per-file images for both profiles: round trips with seeded random residents, the shape of
// the images the virtual card personalises from, and the index-flag rule for encounter slots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CardContentsInput, contentsToFileImages, fileImagesToContents } from './contents.ts';
import { CardDataError } from './errors.ts';
import type { CardProfile } from './image.ts';
import {
  minimalOutpatientValues,
  recordFor,
  seeded,
  valuesFor,
  type Rng,
} from '../../testkit/card-values.ts';
import { findEfByPath, getProfile, listEfs, pathName, PROFILES } from './profiles/index.ts';

function randomContents(r: Rng, profile: CardProfile): CardContentsInput {
  const out: Record<string, unknown> = { profile: profile.id };
  for (const { ef } of listEfs(profile)) {
    const section = ef.section ?? '';
    if (ef.structure === 'tlv-records') out[section] = valuesFor(r, ef.elements ?? []);
    if (ef.structure === 'cyclic' && ef.layout) {
      const layout = ef.layout;
      out[section] = Array.from({ length: r.int((ef.recordCount ?? 0) + 1) }, () =>
        recordFor(r, layout, false),
      );
    }
    if (ef.structure === 'linear-fixed') out[section] = [];
  }
  for (const { ef } of listEfs(profile))
    if (ef.slot !== undefined && ef.layout) {
      const layout = ef.layout;
      (out[ef.section ?? ''] as unknown[])[ef.slot - 1] = r.chance(0.6)
        ? recordFor(r, layout, r.chance(0.5))
        : null;
    }
  const jpeg = Uint8Array.from({ length: 100 + r.int(2900) }, (_, i) =>
    i === 0 ? 0xff : i === 1 ? 0xd8 : r.int(256),
  );
  out.photo = { jpegBase64: Buffer.from(jpeg).toString('base64') };
  return out as CardContentsInput;
}

describe('card contents', () => {
  for (const profile of PROFILES.values())
    it(`${profile.id}: random residents round-trip through file images`, () => {
      const r = seeded(profile.chipCapacity);
      for (let i = 0; i < 8; i++) {
        const contents = randomContents(r, profile);
        const images = contentsToFileImages(profile, contents);
        assert.deepEqual(
          [...images.keys()],
          listEfs(profile).map((e) => pathName(e.path)),
        );
        assert.deepEqual(fileImagesToContents(profile, images), contents);
      }
    });

  it('image shapes: full TLV record lists, full-size transparent files, one flag per slot', () => {
    const national = getProfile('national');
    const images = contentsToFileImages(national, {
      holder: { name: '李堃' },
      inpatient: [null, null, null],
      outpatient: [null, { ...minimalOutpatientValues() }],
      allergies: [{ allergenName: '花粉', reaction: '皮疹' }],
    });
    assert.equal(images.get('DDF1/EF05')?.records?.length, 10);
    assert.equal(images.get('DDF1/EF06')?.records?.[0]?.length, 32);
    assert.deepEqual([...(images.get('DDF1/EF06')?.records?.[1] ?? [])], [0x0c, 0x01, 0x00], 'unset b → 00');
    assert.equal(images.get('DDF1/EF07')?.binary?.length, 3074);
    assert.deepEqual([...(images.get('DDF1/EF07')?.binary?.subarray(0, 2) ?? [])], [0, 0], 'no photo: N = 0');
    assert.equal(images.get('DDF1/DF02/EF07')?.records?.length, 1);
    assert.equal(images.get('DDF1/DF02/EF08')?.records?.length, 0);
    assert.deepEqual(
      images.get('DDF1/DF03/EF06')?.records?.map((x) => x[0]),
      [0xff, 0x00, 0xff, 0xff, 0xff],
    );
    assert.equal(images.get('DDF1/DF03/ED02')?.binary?.length, 3267);
    assert.equal(images.get('DDF1/DF03/ED02')?.binary?.[155], 0x07);
    assert.ok(
      images.get('DDF1/DF03/ED01')?.binary?.every((b) => b === 0),
      'free slot stays 00-filled',
    );

    const back = fileImagesToContents(national, images);
    assert.deepEqual(back.inpatient, [null, null, null]);
    assert.equal(back.outpatient.length, 5);
    assert.equal(back.outpatient[1]?.visitDateTime, '20240315093000');
    assert.equal(back.outpatient[1]?.signature, undefined, 'unsigned: no signature items');
    assert.equal(back.holder.name, '李堃');
    assert.equal(back.holder.sex, '00');
    assert.equal(back.photo, undefined);
  });

  it('a slot whose index flag is FF reads as null even when its file holds data', () => {
    const national = getProfile('national');
    const images = contentsToFileImages(national, { inpatient: [], outpatient: [minimalOutpatientValues()] });
    images.set('DDF1/DF03/EF06', {
      records: [Uint8Array.of(0xff), ...Array.from({ length: 4 }, () => Uint8Array.of(0xff))],
    });
    assert.deepEqual(fileImagesToContents(national, images).outpatient, [null, null, null, null, null]);
  });

  it('missing images read as empty files', () => {
    const c = fileImagesToContents(getProfile('shaanxi-64k'), new Map());
    assert.equal(c.issuer.cardNumber, '');
    assert.deepEqual(c.allergies, []);
    assert.equal(c.inpatient.length, 5);
    assert.equal(c.outpatient.length, 10);
  });

  it('more records than the file holds, wrong profile, bad photo', () => {
    const national = getProfile('national');
    const a = { allergenName: 'A', reaction: 'B' };
    const code = (c: string) => (e: unknown) => e instanceof CardDataError && e.symbol === c;
    assert.throws(
      () => contentsToFileImages(national, { allergies: [a, a, a, a] }),
      code('TOO_MANY_RECORDS'),
    );
    assert.throws(
      () => contentsToFileImages(national, { inpatient: [null, null, null, null] }),
      code('TOO_MANY_RECORDS'),
    );
    assert.doesNotThrow(() =>
      contentsToFileImages(getProfile('shaanxi-64k'), { inpatient: [null, null, null, null] }),
    );
    assert.throws(() => contentsToFileImages(national, { profile: 'shaanxi-64k' }), code('UNKNOWN_PROFILE'));
    assert.throws(
      () => contentsToFileImages(national, { photo: { jpegBase64: 'iVBORw0K' } }),
      code('PHOTO_NOT_JPEG'),
    );
    assert.ok(findEfByPath(national, 'DDF1/DF03/EE03'));
    const bad = (x: unknown) => () => contentsToFileImages(national, x as CardContentsInput);
    assert.throws(bad({ holderr: {} }), code('BAD_SECTION'));
    assert.throws(bad({ allergies: {} }), code('BAD_SECTION'));
    assert.throws(bad({ allergies: ['花粉'] }), code('BAD_SECTION'));
    assert.throws(bad({ holder: [] }), code('BAD_SECTION'));
    assert.throws(bad({ holder: { name: null } }), code('NOT_A_STRING'));
  });
});
