import * as assert from 'node:assert/strict';
import {
  axisIndex,
  chooseLevel,
  chunkBlock,
  scaleBarLength,
  visibleChunks,
  type OmeLevel,
} from '../../../src/shared/omeProtocol';

// The large generated image's pyramid: [c, y, x], 512² chunks, 0.25 µm at level 0, halving per level.
const levels: OmeLevel[] = Array.from({ length: 7 }, (_, l) => {
  const side = Math.ceil(20480 / 2 ** l);
  return {
    path: String(l),
    shape: [3, side, side],
    chunks: [1, 512, 512],
    dtype: '<u2',
    scale: [1, 0.25 * 2 ** l, 0.25 * 2 ** l],
    translation: [0, 0, 0],
  };
});

describe('OME-Zarr viewport geometry', () => {
  it('finds t, c, z, y, x by name and type', () => {
    assert.deepEqual(
      axisIndex([
        { name: 't', type: 'time' },
        { name: 'c', type: 'channel' },
        { name: 'z', type: 'space' },
        { name: 'y', type: 'space' },
        { name: 'x', type: 'space' },
      ]),
      { t: 0, c: 1, z: 2, y: 3, x: 4 },
    );
    assert.deepEqual(
      axisIndex([
        { name: 'y', type: 'space' },
        { name: 'x', type: 'space' },
      ]),
      {
        t: -1,
        c: -1,
        z: -1,
        y: 0,
        x: 1,
      },
    );
  });

  it('picks the coarsest level whose pixel is at most one screen pixel', () => {
    // 1:1 with level 0 (4 screen px per µm): level 0; half that: level 1; a 1,000 px whole slide
    // (1000 / 5120 µm): 2^L × 0.25 × 0.195 ≤ 1 → level 4.
    assert.equal(chooseLevel(levels, 1, 2, 4), 0);
    assert.equal(chooseLevel(levels, 1, 2, 2), 1);
    assert.equal(chooseLevel(levels, 1, 2, 1.99), 1);
    assert.equal(chooseLevel(levels, 1, 2, 1000 / 5120), 4);
    // Zoomed in past level 0 stays at level 0; far out, the coarsest.
    assert.equal(chooseLevel(levels, 1, 2, 40), 0);
    assert.equal(chooseLevel(levels, 1, 2, 0.001), 6);
  });

  it('uses the coarser axis of an anisotropic level', () => {
    const aniso: OmeLevel[] = [
      { path: '0', shape: [100, 100], chunks: [10, 10], dtype: '<u2', scale: [1, 1], translation: [0, 0] },
      { path: '1', shape: [50, 25], chunks: [10, 10], dtype: '<u2', scale: [2, 4], translation: [0, 0] },
    ];
    // Level 1's x pixel (4) is at most one screen pixel at 0.25, not at 0.26 (its y pixel would be).
    assert.equal(chooseLevel(aniso, 0, 1, 0.25), 1);
    assert.equal(chooseLevel(aniso, 0, 1, 0.26), 0);
  });

  it('the visible chunk box of a viewport, clipped to the image', () => {
    // Level 0, the centre 1600 × 1000 screen px at 1:1 (400 × 250 µm around 2560, 2560).
    const rect = { y0: 2560 - 125, y1: 2560 + 125, x0: 2560 - 200, x1: 2560 + 200 };
    assert.deepEqual(visibleChunks(levels[0] as OmeLevel, 1, 2, rect), { rows: [19, 21], cols: [18, 22] });
    // The whole slide and more at level 6 (320 px, one 512 chunk).
    assert.deepEqual(visibleChunks(levels[6] as OmeLevel, 1, 2, { y0: -100, y1: 9000, x0: -5, x1: 6000 }), {
      rows: [0, 1],
      cols: [0, 1],
    });
    // Off the image: nothing.
    assert.deepEqual(visibleChunks(levels[0] as OmeLevel, 1, 2, { y0: 6000, y1: 7000, x0: 0, x1: 10 }), {
      rows: [0, 0],
      cols: [0, 1],
    });
  });

  it('honours translations and a chunk larger than the array', () => {
    // neuroglancer simple_0.4 level 1: 5 × 5, scale [8, 60], translation [2, 15], one chunk.
    const l: OmeLevel = {
      path: 'scale1/image',
      shape: [5, 5],
      chunks: [5, 5],
      dtype: '<u2',
      scale: [8, 60],
      translation: [2, 15],
    };
    assert.deepEqual(visibleChunks(l, 0, 1, { y0: 0, y1: 10, x0: 0, x1: 14 }), {
      rows: [0, 1],
      cols: [0, 0],
    });
    assert.deepEqual(visibleChunks(l, 0, 1, { y0: 0, y1: 10, x0: 0, x1: 16 }), {
      rows: [0, 1],
      cols: [0, 1],
    });
    const big: OmeLevel = {
      path: '0',
      shape: [4, 250, 250],
      chunks: [1, 256, 256],
      dtype: '<u2',
      scale: [1, 1, 1],
      translation: [0, 0, 0],
    };
    assert.deepEqual(chunkBlock(big, 1, 2, 0, 0), { y0: 0, y1: 250, x0: 0, x1: 250 });
  });

  it('clips the last chunk block to the shape', () => {
    assert.deepEqual(chunkBlock(levels[4] as OmeLevel, 1, 2, 2, 1), {
      y0: 1024,
      y1: 1280,
      x0: 512,
      x1: 1024,
    });
  });

  it('scale bars are 1, 2 or 5 × 10^k and fit', () => {
    assert.equal(scaleBarLength(4, 200), 50);
    assert.equal(scaleBarLength(1000 / 5120, 200), 1000);
    assert.equal(scaleBarLength(0.01, 150), 10000);
    assert.equal(scaleBarLength(1, 300), 200);
  });
});
