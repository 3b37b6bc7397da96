/**
 * NWB structures against the generated files and their manifest: DynamicTable columns (ragged,
 * region, references, arrays), Units raster and waveforms, intervals, PlaneSegmentation masks
 * (image_mask and pixel_mask) with the summary image, image frames, icephys sweeps, trajectories
 * and pose, and view choice through inheritance including extension types.
 */
import * as assert from 'node:assert/strict';
import {
  BODY_PARTS,
  ensureGeneratedNwb,
  GENERATED_MANIFEST,
  IMAGE_MASK_ROIS,
  imageMaskWeight,
  pixelMask,
  POSE_EDGES,
  posePosition,
  poseTimestamp,
  unitSpikeTimes,
} from '../../fixtures/nwbgen/index';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { icephysSweeps } from '../../../src/nwb/icephys';
import { imageFrame } from '../../../src/nwb/images';
import { intervalsTimeline } from '../../../src/nwb/intervals';
import { roiSet } from '../../../src/nwb/rois';
import { trajectories } from '../../../src/nwb/spatial';
import { tableInfo, tableRows } from '../../../src/nwb/table';
import { unitsRaster, unitWaveform } from '../../../src/nwb/units';
import { resolveView } from '../../../src/nwb/views';
import { openNwb } from './helpers';

type Opened = NwbFile & { close(): Promise<void> };
const SEG = '/processing/ophys/ImageSegmentation';

describe('NWB structures (generated files)', function () {
  this.timeout(120_000);
  const files: Record<'ecephys' | 'ophys' | 'icephys' | 'behavior', Opened> = {} as never;

  before(async () => {
    const generated = await ensureGeneratedNwb();
    for (const name of ['ecephys', 'ophys', 'icephys', 'behavior'] as const)
      files[name] = await openNwb(generated.files[name]);
  });
  after(async () => {
    for (const f of Object.values(files)) await f?.close();
  });

  it('describes table columns: scalar, references, ragged, region, array', async () => {
    const units = await tableInfo(files.ecephys, '/units');
    const kinds = Object.fromEntries(units.columns.map(c => [c.name, c.kind]));
    assert.deepEqual(kinds, {
      spike_times: 'ragged',
      obs_intervals: 'ragged',
      electrodes: 'ragged',
      waveform_mean: 'array',
      quality: 'scalar',
    });
    assert.equal(units.rowCount, 8);
    assert.equal(
      units.columns.find(c => c.name === 'electrodes')?.target,
      '/general/extracellular_ephys/electrodes',
    );
    const electrodes = await tableInfo(files.ecephys, '/general/extracellular_ephys/electrodes');
    assert.equal(electrodes.columns.find(c => c.name === 'group')?.kind, 'reference');
  });

  it('reads a window of rows with ragged cells and references as paths', async () => {
    const expected = GENERATED_MANIFEST.ecephys.tables.find(t => t.path === '/units');
    assert.ok(expected);
    const page = await tableRows(files.ecephys, '/units', 2, 3);
    assert.deepEqual(page.ids, expected.ids.slice(2, 5));
    const spikes = page.columns.indexOf('spike_times');
    page.rows.forEach((row, i) => {
      const cell = row[spikes] as number[];
      assert.deepEqual(cell.slice(0, 100), unitSpikeTimes(2 + i).slice(0, 100));
    });
    const electrodes = await tableRows(files.ecephys, '/general/extracellular_ephys/electrodes', 0, 2);
    const group = electrodes.rows[0][electrodes.columns.indexOf('group')];
    assert.deepEqual(group, { ref: '/general/extracellular_ephys/shank0' });
  });

  it('builds a units raster for a page of units in a time window', async () => {
    const raster = await unitsRaster(files.ecephys, '/units', 1, 3, 10, 20);
    assert.equal(raster.unitCount, 8);
    assert.deepEqual(
      raster.units.map(u => u.row),
      [1, 2, 3],
    );
    const offsets = new Uint32Array(raster.offsets);
    const times = new Float64Array(raster.times);
    [1, 2, 3].forEach((u, k) => {
      const want = unitSpikeTimes(u).filter(t => t >= 10 && t <= 20);
      assert.deepEqual(Array.from(times.subarray(offsets[k], offsets[k + 1])), want);
    });
  });

  it('reads the mean waveform of a unit', async () => {
    const column = GENERATED_MANIFEST.ecephys.tables
      .find(t => t.path === '/units')
      ?.columns.find(c => c.name === 'waveform_mean')?.column;
    assert.ok(column && column.kind === 'array');
    const w = await unitWaveform(files.ecephys, '/units', 4, 0);
    const mean = new Float32Array(w.mean);
    assert.equal(w.sampleCount, column.shape[1]);
    for (let i = 0; i < mean.length; i++) {
      const index: number[] = column.shape.length > 2 ? [4, i, 0] : [4, i];
      assert.equal(mean[i], Math.fround(column.data.valueAt(index)));
    }
  });

  it('shows trials and epochs as a timeline with labels', async () => {
    const trials = await intervalsTimeline(files.ecephys, '/intervals/trials');
    const expected = GENERATED_MANIFEST.ecephys.tables.find(t => t.path === '/intervals/trials');
    const start = expected?.columns.find(c => c.name === 'start_time')?.column;
    assert.ok(start && start.kind === 'values');
    assert.deepEqual(Array.from(new Float64Array(trials.start)), start.values);
    assert.equal(trials.labelColumn, 'condition');
    const epochs = await intervalsTimeline(files.ecephys, '/intervals/epochs');
    assert.equal(epochs.rowCount, 3);
    assert.equal(epochs.labelColumn, 'tags');
  });

  it('turns image_mask into sparse pixels at the right coordinates, with the summary image', async () => {
    const set = await roiSet(files.ophys, `${SEG}/PlaneSegmentation`);
    assert.equal(set.maskKind, 'image_mask');
    assert.equal(set.roiCount, IMAGE_MASK_ROIS.length);
    assert.deepEqual([set.height, set.width], [64, 64]);
    const offsets = new Uint32Array(set.offsets);
    const x = new Uint32Array(set.x);
    const y = new Uint32Array(set.y);
    const weight = new Float32Array(set.weight);
    for (let r = 0; r < IMAGE_MASK_ROIS.length; r++) {
      const want: string[] = [];
      for (let row = 0; row < 64; row++)
        for (let col = 0; col < 64; col++)
          if (imageMaskWeight(r, row, col) > 0) want.push(`${row},${col},${imageMaskWeight(r, row, col)}`);
      const got: string[] = [];
      for (let k = offsets[r]; k < offsets[r + 1]; k++) got.push(`${x[k]},${y[k]},${weight[k]}`);
      assert.deepEqual(got, want, `ROI ${r}: x = image_mask axis 1 (row), y = axis 2 (column)`);
    }
    assert.ok(set.summaryImage, 'found a summary image of the plane');
    assert.equal(
      set.summaryImage.path,
      '/processing/ophys/SummaryImages/max_projection',
      'the maximum-intensity projection, as the seed example asks',
    );
    assert.deepEqual(set.responses.map(r => r.path).sort(), [
      '/processing/ophys/DfOverF/DfOverF',
      '/processing/ophys/Fluorescence/RoiResponseSeries',
    ]);
  });

  it('reads pixel_mask (compound + index) per ROI as stored', async () => {
    const set = await roiSet(files.ophys, `${SEG}/PlaneSegmentationPixels`);
    assert.equal(set.maskKind, 'pixel_mask');
    assert.deepEqual(set.ids, [10, 11, 12, 13]);
    const offsets = new Uint32Array(set.offsets);
    const x = new Uint32Array(set.x);
    const y = new Uint32Array(set.y);
    const weight = new Float32Array(set.weight);
    for (let r = 0; r < 4; r++) {
      const got = [];
      for (let k = offsets[r]; k < offsets[r + 1]; k++) got.push({ x: x[k], y: y[k], weight: weight[k] });
      assert.deepEqual(got, pixelMask(r));
    }
  });

  it('reads image frames: a series frame, a grayscale image and an RGB image', async () => {
    const series = GENERATED_MANIFEST.ophys.series.find(s => s.path === '/acquisition/TwoPhotonSeries');
    assert.ok(series);
    const frame = await imageFrame(files.ophys, series.path, 7);
    assert.deepEqual(
      [frame.frameCount, frame.index, frame.height, frame.width, frame.channels],
      [200, 7, 64, 64, 1],
    );
    const data = new Float32Array(frame.data);
    for (const [row, col] of [
      [0, 0],
      [14, 12],
      [63, 5],
      [30, 60],
    ])
      assert.equal(data[row * 64 + col], series.data.valueAt([7, row, col]));
    assert.equal(frame.time, 7 / 30);
    assert.ok(frame.min <= frame.p1 && frame.p1 <= frame.p99 && frame.p99 <= frame.max);
    for (const image of GENERATED_MANIFEST.ophys.images) {
      const f = await imageFrame(files.ophys, image.path);
      assert.equal(f.channels, image.shape.length === 3 ? image.shape[2] : 1);
      const values = new Float32Array(f.data);
      assert.equal(
        values[f.channels * (5 * f.width + 3) + f.channels - 1],
        image.data.valueAt(image.shape.length === 3 ? [5, 3, f.channels - 1] : [5, 3]),
      );
    }
  });

  it('pairs icephys responses with their stimuli from the intracellular recordings table', async () => {
    const sweeps = await icephysSweeps(files.icephys, '/');
    assert.equal(sweeps.source, 'intracellular_recordings');
    assert.equal(sweeps.sweeps.length, 4);
    sweeps.sweeps.forEach((sweep, k) => {
      const id = String(k).padStart(3, '0');
      assert.match(
        sweep.response?.path ?? '',
        new RegExp(`^/acquisition/(CurrentClamp|VoltageClamp)Series${id}$`),
      );
      assert.match(
        sweep.stimulus?.path ?? '',
        new RegExp(`^/stimulus/presentation/(CurrentClamp|VoltageClamp)StimulusSeries${id}$`),
      );
    });
    assert.equal(sweeps.sweeps[3].response?.unit, 'amperes');
  });

  it('reads a Position trajectory and a PoseEstimation with its skeleton and confidence', async () => {
    const position = await trajectories(files.behavior, '/processing/behavior/Position');
    assert.equal(position.kind, 'spatial');
    const pos = GENERATED_MANIFEST.behavior.series.find(
      s => s.path === '/processing/behavior/Position/position',
    );
    assert.ok(pos);
    const px = new Float32Array(position.series[0].x);
    const py = new Float32Array(position.series[0].y as ArrayBuffer);
    assert.equal(px[250], Math.fround(pos.data.valueAt([250, 0])));
    assert.equal(py[250], Math.fround(pos.data.valueAt([250, 1])));
    const pose = await trajectories(files.behavior, '/processing/behavior/PoseEstimation');
    assert.equal(pose.kind, 'pose');
    assert.deepEqual(pose.skeleton, { nodes: BODY_PARTS, edges: POSE_EDGES });
    assert.deepEqual(
      pose.series.map(s => s.name),
      BODY_PARTS,
    );
    const ear = pose.series[1];
    const t = new Float64Array(ear.time);
    assert.equal(t[101], poseTimestamp(101));
    assert.equal(new Float32Array(ear.x)[101], posePosition(1, 101, 0));
    assert.ok(ear.confidence);
  });

  it('chooses views through inheritance, including extension types from the embedded specs', async () => {
    const pose = await resolveView(files.behavior, '/processing/behavior/PoseEstimation/nose');
    assert.equal(pose.view, 'spatial');
    assert.deepEqual(pose.inheritance.slice(0, 3), ['PoseEstimationSeries', 'SpatialSeries', 'TimeSeries']);
    const lick = await resolveView(files.behavior, '/acquisition/licks');
    assert.equal(lick.neurodataType, 'LickSeries');
    assert.equal(lick.view, 'timeseries');
    assert.ok(lick.inheritance.includes('TimeSeries'));
    assert.equal((await resolveView(files.ecephys, '/units')).view, 'units');
    assert.equal((await resolveView(files.ecephys, '/intervals/trials')).view, 'intervals');
    assert.equal((await resolveView(files.ophys, `${SEG}/PlaneSegmentation`)).view, 'planeSegmentation');
    assert.equal((await resolveView(files.ophys, '/acquisition/TwoPhotonSeries')).view, 'imageSeries');
    assert.equal(
      (await resolveView(files.ophys, '/processing/ophys/SummaryImages/mean_image')).view,
      'image',
    );
    assert.equal((await resolveView(files.ecephys, '/')).view, 'overview');
    assert.equal((await resolveView(files.ecephys, '/acquisition/ElectricalSeries/data')).view, 'dataset');
  });
});
