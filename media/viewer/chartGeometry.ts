/**
 * Pixel geometry of the charts uPlot has no path builder for (pure, no DOM): spike raster ticks,
 * interval lane bars, XY polylines and pose skeletons. `toX`/`toY` map data values to pixels (the
 * path builders in charts.ts pass uPlot's valToPos in canvas pixels); `xMin`/`xMax` bound the
 * visible plot area, so only what can be seen is turned into path commands.
 */

export type ToPixel = (value: number) => number;

/**
 * Pixel columns of one raster row's spikes in [xMin, xMax], each column once: a dense row (many
 * spikes per pixel when zoomed out) costs one tick per column, not one per spike. Times are
 * assumed sorted (as NWB spike_times are per unit); unsorted times still draw, with repeats.
 */
export function tickColumns(times: ArrayLike<number>, toX: ToPixel, xMin: number, xMax: number): number[] {
  const columns: number[] = [];
  let last = NaN;
  for (let i = 0; i < times.length; i++) {
    const px = Math.round(toX(times[i]));
    if (!(px >= xMin && px <= xMax) || px === last) continue;
    columns.push(px);
    last = px;
  }
  return columns;
}

/** The vertical extent of a row centred at `centre` when rows are `pitch` pixels apart: `fill` of the pitch, at least `minHeight`. */
export function rowExtent(
  centre: number,
  pitch: number,
  fill = 0.8,
  minHeight = 3,
): { top: number; bottom: number } {
  const half = Math.max(minHeight, Math.abs(pitch) * fill) / 2;
  return { top: centre - half, bottom: centre + half };
}

/** An [x, width] bar of the interval [start, stop) in pixels, clipped to [xMin, xMax], at least `minWidth` wide; null when unseen. */
export function intervalBar(
  start: number,
  stop: number,
  toX: ToPixel,
  xMin: number,
  xMax: number,
  minWidth = 1,
): [number, number] | null {
  const a = toX(start);
  const b = toX(Number.isFinite(stop) ? stop : start);
  let x0 = Math.min(a, b);
  let x1 = Math.max(a, b);
  if (!Number.isFinite(x0) || !Number.isFinite(x1) || x1 < xMin - minWidth || x0 > xMax) return null;
  // Clip far-off ends: a bar millions of pixels wide (deep zoom) is slow to fill and can overflow.
  x0 = Math.max(x0, xMin - 1);
  x1 = Math.min(x1, xMax + 1);
  return [x0, Math.max(minWidth, x1 - x0)];
}

/**
 * Lanes of intervals by label: the distinct labels in order of first appearance, at most
 * `maxLanes` (the rest share the last lane), and each interval's lane. No labels: one lane.
 */
export function laneAssignment(
  labels: readonly string[],
  count: number,
  maxLanes: number,
  unlabelled = 'intervals',
): { lanes: string[]; laneOf: Uint16Array } {
  const laneOf = new Uint16Array(count);
  if (labels.length === 0) return { lanes: [unlabelled], laneOf };
  const lanes: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const label = labels[i] ?? '';
    let lane = index.get(label);
    if (lane === undefined) {
      lane = lanes.length < maxLanes ? lanes.push(label) - 1 : maxLanes - 1;
      index.set(label, lane);
    }
    laneOf[i] = lane;
  }
  return { lanes, laneOf };
}

/**
 * The pen-down runs of a polyline as flat [x0, y0, x1, y1, ...] pixel arrays: a non-finite sample
 * (NaN = not tracked) lifts the pen, and points falling on the pixel of the previous one are
 * dropped (long trajectories cost what the screen can show).
 */
export function polylineRuns(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  toX: ToPixel,
  toY: ToPixel,
): number[][] {
  const runs: number[][] = [];
  let run: number[] | null = null;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const px = toX(xs[i]);
    const py = toY(ys[i]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      run = null;
      continue;
    }
    if (!run) {
      run = [px, py];
      runs.push(run);
    } else if (
      Math.round(px) !== Math.round(run[run.length - 2]) ||
      Math.round(py) !== Math.round(run[run.length - 1])
    ) {
      run.push(px, py);
    }
  }
  return runs;
}

/** Skeleton edges [a, b] between keypoints whose positions are both finite, as [x0, y0, x1, y1]. */
export function skeletonSegments(
  points: readonly { x: number; y: number }[],
  edges: readonly (readonly [number, number])[],
): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (const [a, b] of edges) {
    const pa = points[a];
    const pb = points[b];
    if (!pa || !pb || !Number.isFinite(pa.x + pa.y + pb.x + pb.y)) continue;
    out.push([pa.x, pa.y, pb.x, pb.y]);
  }
  return out;
}

/** A padded [start, end] over the finite values of several arrays ({0, 1} when none is finite). */
export function paddedBounds(
  arrays: readonly ArrayLike<number>[],
  pad = 0.05,
): { start: number; end: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of arrays) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return { start: 0, end: 1 };
  const margin = (hi - lo || 1) * pad;
  return { start: lo - margin, end: hi + margin };
}

/** A "nice" length (1, 2 or 5 × 10^k) no longer than `limit`. */
export function niceLength(limit: number): number {
  if (!(limit > 0) || !Number.isFinite(limit)) return 0;
  const power = 10 ** Math.floor(Math.log10(limit));
  return [5, 2, 1].map(m => Number((m * power).toPrecision(12))).find(v => v <= limit * (1 + 1e-9)) ?? power;
}
