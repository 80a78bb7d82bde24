import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskIdNumber, maskName } from './masking.ts';

describe('maskIdNumber', () => {
  it('keeps the address code and the last four characters of an 18-character number', () => {
    assert.equal(maskIdNumber('11010519491231002X'), '110105********002X');
  });
  it('masks other lengths without revealing the middle', () => {
    assert.equal(maskIdNumber('610102900101123'), '610102******123'); // 15 digits: birth date fully hidden
    assert.equal(maskIdNumber('E1234567'), 'E******7');
    assert.equal(maskIdNumber('12'), '**');
    assert.equal(maskIdNumber(''), '');
  });
});

describe('maskName', () => {
  it('keeps the surname', () => {
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('李小龙'), '李**');
    assert.equal(maskName('李'), '*');
    assert.equal(maskName(''), '');
  });
  it('keeps compound surnames', () => {
    assert.equal(maskName('欧阳娜娜'), '欧阳**');
    assert.equal(maskName('司马光'), '司马*');
  });
  it('counts a character outside the BMP (𠮷, a surrogate pair) as one character', () => {
    assert.equal('𠮷'.length, 2); // UTF-16 code units
    assert.equal(maskName('𠮷野家'), '𠮷**');
    assert.equal(maskName('张𠮷'), '张*');
    assert.equal(maskName('王𠮷𠮷'), '王**');
    assert.ok(!maskName('张𠮷').includes('\ud842'), 'no lone surrogate');
  });
});
