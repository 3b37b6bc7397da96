import type { RoiSet } from '../../src/shared/protocol';

/**
 * ROI masks of a PlaneSegmentation (pure, no DOM): pixel_mask lists to dense masks, a label image
 * for hit-testing, outlines, and the RGBA overlay drawn over the summary image.
 */

/** One ROI as a dense weight image (row-major, `height` rows of `width`). */
export interface DenseMask {
  width: number;
  height: number;
  weights: ArrayLike<number>;
}

/** pixel_mask entries of one ROI: x (column), y (row), weight. */
export interface PixelMaskEntry {
  x: number;
  y: number;
  weight: number;
}

/** A dense mask from pixel_mask entries; entries outside the image are ignored. */
export function pixelMaskToDense(
  entries: readonly PixelMaskEntry[],
  width: number,
  height: number,
): DenseMask {
  const weights = new Float32Array(width * height);
  for (const { x, y, weight } of entries) {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    if (xi >= 0 && yi >= 0 && xi < width && yi < height)
      weights[yi * width + xi] = Math.max(weights[yi * width + xi], weight);
  }
  return { width, height, weights };
}

/**
 * A label image: for each pixel the index of the ROI with the largest weight above `threshold`
 * there, or -1. Used to hit-test clicks and to draw fills.
 */
export function labelImage(
  masks: readonly DenseMask[],
  width: number,
  height: number,
  threshold = 0,
): Int32Array {
  const labels = new Int32Array(width * height).fill(-1);
  const best = new Float32Array(width * height);
  masks.forEach((mask, roi) => {
    const w = Math.min(width, mask.width);
    const h = Math.min(height, mask.height);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = mask.weights[y * mask.width + x];
        const p = y * width + x;
        if (v > threshold && (labels[p] < 0 || v > best[p])) {
          labels[p] = roi;
          best[p] = v;
        }
      }
    }
  });
  return labels;
}

/**
 * Outline of every label: pixels whose label differs from one of their 4 neighbours (or that
 * touch the image border). Returns a Uint8Array with 1 on outline pixels of labelled areas.
 */
export function labelOutlines(labels: Int32Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const l = labels[p];
      if (l < 0) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        labels[p - 1] !== l ||
        labels[p + 1] !== l ||
        labels[p - width] !== l ||
        labels[p + width] !== l
      ) {
        out[p] = 1;
      }
    }
  }
  return out;
}

/** Centroid (x, y) of each label, NaN for labels without pixels (to place ROI numbers). */
export function labelCentroids(labels: Int32Array, width: number, count: number): { x: number; y: number }[] {
  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  const n = new Float64Array(count);
  for (let p = 0; p < labels.length; p++) {
    const l = labels[p];
    if (l < 0 || l >= count) continue;
    sx[l] += p % width;
    sy[l] += Math.floor(p / width);
    n[l]++;
  }
  return Array.from({ length: count }, (_, i) => ({
    x: n[i] ? sx[i] / n[i] : NaN,
    y: n[i] ? sy[i] / n[i] : NaN,
  }));
}

/** RGB of a categorical colour (same hues as colormaps.categoricalColor, HSL 80%/55%). */
export function categoricalRgb(index: number): [number, number, number] {
  const h = ((index * 137.508) % 360) / 360;
  const s = 0.8;
  const l = 0.55;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const hue = (t: number): number => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (u < 1 / 6) return p + (q - p) * 6 * u;
    if (u < 1 / 2) return q;
    if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
    return p;
  };
  return [Math.round(hue(h + 1 / 3) * 255), Math.round(hue(h) * 255), Math.round(hue(h - 1 / 3) * 255)];
}

/**
 * The overlay's RGBA pixels: outlines opaque, fills translucent (`fillAlpha` 0..255), the
 * selected ROI brighter and filled more.
 */
export function overlayPixels(
  labels: Int32Array,
  outlines: Uint8Array,
  options: { fillAlpha: number; selected: number | null; hidden?: ReadonlySet<number> },
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(labels.length * 4);
  const colours = new Map<number, [number, number, number]>();
  for (let p = 0; p < labels.length; p++) {
    const l = labels[p];
    if (l < 0 || options.hidden?.has(l)) continue;
    let c = colours.get(l);
    if (!c) colours.set(l, (c = categoricalRgb(l)));
    const isSelected = options.selected === l;
    const o = p * 4;
    out[o] = isSelected ? 255 : c[0];
    out[o + 1] = isSelected ? 255 : c[1];
    out[o + 2] = isSelected ? 255 : c[2];
    out[o + 3] = outlines[p] ? 255 : isSelected ? Math.min(255, options.fillAlpha * 2) : options.fillAlpha;
  }
  return out;
}

/** Dense masks per ROI from the host's flattened pixel lists (plane 0 for voxel masks). */
export function masksFromRoiSet(set: RoiSet): DenseMask[] {
  const offsets = new Uint32Array(set.offsets);
  const xs = new Uint32Array(set.x);
  const ys = new Uint32Array(set.y);
  const ws = new Float32Array(set.weight);
  const zs = set.z ? new Uint32Array(set.z) : null;
  const masks: DenseMask[] = [];
  const count = Math.min(set.ids.length, offsets.length - 1);
  for (let r = 0; r < count; r++) {
    const entries = [];
    for (let i = offsets[r]; i < offsets[r + 1]; i++) {
      if (zs && zs[i] !== 0) continue;
      entries.push({ x: xs[i], y: ys[i], weight: ws[i] });
    }
    masks.push(pixelMaskToDense(entries, set.width, set.height));
  }
  return masks;
}
