/**
 * A series window answered from its min/max pyramid: the exact overview once the pyramid is
 * finished (no data read), or the refining one while it is built, where columns the background
 * reads have not reached yet show the probes' values (or their nearest neighbour's).
 */
import type { OverviewStatus, SeriesInfo, SeriesWindow } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { fillGaps, toPhysical } from './decimate';
import type { OverviewPyramid } from './overviewPyramid';

export interface PyramidWindowRequest {
  /** Sample range [start, end) and the columns the screen has. */
  start: number;
  end: number;
  pixels: number;
  channels: number[];
  /** The time of sample i (rate-timed series). */
  timeOf: (sample: number) => number;
}

/** The window from `pyramid`, or null when its blocks are wider than the window's columns. */
export function pyramidWindow(
  info: SeriesInfo,
  pyramid: OverviewPyramid,
  request: PyramidWindowRequest,
  version: number,
): SeriesWindow | null {
  const { start, end, pixels, channels } = request;
  const w = pyramid.window(start, end, pixels, channels);
  if (!w) return null;
  const exact = pyramid.complete;
  const { min, max } = toPhysical(w.min, w.max, info.conversion, info.offset);
  if (!exact) fillGaps(min, max, w.columns, channels.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < min.length; k++) {
    if (min[k] < lo) lo = min[k];
    if (max[k] > hi) hi = max[k];
  }
  const time = new Float64Array(w.columns);
  for (let c = 0; c < w.columns; c++) time[c] = request.timeOf(w.columnStart[c]);
  const overview: OverviewStatus = {
    state: exact ? 'exact' : 'refining',
    progress: pyramid.progress,
    refinable: !exact,
    version,
  };
  const finite = lo <= hi;
  return {
    mode: 'minmax',
    sampleStart: start,
    sampleCount: end - start,
    columns: w.columns,
    channels,
    time: toArrayBuffer(time),
    min: toArrayBuffer(min),
    max: toArrayBuffer(max),
    exact,
    unit: info.unit,
    stats: {
      count: w.count,
      nanCount: w.nanCount,
      min: finite ? lo : NaN,
      max: finite ? hi : NaN,
    },
    overview,
  };
}
