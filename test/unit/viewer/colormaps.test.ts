import * as assert from 'node:assert/strict';
import { applyColormap, colormapLut, rgbToRgba } from '../../../media/viewer/colormaps';
import { categoricalRgb } from '../../../media/viewer/roiMasks';

const rgbAt = (lut: Uint8Array, i: number): number[] => [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
const near = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('viewer colormaps', () => {
  it('viridis matches matplotlib at its ends and middle', () => {
    const lut = colormapLut('viridis');
    // matplotlib viridis: 0 → #440154, 0.5 → #21918c, 1 → #fde725
    assert.ok(near(rgbAt(lut, 0), [68, 1, 84], 6), String(rgbAt(lut, 0)));
    assert.ok(near(rgbAt(lut, 128), [33, 145, 140], 6), String(rgbAt(lut, 128)));
    assert.ok(near(rgbAt(lut, 255), [253, 231, 37], 6), String(rgbAt(lut, 255)));
  });

  it('magma runs from black to pale yellow', () => {
    const lut = colormapLut('magma');
    assert.ok(near(rgbAt(lut, 0), [0, 0, 4], 6), String(rgbAt(lut, 0)));
    assert.ok(near(rgbAt(lut, 255), [252, 253, 191], 8), String(rgbAt(lut, 255)));
  });

  it('gray is the identity ramp', () => {
    const lut = colormapLut('gray');
    for (const i of [0, 17, 128, 255]) assert.deepEqual(rgbAt(lut, i), [i, i, i]);
  });

  it('applyColormap clamps to the window and leaves NaN transparent', () => {
    const px = applyColormap(Float32Array.from([-5, 0, 5, 10, 99, NaN]), 0, 10, 'gray');
    assert.deepEqual(Array.from(px.slice(0, 4)), [0, 0, 0, 255]);
    assert.deepEqual(Array.from(px.slice(8, 12)), [128, 128, 128, 255]);
    assert.deepEqual(Array.from(px.slice(16, 20)), [255, 255, 255, 255]);
    assert.deepEqual(Array.from(px.slice(20, 24)), [0, 0, 0, 0]);
  });

  it('applyColormap handles a flat window without dividing by zero', () => {
    const px = applyColormap([1, 2, 3], 2, 2, 'gray');
    assert.deepEqual([px[0], px[4], px[8]], [0, 255, 255]);
  });

  it('rgbToRgba scales RGB and keeps RGBA alpha', () => {
    assert.deepEqual(Array.from(rgbToRgba([0, 128, 255], 3, 0, 255)), [0, 128, 255, 255]);
    assert.deepEqual(Array.from(rgbToRgba([1, 0, 0, 0.5], 4, 0, 1)), [255, 0, 0, 128]);
  });

  it('categorical colours differ for neighbouring indices', () => {
    const a = categoricalRgb(0);
    const b = categoricalRgb(1);
    assert.notDeepEqual(a, b);
    for (const c of [...a, ...b]) assert.ok(c >= 0 && c <= 255);
  });
});

describe('viewer colour alpha', () => {
  it('adds alpha to hex, rgb and hsl colours', async () => {
    const { withAlpha } = await import('../../../media/viewer/colormaps');
    assert.equal(withAlpha('#ff8000', 0.5), 'rgba(255, 128, 0, 0.5)');
    assert.equal(withAlpha('#f80', 0.5), 'rgba(255, 136, 0, 0.5)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.2), 'rgba(1, 2, 3, 0.2)');
    assert.equal(withAlpha('hsl(10, 80%, 55%)', 0.3), 'hsla(10, 80%, 55%, 0.3)');
    assert.equal(withAlpha('red', 0.3), 'red');
  });
});
