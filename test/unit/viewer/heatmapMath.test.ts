import * as assert from 'node:assert/strict';
import { colormapLut } from '../../../media/viewer/colormaps';
import {
  bandEdges,
  cellAt,
  channelSample,
  colorRange,
  depthBands,
  heatmapGrid,
  heightInPane,
  valueScale,
} from '../../../media/viewer/views/heatmapMath';
import type { SeriesWindow, ValueStats } from '../../../src/shared/protocol';

const STATS: ValueStats = { count: 0, nanCount: 0, min: NaN, max: NaN };
const buffer = (values: number[], type: Float32ArrayConstructor | Float64ArrayConstructor) =>
  type.from(values).buffer as ArrayBuffer;

describe('depth × time heatmap math', () => {
  it('groups channels at one depth into a band, with edges midway to the neighbours', () => {
    // A Neuropixels-like layout: two columns share each depth, the rows 20 µm apart, one gap of 60 µm.
    const bands = depthBands([40, 20, 20, 40, 100], [0, 1, 2, 3, 4]);
    assert.deepEqual(
      bands.map(b => [b.depth, b.low, b.high, b.channels]),
      [
        [20, 10, 30, [1, 2]],
        [40, 30, 70, [0, 3]],
        [100, 70, 130, [4]],
      ],
    );
    assert.deepEqual(Array.from(bandEdges(bands)), [10, 30, 70, 130]);
  });

  it('uses the channel index when there are no positions, for the channels asked only', () => {
    const bands = depthBands(null, [0, 2, 4]);
    assert.deepEqual(
      bands.map(b => [b.depth, b.low, b.high]),
      [
        [0, -1, 1],
        [2, 1, 3],
        [4, 3, 5],
      ],
    );
  });

  it('turns raw samples into one cell per sample and band, averaging channels that share a depth', () => {
    const reply: SeriesWindow = {
      mode: 'raw',
      sampleStart: 0,
      count: 3,
      channels: [0, 1, 2],
      time: buffer([0, 1, 2], Float64Array),
      // channel-major: ch0 = 1,2,3; ch1 = 3,4,NaN; ch2 = -1,-2,-3
      values: buffer([1, 2, 3, 3, 4, NaN, -1, -2, -3], Float32Array),
      unit: 'V',
      stats: STATS,
    };
    const bands = depthBands([5, 5, 0], [0, 1, 2]);
    const grid = heatmapGrid(reply, reply.channels, bands);
    assert.equal(grid.rows, 2);
    assert.equal(grid.columns, 3);
    // Samples sit in the middle of their cells.
    assert.deepEqual(Array.from(grid.edges), [-0.5, 0.5, 1.5, 2.5]);
    assert.deepEqual(Array.from(grid.values), [-1, -2, -3, 2, 3, 3]);
  });

  it('keeps, per reduced column, the extreme farther from zero (a sink stays a sink)', () => {
    const reply: SeriesWindow = {
      mode: 'minmax',
      sampleStart: 0,
      sampleCount: 100,
      columns: 2,
      channels: [0],
      time: buffer([0, 5], Float64Array),
      min: buffer([-8, -1], Float32Array),
      max: buffer([2, 6], Float32Array),
      exact: true,
      unit: 'V',
      stats: STATS,
    };
    const grid = heatmapGrid(reply, reply.channels, depthBands(null, [0]));
    assert.deepEqual(Array.from(grid.values), [-8, 6]);
    assert.deepEqual(Array.from(grid.edges), [0, 5, 10]);
  });

  it('centres signed data on zero out to the 99th percentile of |value|, and keeps one-signed data as is', () => {
    const signed = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1) * (i < 995 ? 10 : 1000));
    // 5 spikes in 1000 values fall beyond the 99th percentile: the scale stays on the rest.
    assert.deepEqual(colorRange(signed), { min: -10, max: 10, diverging: true });
    const mostly = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1) * (i < 980 ? 10 : 1000));
    assert.deepEqual(colorRange(mostly), { min: -1000, max: 1000, diverging: true });
    const few = [...Array.from({ length: 2000 }, (_, i) => (i % 2 ? 5 : -5)), 1e6];
    assert.deepEqual(colorRange(few), { min: -5, max: 5, diverging: true });
    assert.deepEqual(colorRange([1, 3, NaN, 2]), { min: 1, max: 3, diverging: false });
    assert.deepEqual(colorRange([NaN]), { min: 0, max: 0, diverging: false });
  });

  it('finds the cell under a value, and none outside', () => {
    const edges = [0, 1, 3, 6];
    assert.equal(cellAt(edges, 0), 0);
    assert.equal(cellAt(edges, 2.9), 1);
    assert.equal(cellAt(edges, 5.99), 2);
    assert.equal(cellAt(edges, 6), -1);
    assert.equal(cellAt(edges, -0.1), -1);
    assert.equal(cellAt(edges, NaN), -1);
  });

  it('prefixes the numerator of ratio units from the data, and SI units as the axes do', () => {
    assert.deepEqual(valueScale(5e4, 'V/cm^2'), { factor: 1e3, unit: 'kV/cm²' });
    assert.deepEqual(valueScale(2e-5, 'volts'), { factor: 1e-6, unit: 'µV' });
    assert.deepEqual(valueScale(3, 'a.u.'), { factor: 1, unit: 'a.u.' });
  });

  it('samples channels evenly and sizes plots to the room left in the pane', () => {
    assert.deepEqual(channelSample(10, 4), [0, 3, 6, 9]);
    assert.deepEqual(channelSample(3, 4), [0, 1, 2]);
    assert.equal(heightInPane(100, 700, 60, 220, 440), 440);
    assert.equal(heightInPane(100, 500, 60, 220, 440), 340);
    assert.equal(heightInPane(100, 200, 60, 220, 440), 220);
  });

  it('has a diverging map blue below, white-ish at and red above the centre', () => {
    const lut = colormapLut('rdbu');
    const at = (i: number): number[] => [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
    assert.deepEqual(at(0), [0x05, 0x30, 0x61]);
    assert.deepEqual(at(255), [0x67, 0x00, 0x1f]);
    const [r, g, b] = at(128);
    assert.ok(r > 240 && g > 240 && b > 240, String(at(128)));
  });
});
