/**
 * The min/max pyramid on its own: built from chunks in any order it equals a brute-force min/max
 * of every column it reports, for float data with NaNs and for integers, at every level; probes
 * widen blocks without counting as covered.
 */
import * as assert from 'node:assert/strict';
import { OverviewPyramid, pyramidShift, type PyramidWindow } from '../../../src/nwb/overviewPyramid';

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Adds `data` (samples × channels, row-major) chunk by chunk in a shuffled order. */
function buildShuffled(
  data: ArrayLike<number>,
  samples: number,
  channels: number,
  shift: number,
  chunkRows: number,
  seed: number,
): OverviewPyramid {
  const pyramid = new OverviewPyramid(samples, channels, shift);
  const starts = Array.from({ length: Math.ceil(samples / chunkRows) }, (_, i) => i * chunkRows);
  const all = Array.from({ length: channels }, (_, c) => c);
  for (const start of shuffled(starts, seed)) {
    const rows = Math.min(chunkRows, samples - start);
    const chunk = Array.prototype.slice.call(data, start * channels, (start + rows) * channels) as number[];
    pyramid.add(chunk, start, rows, channels, all, all, true);
  }
  return pyramid;
}

/** Checks every column of `w` against the samples it spans, read one by one. */
function assertExact(
  w: PyramidWindow,
  data: ArrayLike<number>,
  samples: number,
  channels: number,
  asked: number[],
  end: number,
): void {
  let nans = 0;
  for (let col = 0; col < w.columns; col++) {
    const from = w.columnStart[col];
    const to = col + 1 < w.columns ? w.columnStart[col + 1] : w.sampleEnd;
    for (let k = 0; k < asked.length; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = from; i < to; i++) {
        const v = data[i * channels + asked[k]];
        if (Number.isNaN(v)) nans++;
        else {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      assert.equal(w.min[k * w.columns + col], lo, `min of column ${col}, channel ${asked[k]}`);
      assert.equal(w.max[k * w.columns + col], hi, `max of column ${col}, channel ${asked[k]}`);
    }
  }
  assert.equal(w.nanCount, nans, 'NaNs counted');
  assert.ok(w.sampleEnd >= Math.min(end, samples), 'the columns reach the end of the window');
}

describe('overview pyramid', () => {
  it('built from chunks in any order equals brute-force min/max per column (float with NaN)', () => {
    const samples = 100_003;
    const channels = 3;
    const rnd = random(7);
    const data = new Float32Array(samples * channels);
    for (let i = 0; i < data.length; i++) data[i] = (rnd() - 0.5) * 1e3;
    // Scattered NaNs, and a whole run of NaN (a block with no value at all).
    for (let i = 0; i < 500; i++) data[Math.floor(rnd() * data.length)] = NaN;
    for (let i = 5000; i < 5200; i++) data[i * channels + 1] = NaN;
    const a = buildShuffled(data, samples, channels, 4, 1000, 1);
    const b = buildShuffled(data, samples, channels, 4, 777, 2);
    assert.ok(a.complete && b.complete);
    a.finish();
    b.finish();
    assert.ok(a.levels.length >= 2, 'coarser levels derived');
    assert.deepEqual(a.levels, b.levels, 'the order of the chunks does not matter');
    for (const [start, end, pixels] of [
      [0, samples, 1000],
      [0, samples, 100],
      [12_345, 80_000, 700],
      [4_990, 5_300, 10],
    ]) {
      const asked = [2, 0, 1];
      const w = a.window(start, end, pixels, asked);
      assert.ok(w, `window ${start}..${end} at ${pixels} px`);
      assert.ok(w.columns <= pixels);
      assertExact(w, data, samples, channels, asked, end);
    }
    const gap = a.window(5_024, 5_184, 10, [1]);
    assert.ok(gap && gap.min.every(v => v === Infinity), 'an all-NaN stretch has no value');
    assert.equal(gap?.nanCount, 160, 'and says how many NaNs it holds');
  });

  it('is exact for integer data at every level, coarse levels included', () => {
    const samples = 1 << 18;
    const channels = 2;
    const data = new Int16Array(samples * channels);
    const rnd = random(3);
    for (let i = 0; i < data.length; i++) data[i] = Math.round((rnd() - 0.5) * 60_000);
    const pyramid = buildShuffled(data, samples, channels, 2, 4096, 5);
    pyramid.finish();
    assert.deepEqual(
      pyramid.levels.map(l => l.shift),
      [2, 6],
      'levels 16× apart until a channel fits a screen',
    );
    for (const pixels of [4000, 1000, 64]) {
      const w = pyramid.window(0, samples, pixels, [1, 0]);
      assert.ok(w);
      assertExact(w, data, samples, channels, [1, 0], samples);
    }
  });

  it('picks the coarsest level with four blocks a column, and none for columns under one block', () => {
    const pyramid = new OverviewPyramid(1 << 20, 1, 4);
    pyramid.add(new Float64Array(1 << 20), 0, 1 << 20, 1, [0], [0], true);
    pyramid.finish();
    assert.equal(pyramid.levelFor(16)?.shift, 4, 'one block a column at the finest level');
    assert.equal(pyramid.levelFor(63)?.shift, 4);
    assert.equal(pyramid.levelFor(256 * 4)?.shift, 8);
    assert.equal(pyramid.levelFor(15), null, 'too fine for the pyramid');
    assert.equal(pyramid.window(0, 15_000, 1000, [0]), null);
  });

  it('counts covering reads toward completeness; probes widen min/max only', () => {
    const pyramid = new OverviewPyramid(1000, 2, 3);
    assert.equal(pyramid.progress, 0);
    pyramid.add([5, 6, -7, 8], 100, 2, 2, [0, 1], [0, 1], false);
    assert.equal(pyramid.progress, 0, 'probes do not count');
    const probed = pyramid.window(0, 1000, 125, [0, 1]);
    assert.ok(probed);
    // Samples 100 and 101 are in block 12 (8 samples a block).
    // Channel 0 got 5 and -7, channel 1 got 6 and 8.
    assert.deepEqual([probed.min[12], probed.max[12]], [-7, 5]);
    assert.deepEqual([probed.min[125 + 12], probed.max[125 + 12]], [6, 8]);
    pyramid.add(new Float64Array(500 * 2).fill(1), 0, 500, 2, [0, 1], [0, 1], true);
    assert.equal(pyramid.progress, 0.5);
    assert.equal(pyramid.complete, false);
    pyramid.add(new Float64Array(500).fill(2), 500, 500, 1, [0], [1], true);
    pyramid.add(new Float64Array(500).fill(3), 500, 500, 1, [0], [0], true);
    assert.equal(pyramid.complete, true);
  });

  it('sizes its blocks to the entry bound, and refuses datasets whose channels alone exceed it', () => {
    assert.equal(pyramidShift(10_000_000, 64), 10);
    assert.equal(pyramidShift(1000, 1), 0);
    assert.equal(pyramidShift(1000, 1 << 20), null);
    assert.equal(pyramidShift(0, 4), null);
  });
});
