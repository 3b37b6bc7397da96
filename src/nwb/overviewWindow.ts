/**
 * A series window answered from its min/max pyramid: the exact overview once the pyramid is
 * finished (no data read), or the refining one while it is built, where columns the background
 * reads have not reached yet show the probes' values (or their nearest neighbour's). Rate-timed
 * series map samples to time by their rate; series with timestamps by the pyramid's block times
 * (columns of whole blocks, exact in time, with breaks at pauses).
 */
import type { OverviewStatus, SeriesInfo, SeriesWindow } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { fillGaps, toPhysical } from './decimate';
import type { NwbFile } from './nwbFile';
import { foldBlocks, type OverviewPyramid } from './overviewPyramid';
import { OverviewRefiner } from './overviewRefiner';

export interface PyramidWindowRequest {
  /** Sample range [start, end) and the columns the screen has. */
  start: number;
  end: number;
  pixels: number;
  channels: number[];
  /** The time of sample i (rate-timed series). */
  timeOf: (sample: number) => number;
}

/** A time window of a series with timestamps. */
export interface PyramidTimeRequest {
  t0: number;
  t1: number;
  pixels: number;
  channels: number[];
}

/** What a window of columns holds, raw (before conversion), channel-major. */
interface RawColumns {
  columns: number;
  time: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sampleStart: number;
  sampleEnd: number;
  count: number;
  nanCount: number;
  /** Columns that are breaks (stay empty, never filled from a neighbour). */
  isBreak?: Uint8Array;
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
  const time = new Float64Array(w.columns);
  for (let c = 0; c < w.columns; c++) time[c] = request.timeOf(w.columnStart[c]);
  const raw = { ...w, time, sampleStart: start, sampleEnd: end };
  return reply(info, channels, raw, pyramid.complete, pyramid.progress, version);
}

/**
 * The window [t0, t1] of a series with timestamps from `pyramid` and its block times, or null
 * when the times are not all read or the window holds fewer blocks than columns.
 */
export function pyramidTimeWindow(
  info: SeriesInfo,
  pyramid: OverviewPyramid,
  request: PyramidTimeRequest,
  version: number,
): SeriesWindow | null {
  const times = pyramid.times;
  const layout = times?.columnsFor(request.t0, request.t1, request.pixels);
  if (!times || !layout) return null;
  const { channels } = request;
  const level = pyramid.levels[0];
  const size = 2 ** level.shift;
  const columns = layout.columns;
  const min = new Float64Array(columns * channels.length).fill(Infinity);
  const max = new Float64Array(columns * channels.length).fill(-Infinity);
  let count = 0;
  let nanCount = 0;
  for (let col = 0; col < columns; col++) {
    const b0 = layout.blockStart[col];
    const b1 = layout.blockEnd[col];
    if (b1 <= b0) continue;
    count += (Math.min(pyramid.sampleCount, b1 * size) - b0 * size) * channels.length;
    nanCount += foldBlocks(level, channels, b0, b1, { col, columns, min, max });
  }
  const raw: RawColumns = {
    columns,
    time: layout.time,
    min,
    max,
    sampleStart: layout.blockStart[0] * size,
    sampleEnd: Math.min(pyramid.sampleCount, layout.blockEnd[columns - 1] * size),
    count,
    nanCount,
    isBreak: layout.isBreak,
  };
  // The data's share of the work is its elements; the timestamps' is one per sample.
  const progress = (pyramid.progress * info.channelCount + times.progress) / (info.channelCount + 1);
  return reply(info, channels, raw, pyramid.complete && times.complete, progress, version);
}

/**
 * A series with timestamps whose finished pyramid (memory or disk) resolves the window: answered
 * from its block times, with no read. Null otherwise, or when it holds at most `rawSamples`.
 */
export async function storedTimeWindow(
  nwb: NwbFile,
  info: SeriesInfo,
  request: PyramidTimeRequest,
  rawSamples: number,
): Promise<SeriesWindow | null> {
  if (info.timing.kind !== 'timestamps' || !OverviewRefiner.supports(info)) return null;
  const stored = await nwb.overviews.finished(info);
  const answer = stored && pyramidTimeWindow(info, stored, request, Number.MAX_SAFE_INTEGER);
  return answer?.mode === 'minmax' && answer.sampleCount > rawSamples ? answer : null;
}

function reply(
  info: SeriesInfo,
  channels: number[],
  w: RawColumns,
  exact: boolean,
  progress: number,
  version: number,
): SeriesWindow {
  const { min, max } = toPhysical(w.min, w.max, info.conversion, info.offset);
  if (!exact) {
    fillGaps(min, max, w.columns, channels.length);
    // A break stays empty: it is where the recording paused, not a column the reads missed.
    for (let col = 0; w.isBreak && col < w.columns; col++) {
      if (!w.isBreak[col]) continue;
      for (let k = 0; k < channels.length; k++) min[k * w.columns + col] = max[k * w.columns + col] = NaN;
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < min.length; k++) {
    if (min[k] < lo) lo = min[k];
    if (max[k] > hi) hi = max[k];
  }
  const overview: OverviewStatus = {
    state: exact ? 'exact' : 'refining',
    progress: exact ? 1 : progress,
    refinable: !exact,
    version,
  };
  const finite = lo <= hi;
  return {
    mode: 'minmax',
    sampleStart: w.sampleStart,
    sampleCount: w.sampleEnd - w.sampleStart,
    columns: w.columns,
    channels,
    time: toArrayBuffer(w.time),
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
