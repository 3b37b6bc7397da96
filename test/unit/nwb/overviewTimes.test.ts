/**
 * The time-to-block mapping of series with timestamps (overviewTimes.ts), checked against a
 * straightforward computation over every sample: irregular steps, pauses between and inside
 * blocks, duplicate timestamps across block edges, a partial last block, reads in any order, and
 * NaN or decreasing timestamps refused. With the pyramid, every column's min/max is that of the
 * samples stamped inside it.
 */
import * as assert from 'node:assert/strict';
import { OverviewPyramid } from '../../../src/nwb/overviewPyramid';
import { BlockTimes, GAP_STEPS, TimestampsError, type TimeColumns } from '../../../src/nwb/overviewTimes';
import { pyramidTimeWindow } from '../../../src/nwb/overviewWindow';
import type { SeriesInfo, SeriesWindow } from '../../../src/shared/protocol';

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Adds `ts` in reads of uneven lengths (not block-aligned), in a shuffled order. */
function timesOf(ts: Float64Array, shift: number, seed = 1): BlockTimes {
  const times = new BlockTimes(ts.length, shift);
  const rnd = random(seed);
  const reads: [number, number][] = [];
  for (let at = 0; at < ts.length;) {
    const len = Math.min(ts.length - at, 1 + Math.floor(rnd() * 700));
    reads.push([at, len]);
    at += len;
  }
  for (let i = reads.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [reads[i], reads[j]] = [reads[j], reads[i]];
  }
  for (const [at, len] of reads) times.add(ts.subarray(at, at + len), at);
  assert.equal(times.complete, true);
  times.finish();
  return times;
}

/** Irregular steps around `step`, with pauses after the given samples and duplicated runs. */
function timestamps(
  n: number,
  seed: number,
  pauses: Map<number, number>,
  duplicates: number[] = [],
): Float64Array {
  const rnd = random(seed);
  const ts = new Float64Array(n);
  let t = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0) t += 0.001 * (0.5 + rnd()) + (pauses.get(i) ?? 0);
    ts[i] = t;
  }
  // Runs of equal timestamps (a clock that stalls): sample i repeats i - 1.
  for (const d of duplicates) ts[d] = ts[d - 1];
  return ts;
}

/** Checks every column against all the samples: exact in time, and breaks exactly at the pauses. */
function assertColumns(cols: TimeColumns, ts: Float64Array, times: BlockTimes, t0: number): void {
  const size = times.blockSize;
  const n = ts.length;
  const sampleStart = (b: number) => Math.min(n, b * size);
  let drawn = 0;
  for (let c = 0; c < cols.columns; c++) {
    if (c > 0) assert.equal(cols.blockStart[c], cols.blockEnd[c - 1], `column ${c} follows column ${c - 1}`);
    if (cols.isBreak[c]) {
      assert.equal(cols.blockStart[c], cols.blockEnd[c], 'a break holds no block');
      assert.equal(
        cols.time[c],
        ts[sampleStart(cols.blockStart[c]) - 1],
        'a break is at the last sample before it',
      );
      continue;
    }
    drawn++;
    const from = sampleStart(cols.blockStart[c]);
    const to = sampleStart(cols.blockEnd[c]);
    assert.ok(to > from, `column ${c} holds samples`);
    assert.equal(cols.time[c], ts[from], `column ${c} starts at its first sample's time`);
    // Exact in time: the samples stamped from its start to its last sample are exactly its own.
    let count = 0;
    for (let i = 0; i < n; i++) if (ts[i] >= cols.time[c] && ts[i] <= ts[to - 1]) count++;
    assert.equal(count, to - from, `column ${c}: samples ${from}..${to} are those stamped in it`);
  }
  // The window's blocks: from the first whose last sample is at or after t0 to the last starting by t1.
  const firstBlock = Math.floor(ts.findIndex(v => v >= t0) / size);
  assert.equal(cols.blockStart[0], firstBlock, 'from the first block reaching t0');
  assert.ok(drawn > 0, 'columns drawn');
  // Pauses: a step longer than GAP_STEPS intervals is never inside a line between two drawn columns.
  const threshold = GAP_STEPS * times.interval;
  const columnOf = (i: number) => {
    const b = Math.floor(i / size);
    for (let c = 0; c < cols.columns; c++)
      if (!cols.isBreak[c] && b >= cols.blockStart[c] && b < cols.blockEnd[c]) return c;
    return -1;
  };
  const from = sampleStart(cols.blockStart[0]);
  const to = sampleStart(cols.blockEnd[cols.columns - 1]);
  const holdsPause = (c: number) => {
    for (let i = sampleStart(cols.blockStart[c]) + 1; i < sampleStart(cols.blockEnd[c]); i++)
      if (ts[i] - ts[i - 1] > threshold) return true;
    return false;
  };
  for (let i = from + 1; i < to; i++) {
    const pause = ts[i] - ts[i - 1] > threshold;
    const a = columnOf(i - 1);
    const b = columnOf(i);
    if (a === b) {
      if (!pause) continue;
      // A block holding a pause is drawn alone: breaks (or the window's edges) on both sides.
      assert.ok(a === 0 || cols.isBreak[a - 1], `a break before the column holding the pause at ${i}`);
      assert.ok(
        a === cols.columns - 1 || cols.isBreak[a + 1],
        `a break after the column holding the pause at ${i}`,
      );
    } else {
      const broken = cols.isBreak.subarray(a + 1, b).some(v => v === 1);
      // A column holding a pause is set apart by breaks too.
      const apart = holdsPause(a) || holdsPause(b);
      assert.equal(
        broken,
        pause || apart,
        `a break between columns ${a} and ${b} exactly when samples ${i - 1}, ${i} pause or one holds a pause`,
      );
    }
  }
}

describe('overview block times (time to blocks)', () => {
  it('maps irregular timestamps with pauses, duplicates and a partial last block exactly in time', () => {
    const n = 50_003;
    // Pauses: inside a block (1234), at a block edge (2048 = 128 × 16), and long ones.
    const pauses = new Map([
      [1234, 0.05],
      [2048, 0.2],
      [30_001, 40],
      [40_000, 0.009],
    ]);
    const duplicates = [16, 17, 4096, 9999, 10_000, 10_001, 20_480];
    const ts = timestamps(n, 7, pauses, duplicates);
    const times = timesOf(ts, 4);
    assert.equal(times.blocks, Math.ceil(n / 16));
    assert.equal(times.last[times.blocks - 1], ts[n - 1], 'the partial last block ends at the last sample');
    assert.ok(Math.abs(times.interval - 0.001) < 0.0002, `typical step ${times.interval}`);
    for (const [t0, t1, pixels] of [
      [ts[0], ts[n - 1], 800],
      [ts[0], ts[n - 1], 3000],
      [ts[1000], ts[6000], 200],
      [ts[29_000], ts[31_000] + 1, 100],
      [ts[0] - 5, ts[n - 1] + 5, 1000],
    ]) {
      const cols = times.columnsFor(t0, t1, pixels);
      assert.ok(cols, `the window ${t0}..${t1} in ${pixels} columns resolves`);
      assertColumns(cols, ts, times, t0);
      // One column a pixel; past a break, the next column may share the pixel of the one before.
      const breaks = cols.isBreak.filter(v => v === 1).length;
      assert.ok(cols.columns - breaks <= pixels + 2 * breaks, `${cols.columns} columns for ${pixels} pixels`);
    }
    // The 40 s pause leaves a break in a whole-recording view; so do the short ones at 3000 columns.
    const whole = times.columnsFor(ts[0], ts[n - 1], 800);
    // The pause falls inside block 1875 (samples 30000..30015): breaks on both sides of that block.
    assert.ok(whole);
    const breakTimes = whole.time.filter((_, c) => whole.isBreak[c] === 1);
    assert.ok(breakTimes.includes(ts[29_999]) && breakTimes.includes(ts[30_015]), `breaks at ${breakTimes}`);
    assert.equal(times.columnsFor(ts[100], ts[200], 100), null, 'under a block a column: not resolved');
  });

  it('treats a clock that mostly repeats itself without a break at every step', () => {
    const n = 4096;
    const ts = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 64));
    const times = timesOf(ts, 3, 3);
    const cols = times.columnsFor(0, ts[n - 1], 32);
    assert.ok(cols);
    assertColumns(cols, ts, times, 0);
  });

  it('refuses NaN and decreasing timestamps, within a read and where two reads meet', () => {
    const nan = new BlockTimes(100, 2);
    assert.throws(
      () =>
        nan.add(
          Float64Array.from({ length: 50 }, (_, i) => (i === 30 ? NaN : i)),
          0,
        ),
      (e: unknown) => e instanceof TimestampsError && /NaN at sample 30/.test(e.message),
    );
    const inside = new BlockTimes(100, 2);
    assert.throws(
      () =>
        inside.add(
          Float64Array.from({ length: 50 }, (_, i) => (i < 20 ? i : i - 5)),
          50,
        ),
      (e: unknown) => e instanceof TimestampsError && /decrease at sample 70/.test(e.message),
    );
    const across = new BlockTimes(100, 2);
    across.add(
      Float64Array.from({ length: 50 }, (_, i) => 50 + i),
      50,
    );
    // Refused as soon as the read before arrives, not once every read is in.
    assert.throws(
      () =>
        across.add(
          Float64Array.from({ length: 50 }, (_, i) => i * 2),
          0,
        ),
      (e: unknown) => e instanceof TimestampsError && /decrease at sample 50 \(98 → 50\)/.test(e.message),
    );
  });

  it('answers each column with the exact min/max of the samples stamped in it (from the pyramid)', () => {
    const n = 30_001;
    const channels = 2;
    const ts = timestamps(n, 11, new Map([[17_777, 30]]), [512, 513]);
    const data = new Float64Array(n * channels);
    const rnd = random(5);
    for (let k = 0; k < data.length; k++) data[k] = Math.round((rnd() - 0.5) * 2000);
    data[4000 * channels + 1] = NaN;
    const pyramid = new OverviewPyramid(n, channels, 3);
    pyramid.times = timesOf(ts, 3, 9);
    const all = [0, 1];
    pyramid.add(data, 0, n, channels, all, all, true);
    pyramid.finish();
    const info = seriesInfo(n, channels, ts);
    const w = pyramidTimeWindow(info, pyramid, { t0: ts[0], t1: ts[n - 1], pixels: 500, channels: all }, 1);
    assert.ok(w && w.mode === 'minmax');
    assertWindow(w, ts, data, channels, info);
    assert.equal(w.overview?.state, 'exact');
    assert.equal(w.stats.nanCount, 1);
  });
});

function seriesInfo(n: number, channels: number, ts: Float64Array): SeriesInfo {
  return {
    path: '/acquisition/s',
    unit: 'V',
    conversion: 0.5,
    offset: 1,
    dataPath: '/acquisition/s/data',
    dtype: { class: 'float', size: 8, display: 'float64' },
    shape: [n, channels],
    sampleCount: n,
    channelCount: channels,
    timing: { kind: 'timestamps', path: '/acquisition/s/timestamps', first: ts[0], last: ts[n - 1] },
    tStart: ts[0],
    tEnd: ts[n - 1],
    chunks: null,
  };
}

/** Every drawn column against a brute-force min/max over the samples stamped in its time span. */
function assertWindow(
  w: Extract<SeriesWindow, { mode: 'minmax' }>,
  ts: Float64Array,
  data: Float64Array,
  channels: number,
  info: SeriesInfo,
): void {
  const time = new Float64Array(w.time);
  const min = new Float32Array(w.min);
  const max = new Float32Array(w.max);
  let breaks = 0;
  for (let c = 0; c < w.columns; c++) {
    if (Number.isNaN(min[c])) {
      breaks++;
      continue;
    }
    // Up to the next column's start, or (before a break) up to the break's time inclusive.
    const end = c + 1 < w.columns ? time[c + 1] : Infinity;
    const inclusive = c + 1 < w.columns && Number.isNaN(min[c + 1]);
    for (let k = 0; k < channels; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < ts.length; i++) {
        if (ts[i] < time[c] || ts[i] > end || (!inclusive && ts[i] === end)) continue;
        const v = data[i * channels + k];
        if (Number.isNaN(v)) continue;
        lo = Math.min(lo, v * info.conversion + info.offset);
        hi = Math.max(hi, v * info.conversion + info.offset);
      }
      assert.equal(min[k * w.columns + c], Math.fround(lo), `min of column ${c}, channel ${k}`);
      assert.equal(max[k * w.columns + c], Math.fround(hi), `max of column ${c}, channel ${k}`);
    }
  }
  assert.ok(breaks >= 1, 'the 30 s pause is a break');
}
