import * as assert from 'node:assert/strict';
import {
  autoContrast,
  finiteRange,
  percentiles,
  slidersFromWindow,
  windowFromSliders,
} from '../../../media/viewer/contrast';

describe('viewer contrast', () => {
  it('finiteRange skips NaN and handles empty input', () => {
    assert.deepEqual(finiteRange(Float32Array.from([NaN, 3, -2, NaN, 7])), { min: -2, max: 7 });
    assert.deepEqual(finiteRange([]), { min: 0, max: 0 });
  });

  it('percentiles by nearest rank ignore NaN and infinities', () => {
    const values = Float64Array.from({ length: 101 }, (_, i) => i);
    assert.deepEqual(percentiles(values, [0, 50, 100]), [0, 50, 100]);
    assert.deepEqual(percentiles([NaN, Infinity, 4, 2], [0, 100]), [2, 4]);
  });

  it('autoContrast ignores a few hot pixels', () => {
    const values = new Float32Array(10_000).map((_, i) => i % 100);
    values[0] = 1e9;
    values[1] = -1e9;
    const w = autoContrast(values);
    assert.ok(w.min >= 0 && w.max <= 99, JSON.stringify(w));
  });

  it('autoContrast widens a flat image so the window is not empty', () => {
    const w = autoContrast(new Float32Array(16).fill(3));
    assert.ok(w.max > w.min);
  });

  it('slider positions and windows round-trip and stay ordered', () => {
    const range = { min: -100, max: 100 };
    const w = windowFromSliders(range, 250, 750);
    assert.deepEqual(w, { min: -50, max: 50 });
    assert.deepEqual(slidersFromWindow(range, w), [250, 750]);
    const swapped = windowFromSliders(range, 900, 100);
    assert.ok(swapped.min < swapped.max);
    const same = windowFromSliders(range, 500, 500);
    assert.ok(same.max > same.min);
  });
});
