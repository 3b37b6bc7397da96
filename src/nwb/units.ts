/**
 * Units tables: spike times of a page of units (ragged `spike_times` via `spike_times_index`),
 * clipped to a time window, and the mean waveform of one unit on one channel.
 */
import type { UnitsRaster, UnitWaveform } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import type { NwbFile } from './nwbFile';
import { joinPath, toNumber, valueToText } from './reader';
import { raggedRanges, tableColumnText, tableIds } from './table';

export async function unitsRaster(
  nwb: NwbFile,
  path: string,
  unitStart: number,
  unitCount: number,
  t0?: number,
  t1?: number,
  signal?: AbortSignal,
): Promise<UnitsRaster> {
  const r = nwb.reader;
  const timesPath = joinPath(path, 'spike_times');
  const indexPath = joinPath(path, 'spike_times_index');
  if (!(await r.exists(timesPath)) || !(await r.exists(indexPath)))
    throw new Error(`${path} has no spike_times`);
  const ids = await tableIds(nwb, path);
  const total = ids.length || ((await r.entry(indexPath))?.shape?.[0] ?? 0);
  const first = Math.max(0, Math.min(Math.floor(unitStart), total));
  const count = Math.max(0, Math.min(Math.floor(unitCount), total - first, 1000));
  const ranges = count > 0 ? await raggedRanges(nwb, indexPath, first, count, signal) : [];
  // Clamp to the data: subset files (nwb-linkml) keep index entries past the end of spike_times.
  const stored = (await r.entry(timesPath))?.shape?.[0] ?? 0;
  // Region-reference indexes (MatNWB) need not run in order: read the span of all rows.
  const lo = Math.min(ranges.length ? Math.min(...ranges.map(([a]) => a)) : 0, stored);
  const hi = Math.min(ranges.length ? Math.max(...ranges.map(([, b]) => b)) : 0, stored);
  const all =
    hi > lo
      ? await r.readNumbers(
          timesPath,
          { start: [lo], count: [hi - lo] },
          { signal, maxElements: nwb.limits.maxElements },
        )
      : new Float64Array(0);
  // Each row's spikes inside the span read (a row's range outside it has none).
  const perUnit = ranges.map(([a, b]) => {
    const begin = Math.max(a, lo) - lo;
    return all.subarray(begin, Math.max(begin, Math.min(b, hi) - lo));
  });
  const window = rasterWindow([all], perUnit, t0, t1);
  const labels = await unitLabels(nwb, path);
  const units = ranges.map((_, i) => {
    const row = first + i;
    const id = ids[row] ?? row;
    const extra = labels?.[row];
    return { row, id, label: extra ? `${id} · ${extra}` : `${id}` };
  });
  return {
    path,
    unitCount: total,
    units,
    ...window,
  };
}

/**
 * The raster of `perUnit` spike times inside [t0, t1] (default: the extent of the `extent` arrays):
 * the kept times unit after unit with their offsets, and the window and extent used.
 */
export function rasterWindow(
  extent: readonly ArrayLike<number>[],
  perUnit: readonly ArrayLike<number>[],
  t0?: number,
  t1?: number,
): Pick<UnitsRaster, 'offsets' | 'times' | 't0' | 't1' | 'tMin' | 'tMax'> {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const values of extent)
    for (let i = 0; i < values.length; i++) {
      const t = values[i];
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
    }
  if (tMin === Infinity) [tMin, tMax] = [0, 0];
  const from = t0 ?? tMin;
  const to = t1 ?? tMax;
  const offsets = [0];
  const kept: number[] = [];
  for (const times of perUnit) {
    for (let i = 0; i < times.length; i++) if (times[i] >= from && times[i] <= to) kept.push(times[i]);
    offsets.push(kept.length);
  }
  return {
    offsets: toArrayBuffer(Uint32Array.from(offsets)),
    times: toArrayBuffer(Float64Array.from(kept)),
    t0: from,
    t1: to,
    tMin,
    tMax,
  };
}

/** A short per-unit label from a quality / location column when the table has one. */
export async function unitLabels(nwb: NwbFile, path: string): Promise<string[] | undefined> {
  for (const column of ['quality', 'location', 'cell_type']) {
    try {
      const text = await tableColumnText(nwb, path, column);
      if (text) return text;
    } catch {
      // Try the next candidate.
    }
  }
  return undefined;
}

export async function unitWaveform(
  nwb: NwbFile,
  path: string,
  unit: number,
  channel = 0,
  signal?: AbortSignal,
): Promise<UnitWaveform> {
  const r = nwb.reader;
  const meanPath = joinPath(path, 'waveform_mean');
  const mean = await r.entry(meanPath);
  if (mean?.kind !== 'dataset') throw new Error(`${path} has no waveform_mean`);
  const shape = mean.shape ?? [];
  if (unit < 0 || unit >= (shape[0] ?? 0))
    throw new Error(`unit ${unit} is out of range (${shape[0] ?? 0} units)`);
  const sampleCount = shape[1] ?? 1;
  const channelCount = shape.length > 2 ? shape[2] : 1;
  const c = Math.max(0, Math.min(channel, channelCount - 1));
  const read = async (p: string) => {
    const sel =
      shape.length > 2
        ? { start: [unit, 0, c], count: [1, sampleCount, 1] }
        : { start: [unit, 0], count: [1, sampleCount] };
    return toArrayBuffer(Float32Array.from(await r.readNumbers(p, sel, { signal })));
  };
  const result: UnitWaveform = { unit, channel: c, channelCount, sampleCount, mean: await read(meanPath) };
  const sdPath = joinPath(path, 'waveform_sd');
  if ((await r.entry(sdPath))?.kind === 'dataset') result.sd = await read(sdPath);
  const rate =
    toNumber(await r.attr(path, 'waveform_rate')) ?? toNumber(await r.attr(meanPath, 'sampling_rate'));
  if (rate !== undefined) result.rate = rate;
  const unitAttr = (await r.attr(path, 'waveform_unit')) ?? (await r.attr(meanPath, 'unit'));
  if (unitAttr !== undefined && unitAttr !== null) result.valueUnit = valueToText(unitAttr);
  return result;
}
