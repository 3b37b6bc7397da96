/**
 * Exact overviews of series with timestamps through the real engine, on the generated
 * gapped.nwb: a whole-recording window too long to read is answered sparse, `series/refine`
 * sharpens it to the exact min/max of the samples stamped in each column (checked against the
 * file's formulas over every sample), the 60 s pause is a break, a second open answers from the
 * stored pyramid with no read (its time bounds too), and a clock that steps back is refused.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import type { Hdf5File } from '../../../src/hdf5/types';
import { NwbFile } from '../../../src/nwb/nwbFile';
import { OverviewStore } from '../../../src/nwb/overviewStore';
import { seriesRefine } from '../../../src/nwb/seriesRefine';
import { seriesInfo, seriesWindow } from '../../../src/nwb/timeseries';
import type { SeriesWindow, SeriesWindowParams } from '../../../src/shared/protocol';
import { ensureGeneratedNwb, GAP_SAMPLE, GAPPED_SERIES, gappedTime } from '../../fixtures/nwbgen/index';
import { WORKER } from './helpers';

type MinMax = Extract<SeriesWindow, { mode: 'minmax' }>;
const GAPPED = GAPPED_SERIES[0];

async function open(
  path: string,
  dir: string,
  maxElements = 1_000_000,
): Promise<{ nwb: NwbFile; h5: Hdf5File }> {
  const h5 = await openHdf5({ kind: 'local', path }, { workerPath: WORKER, deadlineMs: 60_000 });
  const nwb = new NwbFile(h5, { maxElements }, { overviewStore: new OverviewStore(dir, 1 << 28) });
  return { nwb, h5 };
}

function minmax(w: SeriesWindow): MinMax {
  assert.equal(w.mode, 'minmax');
  return w as MinMax;
}

/** First sample stamped at or after t. */
function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every column against the formula's samples stamped in it; returns the breaks' times. */
function assertExactInTime(w: MinMax, ts: Float64Array, channel: number): number[] {
  const time = new Float64Array(w.time);
  const min = new Float32Array(w.min);
  const max = new Float32Array(w.max);
  const breaks: number[] = [];
  for (let c = 0; c < w.columns; c++) {
    if (Number.isNaN(min[c])) {
      breaks.push(time[c]);
      continue;
    }
    const from = lowerBound(ts, time[c]);
    const beforeBreak = c + 1 < w.columns && Number.isNaN(min[c + 1]);
    // To the next column's start, through a break's time (the last sample before a pause), or to the window's end.
    const to =
      c + 1 >= w.columns
        ? w.sampleStart + w.sampleCount
        : beforeBreak
          ? lowerBound(ts, time[c + 1]) + 1
          : lowerBound(ts, time[c + 1]);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = GAPPED.data.valueAt([i, channel]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    assert.equal(min[c], Math.fround(lo), `min of column ${c} (samples ${from}..${to})`);
    assert.equal(max[c], Math.fround(hi), `max of column ${c}`);
  }
  return breaks;
}

describe('overviews of series with timestamps (generated gapped.nwb)', function () {
  this.timeout(300_000);
  let dir: string;
  let file: string;
  let ts: Float64Array;
  before(async () => {
    file = (await ensureGeneratedNwb()).gapped;
    ts = Float64Array.from({ length: GAPPED.shape[0] }, (_, i) => gappedTime(i));
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overview-times-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refines from sparse to exact in time, with the pause as a break; a second open reads nothing', async () => {
    const params: SeriesWindowParams = {
      path: GAPPED.path,
      t0: ts[0],
      t1: ts[ts.length - 1],
      channels: [1],
      pixels: 1200,
    };
    const first = await open(file, dir);
    let exact: MinMax;
    try {
      const info = await seriesInfo(first.nwb, GAPPED.path);
      assert.equal(info.timing.kind, 'timestamps');
      const sparse = minmax(await seriesWindow(first.nwb, info, params));
      assert.deepEqual(
        { state: sparse.overview?.state, refinable: sparse.overview?.refinable },
        { state: 'sparse', refinable: true },
      );
      let reply = sparse;
      const progress: number[] = [];
      while (reply.overview?.refinable) {
        reply = minmax(await seriesRefine(first.nwb, info, { ...params, since: reply.overview.version }));
        progress.push(reply.overview?.progress ?? NaN);
      }
      assert.ok(
        progress.every((p, i) => i === 0 || p >= progress[i - 1]),
        `progress only grows: ${progress}`,
      );
      exact = reply;
      assert.equal(exact.overview?.state, 'exact');
      assert.equal(exact.exact, true);
    } finally {
      await first.h5.close();
    }
    const breaks = assertExactInTime(exact, ts, 1);
    // The pause: a break at the last sample before it (or its block's), and no column spans it.
    const size = 2 ** 3;
    assert.ok(
      breaks.some(t => t >= ts[GAP_SAMPLE - 1 - size] && t <= ts[GAP_SAMPLE - 1 + size]),
      `a break at the pause (${ts[GAP_SAMPLE - 1]} → ${ts[GAP_SAMPLE]}): ${breaks}`,
    );
    assert.ok(breaks.length <= 2, `breaks only at the pause: ${breaks}`);
    assert.ok(exact.columns >= 1000 && exact.columns <= 1204, `${exact.columns} columns`);

    const again = await open(file, dir);
    try {
      const before = again.h5.stats();
      const info = await seriesInfo(again.nwb, GAPPED.path);
      assert.deepEqual(
        [info.tStart, info.tEnd],
        [ts[0], ts[ts.length - 1]],
        'time bounds from the stored times',
      );
      const dataRequests = () => again.h5.stats().bytesFetched;
      const fetched = dataRequests();
      const w = minmax(await seriesWindow(again.nwb, info, params));
      assert.equal(dataRequests() - fetched, 0, 'no read for the exact overview');
      assert.ok(again.h5.stats().requests >= before.requests);
      assert.equal(w.overview?.state, 'exact');
      assert.deepEqual(new Float32Array(w.min), new Float32Array(exact.min));
      assert.deepEqual(new Float64Array(w.time), new Float64Array(exact.time));
      // A zoom across the pause is answered from it too, exact in time.
      const zoom = { ...params, t0: ts[GAP_SAMPLE - 200_000], t1: ts[GAP_SAMPLE + 200_000], pixels: 600 };
      const zoomed = minmax(await seriesWindow(again.nwb, info, zoom));
      assert.equal(zoomed.overview?.state, 'exact');
      assert.equal(dataRequests() - fetched, 0, 'nor for the zoom');
      assert.ok(assertExactInTime(zoomed, ts, 1).length >= 1, 'the pause is a break in the zoom too');
    } finally {
      await again.h5.close();
    }
  });

  it("reads an exact window's timestamps in blocks within the read limit, like its data", async () => {
    const backwards = GAPPED_SERIES[1];
    const { nwb, h5 } = await open(file, dir, 10_000);
    try {
      const info = await seriesInfo(nwb, backwards.path);
      // 30,000 samples in 15 chunks: as many as the fewest probes, so read in full (3 blocks).
      const params = { path: backwards.path, t0: 10, t1: 39.999, channels: [0], pixels: 500 };
      const w = minmax(await seriesWindow(nwb, info, params));
      assert.equal(w.exact, true);
      const time = new Float64Array(w.time);
      for (let c = 0; c < w.columns; c++) {
        const i = w.sampleStart + Math.ceil((c * w.sampleCount) / w.columns);
        assert.equal(time[c], backwards.timing.kind === 'timestamps' ? backwards.timing.timestampAt(i) : NaN);
      }
    } finally {
      await h5.close();
    }
  });

  it('refuses timestamps that step back, and the overview stays sparse', async () => {
    const backwards = GAPPED_SERIES[1];
    const { nwb, h5 } = await open(file, dir, 10_000);
    try {
      const info = await seriesInfo(nwb, backwards.path);
      const params = { path: backwards.path, t0: info.tStart, t1: 100, channels: [0], pixels: 500 };
      const sparse = minmax(await seriesWindow(nwb, info, params));
      assert.equal(sparse.overview?.state, 'sparse');
      assert.equal(sparse.overview?.refinable, true);
      await assert.rejects(
        seriesRefine(nwb, info, { ...params, since: 0 }),
        /backwards\/timestamps|decrease at sample 70000.*stays sparse/,
      );
      const after = minmax(await seriesWindow(nwb, info, params));
      assert.deepEqual(
        { state: after.overview?.state, refinable: after.overview?.refinable },
        { state: 'sparse', refinable: false },
      );
    } finally {
      await h5.close();
    }
  });
});
