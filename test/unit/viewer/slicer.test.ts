import * as assert from 'node:assert/strict';
import { planSlice } from '../../../media/viewer/slicer';
import { sampleAt } from '../../../media/viewer/views/spatialMath';
import { valueText, firstRef } from '../../../media/viewer/values';

describe('viewer N-D slicer', () => {
  it('shows the chosen axes whole and fixes the others at their index', () => {
    assert.deepEqual(planSlice([10, 20, 30], [1, 2], [4, 0, 0], 1e6), {
      start: [4, 0, 0],
      count: [1, 20, 30],
      stride: [1, 1, 1],
    });
    assert.deepEqual(planSlice([10, 20, 30], [0], [0, 99, -3], 1e6), {
      start: [0, 19, 0],
      count: [10, 1, 1],
      stride: [1, 1, 1],
    });
  });

  it('strides evenly to stay under the element budget', () => {
    const plan = planSlice([10_000, 10_000], [0, 1], [0, 0], 1_000_000);
    assert.ok(plan.count[0] * plan.count[1] <= 1_000_000);
    assert.equal(plan.stride[0], plan.stride[1]);
    const line = planSlice([5_000_001], [0], [0], 1_000_000);
    assert.ok(line.count[0] <= 1_000_000);
    assert.equal(line.count[0], Math.ceil(5_000_001 / line.stride[0]));
  });
});

describe('viewer value text', () => {
  it('formats arrays, references, compounds and cut ragged cells', () => {
    assert.equal(valueText([1, 2.5, 'a']), '[1, 2.5, "a"]');
    assert.equal(valueText({ ref: '/acquisition/ts' }), '→ /acquisition/ts');
    assert.equal(
      valueText({ idx_start: 0, count: 3, timeseries: { ref: '/x' } }),
      '{idx_start: 0, count: 3, timeseries: → /x}',
    );
    assert.equal(valueText([1, 2, { more: 98 }] as never), '[1, 2, … 98 more]');
    assert.equal(
      valueText(
        Array.from({ length: 30 }, (_, i) => i),
        3,
      ),
      '[0, 1, 2, … 27 more]',
    );
    assert.equal(valueText(null), 'null');
  });

  it('finds references inside values', () => {
    assert.equal(firstRef([{ ref: '/a' }]), '/a');
    assert.equal(firstRef({ x: 1 }), null);
  });
});

describe('viewer time lookup', () => {
  it('finds the last sample at or before t', () => {
    const t = [0, 1, 2, 3];
    assert.equal(sampleAt(t, -1), 0);
    assert.equal(sampleAt(t, 1.5), 1);
    assert.equal(sampleAt(t, 3), 3);
    assert.equal(sampleAt(t, 99), 3);
    assert.equal(sampleAt([], 1), -1);
  });
});

describe('viewer N-D slicer screen cap', () => {
  it('caps every displayed axis to what a screen shows, keeping other axes fixed', () => {
    const plan = planSlice([60_000, 32], [0, 1], [0, 0], 4_000_000, 2048);
    assert.deepEqual(plan.stride, [30, 1]);
    assert.deepEqual(plan.count, [2000, 32]);
    const line = planSlice([1_000_000], [0], [0], 4_000_000, 20_000);
    assert.equal(line.count[0], 20_000);
  });
});
