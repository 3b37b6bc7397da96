/**
 * Background refinement of series overviews through the real engine: a window too long to read
 * is answered sparse, `series/refine` sharpens it chunk by chunk to the exact min/max of every
 * column (checked against every sample read at once), the finished pyramid is saved, and a second
 * open answers the whole recording exactly with no read (or, when it could not be saved, the
 * answer says so). Following stops when nobody follows.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHdf5 } from '../../../src/hdf5/engine';
import type { Hdf5File } from '../../../src/hdf5/types';
import { NwbFile } from '../../../src/nwb/nwbFile';
import { OverviewStore } from '../../../src/nwb/overviewStore';
import { seriesRefine } from '../../../src/nwb/seriesRefine';
import { seriesInfo, seriesWindow } from '../../../src/nwb/timeseries';
import type { SeriesInfo, SeriesWindow, SeriesWindowParams } from '../../../src/shared/protocol';
import { ensureGeneratedNwb, GENERATED_MANIFEST } from '../../fixtures/nwbgen/index';
import { fixture, WORKER } from './helpers';

const REAL = fixture('ipfx__2018_03_20_0005.nwb');
const REAL_SERIES = '/acquisition/index_0';

type MinMax = Extract<SeriesWindow, { mode: 'minmax' }>;

async function open(path: string, maxElements: number, dir: string): Promise<{ nwb: NwbFile; h5: Hdf5File }> {
  const h5 = await openHdf5({ kind: 'local', path }, { workerPath: WORKER, deadlineMs: 30_000 });
  const nwb = new NwbFile(h5, { maxElements }, { overviewStore: new OverviewStore(dir, 1 << 28) });
  return { nwb, h5 };
}

function minmax(w: SeriesWindow): MinMax {
  assert.equal(w.mode, 'minmax');
  return w as MinMax;
}

/** The whole-series window, the sparse first answer, and every refine answer until exact. */
async function refineAll(nwb: NwbFile, info: SeriesInfo, pixels: number) {
  const params: SeriesWindowParams = {
    path: info.path,
    t0: info.tStart,
    t1: info.tEnd,
    channels: [0],
    pixels,
  };
  const first = minmax(await seriesWindow(nwb, info, params));
  const updates: MinMax[] = [];
  let reply = first;
  while (reply.overview?.refinable) {
    reply = minmax(await seriesRefine(nwb, info, { ...params, since: reply.overview.version }));
    updates.push(reply);
  }
  return { params, first, updates, last: reply };
}

/** Every column of `w` against the samples it spans (physical values as the plot gets them). */
function assertExactColumns(w: MinMax, info: SeriesInfo, samples: (i: number) => number): void {
  assert.equal(info.timing.kind, 'rate');
  if (info.timing.kind !== 'rate') return;
  const { rate, startingTime } = info.timing;
  const time = new Float64Array(w.time);
  const min = new Float32Array(w.min);
  const max = new Float32Array(w.max);
  const sampleAt = (t: number) => Math.round((t - startingTime) * rate);
  for (let c = 0; c < w.columns; c++) {
    const from = sampleAt(time[c]);
    const to = c + 1 < w.columns ? sampleAt(time[c + 1]) : info.sampleCount;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = samples(i);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    assert.equal(min[c], Math.fround(lo), `min of column ${c} (samples ${from}..${to})`);
    assert.equal(max[c], Math.fround(hi), `max of column ${c}`);
  }
}

describe('overview refinement (real and generated files)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overview-refine-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refines a real recording from sparse to exact, then a second open answers with no read', async () => {
    const { nwb, h5 } = await open(REAL, 20_000, dir);
    let info: SeriesInfo;
    let all: Float64Array;
    try {
      info = await seriesInfo(nwb, REAL_SERIES);
      const { first, updates, last } = await refineAll(nwb, info, 800);
      assert.equal(first.exact, false);
      assert.deepEqual(
        { state: first.overview?.state, refinable: first.overview?.refinable },
        { state: 'sparse', refinable: true },
      );
      // Local reads are fast: there may be a single answer, the exact one.
      assert.ok(updates.length >= 1);
      assert.ok(
        updates.slice(0, -1).every(u => u.overview?.state === 'refining' && !u.exact),
        'answers before the last are refining',
      );
      const progress = updates.map(u => u.overview?.progress ?? NaN);
      assert.ok(
        progress.every((p, i) => i === 0 || p >= progress[i - 1]),
        `progress only grows: ${progress}`,
      );
      assert.deepEqual(last.overview, {
        state: 'exact',
        progress: 1,
        refinable: false,
        version: last.overview?.version,
      });
      assert.equal(last.exact, true);
      // Every sample at once, the brute force the pyramid must match.
      all = await new NwbFile(h5, { maxElements: info.sampleCount }).reader.readNumbers(info.dataPath);
      const physical = (i: number) => all[i] * info.conversion + info.offset;
      assertExactColumns(last, info, physical);
      assert.ok(last.columns > 400 && last.columns <= 800, `${last.columns} columns`);
    } finally {
      await h5.close();
    }

    const again = await open(REAL, 20_000, dir);
    try {
      const info2 = await seriesInfo(again.nwb, REAL_SERIES);
      const before = again.h5.stats();
      const params = { path: REAL_SERIES, t0: info2.tStart, t1: info2.tEnd, channels: [0], pixels: 800 };
      const w = minmax(await seriesWindow(again.nwb, info2, params));
      const after = again.h5.stats();
      assert.equal(after.requests - before.requests, 0, 'no read for the exact overview');
      assert.equal(after.bytesFetched - before.bytesFetched, 0);
      assert.equal(w.overview?.state, 'exact');
      assertExactColumns(w, info2, i => all[i] * info2.conversion + info2.offset);
      // A zoom the pyramid resolves is answered from it too.
      const zoomed = minmax(
        await seriesWindow(again.nwb, info2, {
          ...params,
          t1: info2.tStart + (info2.tEnd - info2.tStart) / 4,
        }),
      );
      assert.equal(zoomed.overview?.state, 'exact');
      assert.equal(again.h5.stats().requests - before.requests, 0, 'nor for the zoom');
    } finally {
      await again.h5.close();
    }
  });

  it('says when the exact overview could not be kept, and the next open reads again', async () => {
    // The cache folder's parent is a file: every save fails (ENOTDIR), as on a read-only or full disk.
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, 'not a folder');
    const store = join(blocked, 'overviews');
    const { nwb, h5 } = await open(REAL, 20_000, store);
    try {
      const info = await seriesInfo(nwb, REAL_SERIES);
      const { last } = await refineAll(nwb, info, 800);
      assert.equal(last.overview?.state, 'exact', 'this session still shows it exact');
      assert.equal(last.exact, true);
      assert.match(last.overview?.notKept ?? '', /ENOTDIR|not a directory/);
    } finally {
      await h5.close();
    }
    const again = await open(REAL, 20_000, store);
    try {
      const info = await seriesInfo(again.nwb, REAL_SERIES);
      const params = { path: REAL_SERIES, t0: info.tStart, t1: info.tEnd, channels: [0], pixels: 800 };
      const w = minmax(await seriesWindow(again.nwb, info, params));
      assert.equal(w.overview?.state, 'sparse', 'nothing was kept: the next open starts sparse');
    } finally {
      await again.h5.close();
    }
  });

  it('refines a real chunked, compressed series (several whole chunks a read) exactly', async () => {
    const { nwb, h5 } = await open(
      fixture('ipfx__UntitledExperiment-2018_12_03_234957-compressed.nwb'),
      30_000,
      dir,
    );
    try {
      const info = await seriesInfo(nwb, '/acquisition/timeseries/data_00000_AD0');
      assert.ok(info.chunks && info.chunks[0] < info.sampleCount, `chunked: ${JSON.stringify(info.chunks)}`);
      const { first, last } = await refineAll(nwb, info, 600);
      assert.equal(first.overview?.state, 'sparse');
      assert.equal(last.overview?.state, 'exact');
      const all = await new NwbFile(h5, { maxElements: info.sampleCount }).reader.readNumbers(info.dataPath);
      assertExactColumns(last, info, i => all[i] * info.conversion + info.offset);
    } finally {
      await h5.close();
    }
  });

  it('refines a generated 1-D series (conversion and offset) to its formula values', async () => {
    const generated = await ensureGeneratedNwb();
    const s = GENERATED_MANIFEST.ecephys.series.find(x => x.path === '/acquisition/temperature');
    assert.ok(s);
    const { nwb, h5 } = await open(generated.files.ecephys, 100, dir);
    try {
      const info = await seriesInfo(nwb, s.path);
      const { first, last } = await refineAll(nwb, info, 400);
      assert.equal(first.overview?.state, 'sparse');
      assert.equal(last.overview?.state, 'exact');
      assertExactColumns(last, info, i => s.data.valueAt([i]) * s.conversion + s.offset);
    } finally {
      await h5.close();
    }
  });

  it('stops reading when nobody follows, and resumes where it stopped', async () => {
    const { nwb, h5 } = await open(REAL, 2_000, dir);
    try {
      nwb.overviews.idleMs = 0;
      const info = await seriesInfo(nwb, REAL_SERIES);
      const params = { path: REAL_SERIES, t0: info.tStart, t1: info.tEnd, channels: [0], pixels: 800 };
      const first = minmax(await seriesWindow(nwb, info, params));
      const follower = new AbortController();
      const following = seriesRefine(nwb, info, { ...params, since: 0 }, follower.signal);
      await new Promise(r => setTimeout(r, 50));
      follower.abort();
      await assert.rejects(following);
      await new Promise(r => setTimeout(r, 200));
      const stopped = nwb.overviews.building(info).pyramid.progress;
      const requests = h5.stats().requests;
      await new Promise(r => setTimeout(r, 500));
      assert.equal(nwb.overviews.building(info).pyramid.progress, stopped, 'no progress once stopped');
      assert.equal(h5.stats().requests, requests, 'and no read');
      assert.ok(stopped < 1, `stopped at ${stopped}`);
      let reply = first;
      while (reply.overview?.refinable)
        reply = minmax(await seriesRefine(nwb, info, { ...params, since: reply.overview.version }));
      assert.equal(reply.overview?.state, 'exact');
      const all = await new NwbFile(h5, { maxElements: info.sampleCount }).reader.readNumbers(info.dataPath);
      assertExactColumns(reply, info, i => all[i] * info.conversion + info.offset);
    } finally {
      await h5.close();
    }
  });
});
