// The stream of a small file's first request, on a slow link: where the worker waits far ahead of
// it (metadata written after the data, as pynwb writes it), the stream goes on from there.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { prepareHdf5Worker } from '../../../src/hdf5/engine';
import { defaultPluginDir } from '../../../src/hdf5/openParts';
import { TAIL_ALIGN, tailStart } from '../../../src/hdf5/streamRun';
import { spareWorkerStarted } from '../../../src/hdf5/workerPool';
import type { NumericArray } from '../../../src/hdf5/types';
import { corpusAssets, digest, FIXTURES, knownAsset, open, walk, WORKER } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('hdf5 stream: going on from where the worker waits', () => {
  const slow = { roundTripMs: 20, bytesPerMs: 10 * KiB };

  it('jumps when the stream would take longer to get there than a jump is worth', () => {
    const at = tailStart(2 * MiB + 5000, 200 * KiB, slow);
    assert.ok(at > 200 * KiB && at <= 2 * MiB + 5000, `the tail starts between the two (${at})`);
    assert.equal(at % TAIL_ALIGN, 0, 'on a page boundary');
    assert.ok(
      2 * MiB + 5000 - at >= 200 * KiB,
      'a round trip of bytes before where the worker waits comes along',
    );
  });

  it('keeps on when getting there costs less than a few round trips, or it is already there', () => {
    // 400 KiB at 10 KiB/ms is 40 ms: two round trips.
    assert.equal(tailStart(600 * KiB, 200 * KiB, slow), 0);
    // A fast link: 2 MiB at 300 KiB/ms is 7 ms, against four 3 ms round trips.
    assert.equal(tailStart(2 * MiB, 200 * KiB, { roundTripMs: 3, bytesPerMs: 300 * KiB }), 0);
    // Loopback here, once the rate is known: 1.2 MiB at 150 KiB/ms is 8 ms, against four 5 ms ones.
    assert.equal(tailStart(2.2 * MiB, 1 * MiB, { roundTripMs: 5, bytesPerMs: 150 * KiB }), 0);
    assert.equal(tailStart(100 * KiB, 200 * KiB, slow), 0, 'behind what has landed');
    assert.equal(tailStart(2 * MiB, 200 * KiB, { roundTripMs: 20, bytesPerMs: 0 }), 0, 'no rate known yet');
  });
});

describe('hdf5 engine on a slow link, a file whose dataset headers follow its data', function () {
  this.timeout(60_000);
  const FILE = 'neuroconv__nwb_test.nwb';
  // Its first 1.9 MB are one dataset's values; the headers of most datasets come after them.
  const DATASET = '/processing/ophys/ImageSegmentation/PlaneSegmentation/image_mask';
  let archive: StandInArchive;

  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
  });
  after(async () => archive?.close());

  it('walks without moving the data in between, and reads that data when asked', async () => {
    const local = await open({ kind: 'local', path: join(FIXTURES, FILE) });
    const expected = JSON.stringify([
      await walk(local),
      digest((await local.read(DATASET)).data as NumericArray),
    ]);
    await local.close();
    const asset = (await corpusAssets(archive)).get(FILE);
    assert.ok(asset);
    // The same host was fast a moment ago (its link meter learned that): the stream judges the
    // link by its own rate, not by what earlier bodies took.
    const fast = await open(knownAsset(archive, asset, `fast:${asset.id}`));
    assert.equal(JSON.stringify(await walk(fast)), JSON.stringify(JSON.parse(expected)[0]));
    await fast.close();
    // A worker waiting (as after any open): one still starting h5wasm would ask after the whole file landed.
    await prepareHdf5Worker({ workerPath: WORKER });
    await spareWorkerStarted(WORKER, defaultPluginDir(WORKER));
    archive.faults.set({ latencyMs: 20, bandwidthBytesPerSec: 4_000_000 });
    archive.clearLog();
    const file = await open(knownAsset(archive, asset, `slow:${asset.id}`));
    try {
      const walked = await walk(file);
      // The log lists requests as they end: the head, cut short, and the tail may come in any order.
      const blob = archive.log.filter(e => e.origin === 'blob');
      const ranges = JSON.stringify(blob.map(e => [e.headers.range, e.bytes]));
      const last = `-${asset.size - 1}`;
      const head = blob.find(e => e.headers.range === `bytes=0${last}`);
      assert.ok(head, `the stream asked for the whole (small) file: ${ranges}`);
      assert.ok(head.bytes < asset.size / 2, `and was stopped early: ${ranges}`);
      const tails = blob.filter(e => e !== head && String(e.headers.range).endsWith(last));
      assert.equal(tails.length, 1, `one request went on to the end: ${ranges}`);
      const tailFrom = Number(/^bytes=(\d+)-/.exec(String(tails[0].headers.range))?.[1]);
      assert.ok(tailFrom >= 1 * MiB, `from far ahead: ${ranges}`);
      const moved = blob.reduce((n, e) => n + e.bytes, 0);
      assert.ok(moved < asset.size * 0.6, `the walk moved ${moved} of ${asset.size} bytes: ${ranges}`);
      const read = digest((await file.read(DATASET)).data as NumericArray);
      assert.equal(JSON.stringify([walked, read]), expected, 'the same answers as the local file');
    } finally {
      await file.close();
    }
  });
});
