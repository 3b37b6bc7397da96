import * as assert from 'node:assert/strict';
import {
  labelCentroids,
  labelImage,
  labelOutlines,
  overlayPixels,
  pixelMaskToDense,
} from '../../../media/viewer/roiMasks';

describe('viewer ROI masks', () => {
  const W = 6;
  const H = 5;
  // ROI 0: a 3x3 square at (1..3, 1..3); ROI 1: two pixels at the right edge, one overlapping weaker.
  const square = pixelMaskToDense(
    [1, 2, 3].flatMap(y => [1, 2, 3].map(x => ({ x, y, weight: 1 }))),
    W,
    H,
  );
  const edge = pixelMaskToDense(
    [
      { x: 5, y: 0, weight: 1 },
      { x: 3, y: 3, weight: 0.5 },
      { x: 99, y: 2, weight: 1 }, // outside: ignored
    ],
    W,
    H,
  );

  it('pixel_mask entries become dense weights; outside entries are dropped', () => {
    assert.equal(square.weights[2 * W + 2], 1);
    assert.equal(edge.weights[0 * W + 5], 1);
    assert.equal(Array.from(edge.weights).filter(v => v > 0).length, 2);
  });

  it('labels each pixel with the strongest ROI', () => {
    const labels = labelImage([square, edge], W, H);
    assert.equal(labels[0], -1);
    assert.equal(labels[2 * W + 2], 0);
    assert.equal(labels[3 * W + 3], 0); // square weight 1 beats 0.5
    assert.equal(labels[5], 1);
  });

  it('outlines are the border of each label, the interior is not', () => {
    const labels = labelImage([square, edge], W, H);
    const outline = labelOutlines(labels, W, H);
    assert.equal(outline[1 * W + 1], 1);
    assert.equal(outline[2 * W + 2], 0); // centre of the 3x3 square
    assert.equal(outline[5], 1); // image border pixel
    assert.equal(outline[0], 0);
  });

  it('centroids sit in the middle of each ROI, NaN when empty', () => {
    const labels = labelImage([square, edge], W, H);
    const [c0, c1, c2] = labelCentroids(labels, W, 3);
    assert.deepEqual(c0, { x: 2, y: 2 });
    assert.deepEqual(c1, { x: 5, y: 0 });
    assert.ok(Number.isNaN(c2.x));
  });

  it('overlay: opaque outlines, translucent fills, highlighted selection, hidden ROIs skipped', () => {
    const labels = labelImage([square, edge], W, H);
    const outline = labelOutlines(labels, W, H);
    const px = overlayPixels(labels, outline, { fillAlpha: 60, selected: 0, hidden: new Set([1]) });
    assert.equal(px[(1 * W + 1) * 4 + 3], 255);
    assert.equal(px[(2 * W + 2) * 4 + 3], 120);
    assert.deepEqual(Array.from(px.slice((2 * W + 2) * 4, (2 * W + 2) * 4 + 3)), [255, 255, 255]);
    assert.equal(px[5 * 4 + 3], 0);
    assert.equal(px[3], 0);
  });
});
