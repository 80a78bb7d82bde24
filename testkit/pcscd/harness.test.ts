import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpenscOutput } from './harness.ts';

test('opensc-tool output is parsed into data and SW, whatever the ASCII column looks like', () => {
  const out = [
    'Sending: 00 A4 00 00 02 DD F1 ',
    'Received (SW1=0x90, SW2=0x00)',
    'Sending: 00 B2 39 00 00 ',
    'Received (SW1=0x90, SW2=0x00):',
    '39 03 61 01 00 9.a..',
    'Sending: 00 B2 08 00 00 ',
    'Received (SW1=0x90, SW2=0x00):',
    '08 12 31 31 30 31 30 35 31 39 34 39 31 32 33 31 ..11010519491231',
    '41 42 20 AB ',
    'Sending: 00 B2 01 04 00 ',
    'Received (SW1=0x69, SW2=0x82)',
  ].join('\n');
  assert.deepEqual(parseOpenscOutput(out), [
    { data: '', sw: '9000' },
    { data: '3903610100', sw: '9000' },
    { data: '08123131303130353139343931323331414220', sw: '9000' },
    { data: '', sw: '6982' },
  ]);
});
