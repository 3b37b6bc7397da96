/**
 * The statistics the host sends with the data it reads, on real files and a generated one: all
 * NaN (AIBS running wheel, the pynapple stimulus image), a constant 4 × 2 frame, a min/max window
 * whose counts cover every sample read, and a dataset selection.
 */
import * as assert from 'node:assert/strict';
import { imageFrame } from '../../../src/nwb/images';
import { datasetSlice } from '../../../src/nwb/inspect';
import { seriesInfo, seriesWindow } from '../../../src/nwb/timeseries';
import { ensureGeneratedNwb, GENERATED_MANIFEST } from '../../fixtures/nwbgen/index';
import { fixture, openNwb } from './helpers';

describe('value statistics sent with the data', function () {
  this.timeout(60_000);

  it('counts every value of an all-NaN real series as NaN', async () => {
    const nwb = await openNwb(fixture('nwblinkml__aibs.nwb'));
    try {
      const info = await seriesInfo(nwb, '/acquisition/running_wheel_signal_voltage');
      const w = await seriesWindow(nwb, info, {
        path: info.path,
        t0: info.tStart,
        t1: info.tEnd,
        channels: [],
        pixels: 800,
      });
      assert.equal(w.stats.count, info.sampleCount);
      assert.equal(w.stats.nanCount, w.stats.count);
      assert.ok(Number.isNaN(w.stats.min) && Number.isNaN(w.stats.max));
    } finally {
      await nwb.close();
    }
  });

  it('finds the constant frame of a real 4 × 2 TwoPhotonSeries and the all-NaN stimulus image', async () => {
    const twoPhoton = await openNwb(fixture('nwbexplorer__test_TwoPhotonSeries.nwb'));
    try {
      const frame = await imageFrame(twoPhoton, '/acquisition/test_2ps');
      assert.equal(frame.width * frame.height, 8);
      assert.deepEqual(frame.stats, { count: 8, nanCount: 0, min: 1, max: 1 });
    } finally {
      await twoPhoton.close();
    }
    const pynapple = await openNwb(fixture('pynapple__sub-4_ses-4_ecephys+image.nwb'));
    try {
      const frame = await imageFrame(pynapple, '/stimulus/presentation/StimulusPresentation_encoding');
      assert.ok(frame.stats.count > 0);
      assert.equal(frame.stats.nanCount, frame.stats.count);
    } finally {
      await pynapple.close();
    }
  });

  it('counts every sample a min/max window read, with the range in physical units', async () => {
    const files = (await ensureGeneratedNwb()).files;
    const nwb = await openNwb(files.ecephys);
    try {
      const path = '/acquisition/ElectricalSeries';
      const s = GENERATED_MANIFEST.ecephys.series.find(x => x.path === path);
      assert.ok(s);
      const info = await seriesInfo(nwb, path);
      const w = await seriesWindow(nwb, info, { path, t0: 0, t1: 10, channels: [3], pixels: 200 });
      assert.equal(w.mode, 'minmax');
      if (w.mode !== 'minmax' || !w.exact) return assert.fail('an exact min/max window');
      assert.equal(w.stats.count, w.sampleCount);
      assert.equal(w.stats.nanCount, 0);
      let min = Infinity;
      let max = -Infinity;
      for (let i = w.sampleStart; i < w.sampleStart + w.sampleCount; i++) {
        const v = Math.fround(s.data.valueAt([i, 3]) * s.conversion);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assert.ok(Math.abs(w.stats.min - min) <= Math.abs(min) * 1e-6, `${w.stats.min} vs ${min}`);
      assert.ok(Math.abs(w.stats.max - max) <= Math.abs(max) * 1e-6, `${w.stats.max} vs ${max}`);
    } finally {
      await nwb.close();
    }
  });

  it('sends the counts of a dataset selection', async () => {
    const nwb = await openNwb(fixture('nwblinkml__aibs.nwb'));
    try {
      const slice = await datasetSlice(nwb, { path: '/acquisition/running_wheel_signal_voltage/data' });
      assert.equal(slice.kind, 'numeric');
      if (slice.kind !== 'numeric') return;
      assert.equal(slice.stats.nanCount, slice.stats.count);
      assert.equal(slice.stats.count, slice.shape[0]);
    } finally {
      await nwb.close();
    }
  });
});
