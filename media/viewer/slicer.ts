/** Hyperslab planning for the N-D dimension slicer (pure, no DOM). */

export interface SlicePlan {
  start: number[];
  count: number[];
  stride: number[];
}

/**
 * The hyperslab that shows `axes` (one axis: a line; two: rows × columns) at the fixed `index` of
 * every other axis, strided evenly so the element count stays under `maxElements`.
 */
export function planSlice(
  shape: readonly number[],
  axes: readonly number[],
  index: readonly number[],
  maxElements: number,
  maxPerAxis = Infinity,
): SlicePlan {
  const start = shape.map((n, d) => (axes.includes(d) ? 0 : Math.max(0, Math.min(n - 1, index[d] ?? 0))));
  const stride = shape.map(() => 1);
  const count = shape.map((n, d) => (axes.includes(d) ? n : 1));
  // No displayed axis needs more samples than the screen can show.
  for (const a of axes) {
    if (shape[a] > maxPerAxis) {
      stride[a] = Math.ceil(shape[a] / maxPerAxis);
      count[a] = Math.ceil(shape[a] / stride[a]);
    }
  }
  let total = axes.reduce((p, a) => p * Math.max(1, count[a]), 1);
  const budget = Math.max(1, maxElements);
  if (total > budget) {
    // Same extra factor on every displayed axis keeps the aspect ratio of heatmaps.
    const factor = Math.ceil(Math.pow(total / budget, 1 / axes.length));
    for (const a of axes) {
      stride[a] = Math.min(Math.max(1, shape[a]), stride[a] * factor);
      count[a] = Math.ceil(shape[a] / stride[a]);
    }
    total = axes.reduce((p, a) => p * count[a], 1);
    // Rounding can leave it slightly over: tighten the longest axis.
    while (total > budget) {
      const a = axes.reduce((best, x) => (count[x] > count[best] ? x : best), axes[0]);
      stride[a]++;
      count[a] = Math.ceil(shape[a] / stride[a]);
      total = axes.reduce((p, x) => p * count[x], 1);
    }
  }
  return { start, count, stride };
}
