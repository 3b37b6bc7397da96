/**
 * TimeSeries semantics against the project's generated files, whose manifest gives every value by
 * formula: the time axis (rate vs timestamps), values (data * conversion + offset), raw windows,
 * exact min/max per column, and sparse overviews that stay within the element budget.
 */
import * as assert from 'node:assert/strict';
import {
  ensureGeneratedNwb,
  GENERATED_MANIFEST,
  type TimeSeriesExpectation,
} from '../../fixtures/nwbgen/index';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { seriesInfo, seriesWindow } from '../../../src/nwb/timeseries';
import type { SeriesWindow } from '../../../src/shared/protocol';
import { openNwb } from './helpers';

type Opened = NwbFile & { close(): Promise<void> };

function series(path: string): TimeSeriesExpectation {
  const found = [...GENERATED_MANIFEST.ecephys.series, ...GENERATED_MANIFEST.ophys.series].find(
    s => s.path === path,
  );
  assert.ok(found, `manifest has ${path}`);
  return found;
}

function timeAt(s: TimeSeriesExpectation, i: number): number {
  return s.timing.kind === 'rate' ? s.timing.startingTime + i / s.timing.rate : s.timing.timestampAt(i);
}

function physical(s: TimeSeriesExpectation, index: number[]): number {
  return Math.fround(s.data.valueAt(index) * s.conversion + s.offset);
}

function raw(w: SeriesWindow) {
  assert.equal(w.mode, 'raw');
  return {
    time: new Float64Array(w.time),
    values: new Float32Array(w.values),
    count: w.count,
    start: w.sampleStart,
  };
}

describe('NWB TimeSeries (generated files)', function () {
  this.timeout(120_000);
  let ecephys: Opened;
  let ophys: Opened;

  before(async () => {
    const generated = await ensureGeneratedNwb();
    ecephys = await openNwb(generated.files.ecephys);
    ophys = await openNwb(generated.files.ophys);
  });
  after(async () => {
    await ecephys?.close();
    await ophys?.close();
  });

  it('reads the time axis from starting_time + rate and the values with conversion', async () => {
    const s = series('/acquisition/ElectricalSeries');
    const info = await seriesInfo(ecephys, s.path);
    assert.deepEqual(info.timing, { kind: 'rate', startingTime: 0, rate: 1000 });
    assert.equal(info.sampleCount, 60_000);
    assert.equal(info.channelCount, 32);
    assert.equal(info.unit, 'volts');
    assert.equal(info.conversion, s.conversion);
    assert.deepEqual(info.chunks, s.chunks);
    assert.equal(info.tEnd, 59.999);
    assert.equal(info.channelLabels?.length, 32);
    assert.deepEqual(info.electrodeRows, s.region?.rows);
  });

  it('sends a short window raw: the right samples, times and physical values per channel', async () => {
    const s = series('/acquisition/ElectricalSeries');
    const info = await seriesInfo(ecephys, s.path);
    const w = raw(
      await seriesWindow(ecephys, info, {
        path: s.path,
        t0: 1.0,
        t1: 1.05,
        channels: [0, 5, 31],
        pixels: 800,
      }),
    );
    assert.equal(w.start, 999, 'one sample before t0 so the line reaches the edge');
    assert.equal(w.count, 53);
    for (let i = 0; i < w.count; i++) {
      assert.equal(w.time[i], timeAt(s, w.start + i));
      [0, 5, 31].forEach((c, k) =>
        assert.equal(
          w.values[k * w.count + i],
          physical(s, [w.start + i, c]),
          `sample ${w.start + i} channel ${c}`,
        ),
      );
    }
  });

  it('applies offset and a non-zero starting time', async () => {
    const s = GENERATED_MANIFEST.ecephys.series.find(
      x => x.path === '/acquisition/temperature',
    ) as TimeSeriesExpectation;
    const info = await seriesInfo(ecephys, s.path);
    assert.deepEqual(info.timing, { kind: 'rate', startingTime: 5, rate: 50 });
    assert.equal(info.offset, 10);
    const w = raw(
      await seriesWindow(ecephys, info, { path: s.path, t0: 6, t1: 7, channels: [], pixels: 500 }),
    );
    assert.equal(w.time[0], timeAt(s, w.start));
    for (let i = 0; i < w.count; i++) assert.equal(w.values[i], physical(s, [w.start + i]));
  });

  it('finds the window in a timestamps axis by binary search and returns those timestamps', async () => {
    const s = GENERATED_MANIFEST.ecephys.series.find(
      x => x.path === '/acquisition/accelerometer',
    ) as TimeSeriesExpectation;
    assert.equal(s.timing.kind, 'timestamps');
    const info = await seriesInfo(ecephys, s.path);
    assert.equal(info.timing.kind, 'timestamps');
    assert.equal(info.tStart, timeAt(s, 0));
    assert.equal(info.tEnd, timeAt(s, 499));
    const w = raw(
      await seriesWindow(ecephys, info, { path: s.path, t0: 10, t1: 12, channels: [0, 2], pixels: 1000 }),
    );
    const firstInside = [...Array(500).keys()].find(i => timeAt(s, i) >= 10) as number;
    assert.equal(w.start, firstInside - 1);
    assert.ok(timeAt(s, w.start + w.count - 1) > 12 && timeAt(s, w.start + w.count - 2) <= 12);
    for (let i = 0; i < w.count; i++) {
      assert.equal(w.time[i], timeAt(s, w.start + i));
      assert.equal(w.values[w.count + i], physical(s, [w.start + i, 2]));
    }
  });

  it('reduces a long window to exact min/max per pixel column', async () => {
    const s = series('/acquisition/ElectricalSeries');
    const info = await seriesInfo(ecephys, s.path);
    const w = await seriesWindow(ecephys, info, {
      path: s.path,
      t0: 0,
      t1: 60,
      channels: [3, 4],
      pixels: 120,
    });
    assert.equal(w.mode, 'minmax');
    if (w.mode !== 'minmax') return;
    assert.equal(w.exact, true);
    assert.equal(w.columns, 120);
    assert.equal(w.sampleCount, 60_000);
    const min = new Float32Array(w.min);
    const max = new Float32Array(w.max);
    const time = new Float64Array(w.time);
    for (let col = 0; col < 120; col++) {
      const from = Math.ceil((col * 60_000) / 120);
      const to = Math.ceil(((col + 1) * 60_000) / 120);
      assert.equal(time[col], from / 1000);
      [3, 4].forEach((c, k) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = from; i < to; i++) {
          const v = physical(s, [i, c]);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        assert.equal(min[k * 120 + col], lo, `min of column ${col} channel ${c}`);
        assert.equal(max[k * 120 + col], hi, `max of column ${col} channel ${c}`);
      });
    }
  });

  it('samples a window past the element budget sparsely, with real values of the series', async () => {
    const s = GENERATED_MANIFEST.ecephys.series.find(
      x => x.path === '/acquisition/temperature',
    ) as TimeSeriesExpectation;
    const generated = await ensureGeneratedNwb();
    const small = await openNwb(generated.files.ecephys, { maxElements: 100 });
    try {
      const info = await seriesInfo(small, s.path);
      const w = await seriesWindow(small, info, {
        path: s.path,
        t0: info.tStart,
        t1: info.tEnd,
        channels: [0],
        pixels: 400,
      });
      assert.equal(w.mode, 'minmax');
      if (w.mode !== 'minmax') return;
      assert.equal(w.exact, false);
      assert.ok(w.columns >= 16 && w.columns <= 400);
      const all = new Set<number>();
      for (let i = 0; i < info.sampleCount; i++) all.add(physical(s, [i]));
      for (const v of [...new Float32Array(w.min), ...new Float32Array(w.max)])
        assert.ok(all.has(v), `${v} is a value of the series`);
      const time = new Float64Array(w.time);
      assert.equal(time[0], info.tStart);
      assert.ok(
        time.every((t, i) => i === 0 || t > time[i - 1]),
        'column times increase',
      );
    } finally {
      await small.close();
    }
  });

  it('reads a chunked window exactly when probing would touch every chunk anyway', async () => {
    const s = series('/acquisition/ElectricalSeries');
    const generated = await ensureGeneratedNwb();
    const small = await openNwb(generated.files.ecephys, { maxElements: 20_000 });
    try {
      const info = await seriesInfo(small, s.path);
      const w = await seriesWindow(small, info, { path: s.path, t0: 0, t1: 60, channels: [7], pixels: 400 });
      assert.ok(w.mode === 'minmax' && w.exact, '12 chunks of 5000 rows: fewer than the 16 probes');
    } finally {
      await small.close();
    }
  });

  it('labels RoiResponseSeries channels by ROI id and reads a timestamps-based DfOverF', async () => {
    const s = GENERATED_MANIFEST.ophys.series.find(
      x => x.path === '/processing/ophys/DfOverF/DfOverF',
    ) as TimeSeriesExpectation;
    const info = await seriesInfo(ophys, s.path);
    assert.deepEqual(info.channelLabels, ['ROI 0', 'ROI 1', 'ROI 2', 'ROI 3', 'ROI 4', 'ROI 5']);
    const w = raw(
      await seriesWindow(ophys, info, { path: s.path, t0: 0, t1: 2, channels: [1], pixels: 1000 }),
    );
    for (let i = 0; i < w.count; i++) {
      assert.equal(w.time[i], timeAt(s, w.start + i));
      assert.equal(w.values[i], physical(s, [w.start + i, 1]));
    }
  });

  it('rejects out-of-range channels with a clear error', async () => {
    const info = await seriesInfo(ecephys, '/acquisition/ElectricalSeries');
    await assert.rejects(
      seriesWindow(ecephys, info, { path: info.path, t0: 0, t1: 1, channels: [32], pixels: 100 }),
      /channel 32 is out of range/,
    );
  });
});
