import * as assert from 'node:assert/strict';
import type { RoiSet, SeriesWindow } from '../../../src/shared/protocol';
import { masksFromRoiSet } from '../../../media/viewer/roiMasks';
import { drawableChannels } from '../../../media/viewer/seriesData';

const buf = (a: Float64Array | Float32Array | Uint32Array): ArrayBuffer => a.buffer as ArrayBuffer;

describe('viewer decoding of host replies', () => {
  it('raw windows become one line per channel (channel-major values), without bands', () => {
    const reply: SeriesWindow = {
      mode: 'raw',
      sampleStart: 10,
      count: 3,
      channels: [2, 5],
      time: buf(Float64Array.from([1, 1.1, 1.2])),
      values: buf(Float32Array.from([1, 2, 3, -1, -2, -3])),
      unit: 'V',
      stats: { count: 6, nanCount: 0, min: -3, max: 3 },
    };
    const [a, b] = drawableChannels(reply);
    assert.deepEqual(a.x, [1, 1.1, 1.2]);
    assert.deepEqual(a.mid, [1, 2, 3]);
    assert.deepEqual(b.mid, [-1, -2, -3]);
    assert.equal(a.band, undefined);
  });

  it('min/max windows draw each column at its centre with a band and gaps', () => {
    const reply: SeriesWindow = {
      mode: 'minmax',
      sampleStart: 0,
      sampleCount: 1000,
      columns: 3,
      channels: [0],
      time: buf(Float64Array.from([0, 1, 2])),
      min: buf(Float32Array.from([-1, NaN, 0])),
      max: buf(Float32Array.from([1, NaN, 4])),
      exact: true,
      unit: 'V',
      stats: { count: 1000, nanCount: 100, min: -1, max: 4 },
    };
    const [c] = drawableChannels(reply);
    assert.deepEqual(c.x, [0.5, 1.5, 2.5]);
    assert.deepEqual(c.mid, [0, null, 2]);
    assert.deepEqual(c.band, { min: [-1, null, 0], max: [1, null, 4] });
  });

  it('ROI pixel lists become dense masks (voxel masks: plane 0 only)', () => {
    const set: RoiSet = {
      path: '/p',
      width: 4,
      height: 3,
      roiCount: 2,
      ids: [7, 8],
      offsets: buf(Uint32Array.from([0, 2, 4])),
      x: buf(Uint32Array.from([0, 3, 1, 1])),
      y: buf(Uint32Array.from([0, 2, 1, 1])),
      z: buf(Uint32Array.from([0, 0, 0, 1])),
      weight: buf(Float32Array.from([1, 0.5, 0.25, 9])),
      maskKind: 'voxel_mask',
      responses: [],
      truncated: false,
    };
    const [m0, m1] = masksFromRoiSet(set);
    assert.equal(m0.weights[0], 1);
    assert.equal(m0.weights[2 * 4 + 3], 0.5);
    assert.equal(m1.weights[1 * 4 + 1], 0.25); // the z = 1 voxel (weight 9) is not on plane 0
  });
});
