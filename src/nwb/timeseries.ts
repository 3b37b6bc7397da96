/**
 * TimeSeries semantics: the time axis (from `timestamps`, or `starting_time` + `rate`), values
 * (`data * conversion + offset` in `unit`), channels (columns after the time axis), and window
 * reads reduced to min/max per pixel column. Only the samples of the visible window are read;
 * a window too long to read in full is sampled at chunk-aligned probes (see {@link seriesWindow}).
 */
import type { SeriesInfo, SeriesWindow, SeriesWindowParams, Timing } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import { StatsAccumulator, valueStats } from '../shared/valueStats';
import { fillGaps, MinMaxBins } from './decimate';
import type { NwbFile } from './nwbFile';
import { OverviewRefiner } from './overviewRefiner';
import {
  pyramidTimeWindow,
  pyramidWindow,
  storedTimeWindow,
  type PyramidWindowRequest,
} from './overviewWindow';
import { joinPath, product, toNumber, valueToText } from './reader';
import { regionRows, tableIds, tableColumnText } from './table';

/** Windows with at most this many samples per pixel column are sent raw. */
const RAW_SAMPLES_PER_PIXEL = 2;
/** Rows per read when a window is reduced exactly (bounds memory). */
const BLOCK_ELEMENTS = 1_000_000;
/** Fewest probes of a sparse overview, whatever the budget says. */
const MIN_PROBES = 16;

export async function seriesInfo(nwb: NwbFile, path: string): Promise<SeriesInfo> {
  const r = nwb.reader;
  const dataEntry = await r.entry(joinPath(path, 'data'));
  if (!dataEntry || dataEntry.kind !== 'dataset') throw new Error(`${path} has no data dataset`);
  // Linked data (pynwb's data=other.data) is read at its target.
  const dataPath = dataEntry.path;
  const ds = await r.datasetInfo(dataPath);
  if (ds.shape.length === 0) throw new Error(`${dataPath} is a scalar, not a series`);
  const attrs = await r.attrs(dataPath);
  const sampleCount = ds.shape[0];
  const channelCount = product(ds.shape.slice(1));
  const timing = await readTiming(nwb, path, sampleCount, [dataPath, channelCount]);
  const [tStart, tEnd] = timeBounds(timing, sampleCount);
  const info: SeriesInfo = {
    path,
    neurodataType: await nwb.typeOf(path),
    description: await r.attrString(path, 'description'),
    unit: attrs.has('unit') ? valueToText(attrs.get('unit') ?? '') : 'unknown',
    conversion: toNumber(attrs.get('conversion')) ?? 1,
    offset: toNumber(attrs.get('offset')) ?? 0,
    resolution: toNumber(attrs.get('resolution')),
    dataPath,
    dtype: ds.dtype,
    shape: ds.shape,
    sampleCount,
    channelCount,
    timing,
    tStart,
    tEnd,
    chunks: ds.chunks,
  };
  await addChannelLabels(nwb, info);
  return info;
}

async function readTiming(
  nwb: NwbFile,
  path: string,
  n: number,
  [dataPath, channelCount]: [string, number],
): Promise<Timing> {
  const r = nwb.reader;
  const startPath = joinPath(path, 'starting_time');
  if (await r.exists(startPath)) {
    // Some writers store starting_time as a 1-element array (neurosift#306).
    const startingTime = toNumber(await r.scalar(startPath)) ?? 0;
    const rate = (await r.attrNumber(startPath, 'rate')) ?? NaN;
    if (Number.isFinite(rate) && rate > 0) return { kind: 'rate', startingTime, rate };
  }
  const tsPath = joinPath(path, 'timestamps');
  const tsEntry = await r.entry(tsPath);
  if (tsEntry?.kind === 'dataset' && n > 0 && (tsEntry.shape?.[0] ?? 0) > 0) {
    // A finished overview knows the first and last times: a second open reads no timestamp.
    const known = await nwb.overviews.timeBounds(dataPath, n, channelCount).catch(() => null);
    if (known) return { kind: 'timestamps', path: tsEntry.path, first: known[0], last: known[1] };
    const count = Math.min(n, tsEntry.shape?.[0] ?? n);
    const first = await r.numberAt(tsEntry.path, 0);
    const last = await r.numberAt(tsEntry.path, count - 1);
    return { kind: 'timestamps', path: tsEntry.path, first, last };
  }
  return { kind: 'none' };
}

function timeBounds(timing: Timing, n: number): [number, number] {
  switch (timing.kind) {
    case 'rate':
      return [timing.startingTime, timing.startingTime + Math.max(0, n - 1) / timing.rate];
    case 'timestamps':
      return [timing.first, timing.last];
    case 'none':
      return [0, Math.max(0, n - 1)];
  }
}

/** ElectricalSeries (`electrodes`) and RoiResponseSeries (`rois`) name their channels through a region. */
async function addChannelLabels(nwb: NwbFile, info: SeriesInfo): Promise<void> {
  const r = nwb.reader;
  for (const name of ['electrodes', 'rois']) {
    const regionPath = joinPath(info.path, name);
    const entry = await r.entry(regionPath);
    // Row indices (1-D), or region references (MatNWB and NWB 1.x: often one, scalar).
    if (entry?.kind !== 'dataset' || (entry.shape?.length ?? 0) > 1) continue;
    try {
      const { rows, table } = await regionRows(nwb, regionPath, 1_000_000);
      info.electrodeRows = name === 'electrodes' ? rows : undefined;
      if (!table) {
        info.channelLabels = rows.map(row => `row ${row}`);
        return;
      }
      const ids = await tableIds(nwb, table);
      const location = name === 'electrodes' ? await tableColumnText(nwb, table, 'location') : undefined;
      info.channelLabels = rows.map(row => {
        const id = ids[row] ?? row;
        const where = location?.[row];
        return name === 'rois' ? `ROI ${id}` : where ? `${id} · ${where}` : `${id}`;
      });
    } catch {
      // Labels are a nicety; a broken region must not stop the plot.
    }
    return;
  }
}

/** Sample index range [start, end) covering [t0, t1], plus one sample either side so lines reach the edges. */
export async function sampleRange(
  nwb: NwbFile,
  info: SeriesInfo,
  t0: number,
  t1: number,
): Promise<[number, number]> {
  const n = info.sampleCount;
  if (n === 0) return [0, 0];
  let first: number;
  let last: number;
  const timing = info.timing;
  if (timing.kind === 'rate') {
    first = Math.ceil((t0 - timing.startingTime) * timing.rate - 1e-9);
    last = Math.floor((t1 - timing.startingTime) * timing.rate + 1e-9);
  } else if (timing.kind === 'none') {
    first = Math.ceil(t0);
    last = Math.floor(t1);
  } else {
    // A window reaching past either end needs no search there (each step is a request).
    const search = timestampSearch(nwb, timing.path, n);
    first = t0 <= timing.first ? 0 : await search.lowerBound(t0);
    last = t1 >= timing.last ? n - 1 : (await search.upperBound(t1)) - 1;
  }
  const start = clamp(first - 1, 0, n - 1);
  const end = clamp(last + 2, start + 1, n);
  return [start, end];
}

/** Binary search over a timestamps dataset with single-element reads (a few chunks, not the whole axis). */
function timestampSearch(nwb: NwbFile, path: string, n: number) {
  const cache = new Map<number, number>();
  const at = async (i: number) => {
    let v = cache.get(i);
    if (v === undefined) {
      v = await nwb.reader.numberAt(path, i);
      cache.set(i, v);
    }
    return v;
  };
  /** First index whose timestamp is past t (`>= t`, or `> t` when `strict`); n when none. */
  const search = async (t: number, strict: boolean): Promise<number> => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = await at(mid);
      if (v < t || (strict && v === t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { lowerBound: (t: number) => search(t, false), upperBound: (t: number) => search(t, true) };
}

/** Times of samples [start, start + count). */
export async function sampleTimes(
  nwb: NwbFile,
  info: SeriesInfo,
  start: number,
  count: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const timing = info.timing;
  if (timing.kind === 'timestamps') {
    return nwb.reader.readNumbers(timing.path, { start: [start], count: [count] }, { signal });
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = timeOfSample(info, start + i);
  return out;
}

/** Time of sample i for rate-based (or untimed) series; linear between the ends for timestamps. */
export function timeOfSample(info: SeriesInfo, i: number): number {
  const timing = info.timing;
  if (timing.kind === 'rate') return timing.startingTime + i / timing.rate;
  if (timing.kind === 'timestamps') {
    // Linear between the ends: used for sparse overviews only.
    const n = info.sampleCount;
    return n > 1 ? timing.first + ((timing.last - timing.first) * i) / (n - 1) : timing.first;
  }
  return i;
}

interface ChannelPlan {
  channels: number[];
  /** Selection of the flattened channel axis: first column and width actually read. */
  firstColumn: number;
  readWidth: number;
  /** Index of each output channel within a read row. */
  picks: number[];
}

export function planChannels(info: SeriesInfo, requested: number[]): ChannelPlan {
  const channels = requested.length ? requested : [0];
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= info.channelCount) {
      throw new Error(`channel ${c} is out of range (the series has ${info.channelCount})`);
    }
  }
  // 3-D and higher data cannot be sliced by flattened column, so read whole rows.
  if (info.shape.length > 2) {
    return { channels, firstColumn: 0, readWidth: info.channelCount, picks: channels };
  }
  // Loops, not spreads: a spread's arguments go on the stack.
  let firstColumn = channels[0];
  let lastColumn = channels[0];
  for (const c of channels) {
    firstColumn = Math.min(firstColumn, c);
    lastColumn = Math.max(lastColumn, c);
  }
  const readWidth = lastColumn - firstColumn + 1;
  return { channels, firstColumn, readWidth, picks: channels.map(c => c - firstColumn) };
}

function rowSelection(info: SeriesInfo, plan: ChannelPlan, start: number, rows: number) {
  if (info.shape.length === 1) return { start: [start], count: [rows] };
  if (info.shape.length === 2) return { start: [start, plan.firstColumn], count: [rows, plan.readWidth] };
  return { start: [start, ...info.shape.slice(1).map(() => 0)], count: [rows, ...info.shape.slice(1)] };
}

/**
 * Reads a time window for display. Few samples: raw. Otherwise min/max per pixel column: exact
 * (every sample read, in blocks) while the window fits the element budget, else sparse: a
 * chunk-aligned run of samples per probe, so a zoomed-out view of a huge series touches a few
 * chunks instead of all of them.
 */
export async function seriesWindow(
  nwb: NwbFile,
  info: SeriesInfo,
  params: SeriesWindowParams,
  signal?: AbortSignal,
): Promise<SeriesWindow> {
  if (!['integer', 'float', 'boolean', 'enum'].includes(info.dtype.class)) {
    throw new Error(`${info.dataPath} holds ${info.dtype.display} values, which cannot be plotted`);
  }
  const plan = planChannels(info, params.channels);
  const pixels = clamp(Math.floor(params.pixels) || 1000, 1, 10_000);
  const t0 = Math.min(params.t0, params.t1);
  const t1 = Math.max(params.t0, params.t1);
  const asked = { t0, t1, pixels, channels: plan.channels };
  const timed = await storedTimeWindow(nwb, info, asked, pixels * RAW_SAMPLES_PER_PIXEL);
  if (timed) return timed;
  const [start, end] = await sampleRange(nwb, info, t0, t1);
  const count = end - start;
  const r = nwb.reader;

  if (count <= pixels * RAW_SAMPLES_PER_PIXEL) {
    const raw =
      count > 0
        ? await r.readNumbers(info.dataPath, rowSelection(info, plan, start, count), { signal })
        : new Float64Array(0);
    const values = new Float32Array(plan.channels.length * count);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < plan.picks.length; c++) {
        values[c * count + i] = raw[i * plan.readWidth + plan.picks[c]] * info.conversion + info.offset;
      }
    }
    const time = await sampleTimes(nwb, info, start, count, signal);
    return {
      stats: valueStats(values),
      mode: 'raw',
      sampleStart: start,
      count,
      channels: plan.channels,
      time: toArrayBuffer(time),
      values: toArrayBuffer(values),
      unit: info.unit,
    };
  }

  const budget = nwb.limits.maxElements;
  const probes = Math.min(pixels, probeCount(info, plan, budget));
  // The cost of a read is the chunks it decompresses, not the elements it returns.
  const chunkRows = info.chunks?.[0] ?? 0;
  const chunksInWindow = chunkRows > 0 ? Math.ceil(count / chunkRows) + 1 : Infinity;
  const windowCost =
    chunkRows > 0 ? chunksInWindow * chunkRows * touchedWidth(info, plan) : count * plan.readWidth;
  // Probing at least as many chunks as the window holds costs as much as reading it all.
  const exact = windowCost <= budget || probes >= chunksInWindow;
  // Too long to read: the series' min/max pyramid answers when it is finished (memory or disk).
  const request: PyramidWindowRequest = {
    start,
    end,
    pixels,
    channels: plan.channels,
    timeOf: i => timeOfSample(info, i),
  };
  const blockSize = exact ? null : OverviewRefiner.blockSize(info);
  // A refinement refused (timestamps that are NaN or step back) leaves the sparse overview.
  const resolvable = blockSize !== null && blockSize <= count / pixels && !nwb.overviews.refusal(info);
  if (resolvable && info.timing.kind !== 'timestamps') {
    const stored = await nwb.overviews.finished(info);
    const answer = stored && pyramidWindow(info, stored, request, Number.MAX_SAFE_INTEGER);
    if (answer) return answer;
  }
  const building = resolvable ? nwb.overviews.building(info) : null;
  const columns = exact ? pixels : probes;
  const bins = new MinMaxBins(columns, plan.channels.length, start, end);
  const stats = new StatsAccumulator();
  const columnTimes = new Float64Array(columns);
  if (exact) {
    // Each block is one read, so it stays within the file's read limit too.
    const blockElements = Math.min(BLOCK_ELEMENTS, nwb.limits.maxElements);
    let rowsPerBlock = Math.max(1, Math.floor(blockElements / plan.readWidth));
    if (chunkRows > 0 && rowsPerBlock > chunkRows) rowsPerBlock -= rowsPerBlock % chunkRows;
    let column = 0;
    for (let s = start; s < end; s += rowsPerBlock) {
      signal?.throwIfAborted();
      const rows = Math.min(rowsPerBlock, end - s);
      const block = await r.readNumbers(info.dataPath, rowSelection(info, plan, s, rows), { signal });
      bins.addBlock(block, s, rows, plan.readWidth, plan.picks);
      stats.addColumns(block, rows, plan.readWidth, plan.picks);
      if (info.timing.kind !== 'timestamps') continue;
      // The block's timestamps (within the read limit, like its data) give its columns' times.
      const times = await sampleTimes(nwb, info, s, rows, signal);
      for (; column < columns && bins.columnStart(column) < s + rows; column++)
        columnTimes[column] = times[bins.columnStart(column) - s];
    }
  } else {
    const runRows = Math.max(
      1,
      Math.min(Math.floor(count / columns), probeRows(info, plan, columns, nwb.limits.maxElements)),
    );
    for (let c = 0; c < columns; c++) {
      signal?.throwIfAborted();
      let s = bins.columnStart(c);
      // Start at a chunk boundary inside the column when there is one, so a probe touches one chunk.
      if (chunkRows > 1) {
        const aligned = Math.ceil(s / chunkRows) * chunkRows;
        if (aligned + runRows <= bins.columnStart(c + 1)) s = aligned;
      }
      const rows = Math.min(runRows, end - s);
      if (rows <= 0) continue;
      const block = await r.readNumbers(info.dataPath, rowSelection(info, plan, s, rows), { signal });
      bins.addBlock(block, s, rows, plan.readWidth, plan.picks);
      stats.addColumns(block, rows, plan.readWidth, plan.picks);
      // Probes widen the pyramid's blocks (not counted as covered), so a refining answer shows them where the reads have not been.
      building?.pyramid.add(block, s, rows, plan.readWidth, plan.picks, plan.channels, false);
    }
    // Once the background reads have started, the pyramid (exact where they reached) answers.
    const refining = !building
      ? null
      : building.pyramid.times
        ? pyramidTimeWindow(info, building.pyramid, asked, building.version)
        : building.pyramid.progress > 0
          ? pyramidWindow(info, building.pyramid, request, building.version)
          : null;
    if (refining) return refining;
  }
  if (info.timing.kind !== 'timestamps' || !exact) {
    for (let c = 0; c < columns; c++) columnTimes[c] = timeOfSample(info, bins.columnStart(c));
  }
  const { min, max } = bins.finish(info.conversion, info.offset);
  if (!exact) fillGaps(min, max, columns, plan.channels.length);
  return {
    mode: 'minmax',
    sampleStart: start,
    sampleCount: count,
    columns,
    channels: plan.channels,
    time: toArrayBuffer(columnTimes),
    min: toArrayBuffer(min),
    max: toArrayBuffer(max),
    exact,
    unit: info.unit,
    stats: stats.result(info.conversion, info.offset),
    ...(exact
      ? {}
      : { overview: { state: 'sparse' as const, progress: 0, refinable: resolvable, version: 0 } }),
  };
}

/** How many probes the budget allows when each decompresses one chunk row (all chunks across the channels read). */
function probeCount(info: SeriesInfo, plan: ChannelPlan, budget: number): number {
  const perProbe = (info.chunks?.[0] ?? 1) * touchedWidth(info, plan);
  return Math.max(MIN_PROBES, Math.floor(budget / Math.max(1, perProbe)));
}

/** Columns of data decompressed per row when reading the planned channels: whole chunks across. */
function touchedWidth(info: SeriesInfo, plan: ChannelPlan): number {
  const chunkCols = info.chunks && info.chunks.length > 1 ? product(info.chunks.slice(1)) : 0;
  if (!chunkCols) return plan.readWidth;
  const first = Math.floor(plan.firstColumn / chunkCols);
  const last = Math.floor((plan.firstColumn + plan.readWidth - 1) / chunkCols);
  return (last - first + 1) * chunkCols;
}

/** Rows per probe: what the budget allows, at most one chunk's worth. */
function probeRows(info: SeriesInfo, plan: ChannelPlan, probes: number, budget: number): number {
  const byBudget = Math.max(1, Math.floor(budget / (probes * plan.readWidth)));
  const chunkRows = info.chunks?.[0];
  return chunkRows ? Math.min(chunkRows, byBudget) : byBudget;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
