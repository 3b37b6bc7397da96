/**
 * The persistent store of overview pyramids: a round trip keeps every level exactly (float32 on
 * disk when the values allow it, float64 when not), a damaged or foreign file is not trusted,
 * private files go at sign-out, and the folder stays under its byte bound.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OverviewPyramid } from '../../../src/nwb/overviewPyramid';
import { forgetPrivateOverviews, OverviewStore } from '../../../src/nwb/overviewStore';
import { BlockTimes } from '../../../src/nwb/overviewTimes';
import { EntryFolder, type EntryHeader } from '../../../src/util/entryFolder';

function pyramidOf(
  values: (i: number, c: number) => number,
  samples: number,
  channels: number,
): OverviewPyramid {
  const pyramid = new OverviewPyramid(samples, channels, 4);
  const data = new Float64Array(samples * channels);
  for (let i = 0; i < samples; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = values(i, c);
  const all = Array.from({ length: channels }, (_, c) => c);
  pyramid.add(data, 0, samples, channels, all, all, true);
  pyramid.finish();
  return pyramid;
}

describe('overview store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overview-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads back what it saved, level by level, for integer and float64 values', async () => {
    const store = new OverviewStore(dir, 64 * 1024 * 1024);
    const ints = pyramidOf((i, c) => ((i * 7919 + c * 31) % 2001) - 1000, 200_000, 3);
    const floats = pyramidOf((i, c) => Math.sin(i / 100 + c) * Math.PI, 70_001, 2);
    floats.add([NaN], 5, 1, 1, [0], [1], true);
    await store.save('blob:a', '/acquisition/x/data', ints);
    await store.save('blob:a', '/acquisition/y/data', floats);
    const a = await store.load('blob:a', '/acquisition/x/data');
    const b = await store.load('blob:a', '/acquisition/y/data');
    assert.ok(a && b);
    assert.deepEqual(a.levels, ints.levels);
    assert.deepEqual(b.levels, floats.levels);
    assert.equal(a.complete, true);
    assert.equal(await store.load('blob:b', '/acquisition/x/data'), null, 'another blob has none');
    const sizes = await Promise.all((await readdir(dir)).map(async n => (await stat(join(dir, n))).size));
    // Integers fit float32: 4 + 4 + 4 bytes an entry; the sines need float64.
    const intEntries = ints.levels.reduce((n, l) => n + l.blocks * 3, 0);
    assert.ok(
      sizes.some(s => s > intEntries * 12 && s < intEntries * 12 + 4096),
      `sizes ${sizes}`,
    );
  });

  it('keeps the block times of a series with timestamps, and still loads format-1 files (no times)', async () => {
    const store = new OverviewStore(dir, 64 * 1024 * 1024);
    const timed = pyramidOf(i => i % 97, 10_001, 2);
    const times = new BlockTimes(10_001, 4);
    times.add(
      Float64Array.from({ length: 10_001 }, (_, i) => 1e9 + i / 3 + (i > 5000 ? 100 : 0)),
      0,
    );
    times.finish();
    timed.times = times;
    await store.save('blob:t', '/t', timed);
    const back = await store.load('blob:t', '/t');
    assert.ok(back?.times);
    assert.deepEqual(back.levels, timed.levels);
    assert.deepEqual(
      [back.times.first, back.times.last, back.times.maxStep],
      [times.first, times.last, times.maxStep],
      'times to the bit (float64)',
    );
    assert.equal(back.times.complete, true);

    // A file of the first format, as that version wrote it: levels only.
    const old = pyramidOf(i => i % 13, 5000, 1);
    const parts = old.levels.flatMap(l => [
      new Uint8Array(Float32Array.from(l.min).buffer),
      new Uint8Array(Float32Array.from(l.max).buffer),
      new Uint8Array(l.nan.buffer),
    ]);
    const folder = new EntryFolder(dir, '.h5pyramid', Infinity);
    await folder.write<EntryHeader & Record<string, unknown>>(
      folder.fileFor('blob:old\n/o'),
      {
        version: 1,
        identity: 'blob:old',
        dataPath: '/o',
        sampleCount: 5000,
        channelCount: 1,
        valueType: 'f32',
        private: false,
        levels: old.levels.map(l => ({ shift: l.shift, blocks: l.blocks })),
      },
      parts,
    );
    const loaded = await store.load('blob:old', '/o');
    assert.ok(loaded, 'a format-1 file loads');
    assert.deepEqual(loaded.levels, old.levels);
    assert.equal(loaded.times, null);
  });

  it('deletes a damaged file instead of trusting it', async () => {
    const store = new OverviewStore(dir, 64 * 1024 * 1024);
    await store.save(
      'blob:a',
      '/d',
      pyramidOf(i => i, 10_000, 1),
    );
    const [name] = await readdir(dir);
    const bytes = await readFile(join(dir, name));
    bytes[bytes.length - 3] ^= 0xff;
    await writeFile(join(dir, name), bytes);
    assert.equal(await new OverviewStore(dir, 64 * 1024 * 1024).load('blob:a', '/d'), null);
    assert.deepEqual(await readdir(dir), [], 'the damaged file is gone');
  });

  it('marks files private and deletes only those (and unreadable ones) at sign-out', async () => {
    await new OverviewStore(dir, 1 << 26).save(
      'blob:public',
      '/d',
      pyramidOf(i => i, 1000, 1),
    );
    await new OverviewStore(dir, 1 << 26, { private: true }).save(
      'blob:private',
      '/d',
      pyramidOf(i => i, 1000, 1),
    );
    await writeFile(join(dir, 'garbage.h5pyramid'), 'not a pyramid');
    assert.equal(await forgetPrivateOverviews(dir), 2);
    const store = new OverviewStore(dir, 1 << 26);
    assert.ok(await store.load('blob:public', '/d'));
    assert.equal(await store.load('blob:private', '/d'), null);
  });

  it('stays under its byte bound, evicting the least recently used', async () => {
    const one = pyramidOf(i => i % 1000, 100_000, 1);
    const probe = new OverviewStore(dir, 1 << 30);
    await probe.save('blob:size', '/d', one);
    const size = (await stat(join(dir, (await readdir(dir))[0]))).size;
    await rm(join(dir, (await readdir(dir))[0]));
    const store = new OverviewStore(dir, Math.floor(size * 2.5));
    await store.save('blob:1', '/d', one);
    await new Promise(r => setTimeout(r, 20));
    await store.save('blob:2', '/d', one);
    await new Promise(r => setTimeout(r, 20));
    assert.ok(await store.load('blob:1', '/d'), 'used again: now the most recent');
    await new Promise(r => setTimeout(r, 20));
    await store.save('blob:3', '/d', one);
    assert.equal((await readdir(dir)).length, 2);
    assert.equal(await store.load('blob:2', '/d'), null, 'the least recently used went');
    assert.ok(await store.load('blob:1', '/d'));
    assert.ok(await store.load('blob:3', '/d'));
    await new OverviewStore(dir, size - 100).save('blob:4', '/d', one);
    assert.equal(await store.load('blob:4', '/d'), null, 'a pyramid larger than the bound is not kept');
  });
});
