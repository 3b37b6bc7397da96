/**
 * TimeSeries semantics: the series' description (values are `data * conversion + offset` in
 * `unit`; channels are the columns after the time axis, labelled through their electrode or ROI
 * region), and window reads reduced to min/max per pixel column. Only the samples of the visible
 * window are read; a window too long to read in full is sampled at chunk-aligned probes (see
 * {@link seriesWindow}). The time axis lives in `seriesTime.ts`, read sizing in `seriesReadPlan.ts`.
 */
import type { SeriesInfo, SeriesWindow, SeriesWindowParams } from '../shared/protocol';
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
import { planChannels, probeCount, probeRows, rowSelection, touchedWidth } from './seriesReadPlan';
import { clamp, readTiming, sampleRange, sampleTimes, timeBounds, timeOfSample } from './seriesTime';
import { regionRows, tableIds, tableColumnText } from './table';

/** Windows with at most this many samples per pixel column are sent raw. */
const RAW_SAMPLES_PER_PIXEL = 2;
/** Rows per read when a window is reduced exactly (bounds memory). */
const BLOCK_ELEMENTS = 1_000_000;

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
