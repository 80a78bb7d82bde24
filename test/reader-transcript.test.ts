// Reader transcripts: a session recorded against the virtual card and SAM replays with no card and no SAM,
// giving the same results and APDU counts; a reader that deviates is stopped at the first differing APDU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getProfile } from '../src/card/profiles/index.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';
import { encounterFiles } from '../src/reader/locate.ts';
import { HealthCardOperations } from '../src/reader/operations.ts';
import { Reader } from '../src/reader/reader.ts';
import { DEMO_SAM_PIN, createDemoCard, sampleLayoutValues } from '../testkit/reader-rig.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';
import { RecordingDevice, ReplayDevice, TranscriptReplayError } from '../src/reader/transports/transcript.ts';

const profile = getProfile('national');
const visit = sampleLayoutValues(encounterFiles(profile, 'outpatient')[0].ef.layout!, 8);

async function session(reader: Reader) {
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  const ops = new HealthCardOperations(reader);
  const written = await ops.writeOutpatientVisit(visit);
  const list = await ops.listOutpatientVisits();
  const info = await ops.readCardInfo();
  return { written, list, info, counts: reader.counts() };
}

test('record a write + read session, replay it without card or SAM', async () => {
  const lines: string[] = [];
  const device = new RecordingDevice(
    new MemoryReaderDevice({ sam: createDemoSam(profile), card: createDemoCard() }),
    (l) => lines.push(l),
    profile.id,
  );
  const live = await session(new Reader(device, { profile }));
  assert.ok(lines.length > 50);
  assert.match(lines[0], /rhc-reader-transcript/);

  const replay = new ReplayDevice(lines);
  const again = await session(new Reader(replay, { profile }));
  assert.deepEqual(again, live);
  assert.equal(replay.finished, true);
});

test('a deviating reader is stopped at the first differing APDU', async () => {
  const lines: string[] = [];
  const device = new RecordingDevice(
    new MemoryReaderDevice({ sam: createDemoSam(profile), card: createDemoCard() }),
    (l) => lines.push(l),
    profile.id,
  );
  await session(new Reader(device, { profile }));
  const reader = new Reader(new ReplayDevice(lines), { profile });
  await reader.open();
  await reader.verifySamPin(DEMO_SAM_PIN);
  // The recorded session wrote a visit first; reading resident info instead diverges at once.
  await assert.rejects(new HealthCardOperations(reader).readResidentInfo(), (e: unknown) => {
    const cause = (e as { cause?: unknown }).cause ?? e;
    return cause instanceof TranscriptReplayError && /expected card/.test(cause.message);
  });
});
