/**
 * Trial-aligned rasters and PSTHs, computed in the host: units' spike times (ragged `spike_times`
 * through `spike_times_index`, MatNWB region references included) are read once per unit and kept
 * for the file in a bounded cache, as are the intervals' event and group columns; each request then
 * costs two binary searches per trial and unit (see psthMath.ts).
 */
import type { PsthOptions, PsthParams, PsthResult, PsthTable, PsthUnit } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import type { NwbFile } from './nwbFile';
import { num } from './params';
import { alignSpikes, binRates, psthWindow, sortedSpikes } from './psthMath';
import { columnLabels, columnNumbers, psthTable, tablesOfType } from './psthTables';
import { joinPath } from './reader';
import { raggedRanges, tableIds, tableInfo } from './table';
import { unitLabels } from './units';

/** Units per `psth` request. */
export const MAX_PSTH_UNITS = 16;
/** Relative spike times one reply carries for the rasters (the histograms always count every spike). */
const MAX_RASTER_SPIKES = 1_000_000;
/** Groups shown; rarer values are pooled as "other". */
const MAX_GROUPS = 24;
/** Numbers (spike times, columns) kept per file between requests: 8 M float64, 64 MB. */
const CACHE_BUDGET = 8_000_000;

/** Recently used spike trains and columns of one file, evicted oldest first past the budget. */
class ColumnCache {
  private readonly _items = new Map<string, Float64Array | string[]>();
  private _size = 0;

  async get<T extends Float64Array | string[]>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this._items.get(key) as T | undefined;
    if (hit) {
      this._items.delete(key);
      this._items.set(key, hit);
      return hit;
    }
    const value = await load();
    this._items.set(key, value);
    this._size += value.length;
    for (const [k, v] of this._items) {
      if (this._size <= CACHE_BUDGET || k === key) break;
      this._items.delete(k);
      this._size -= v.length;
    }
    return value;
  }
}

const caches = new WeakMap<NwbFile, ColumnCache>();
function cacheOf(nwb: NwbFile): ColumnCache {
  let cache = caches.get(nwb);
  if (!cache) caches.set(nwb, (cache = new ColumnCache()));
  return cache;
}

export async function psthOptions(nwb: NwbFile): Promise<PsthOptions> {
  const read = async (type: 'Units' | 'TimeIntervals'): Promise<PsthTable[]> => {
    const tables = await Promise.all((await tablesOfType(nwb, type)).map(p => psthTable(nwb, p)));
    // Intervals need a column of times to align on; units without spike times are already left out.
    return tables.filter(
      (t): t is PsthTable => t !== null && (type === 'Units' || t.numberColumns.length > 0),
    );
  };
  return { units: await read('Units'), intervals: await read('TimeIntervals') };
}

/** Spike times of unit `row`, sorted, read in pieces no larger than the file's read limit. */
async function unitSpikes(
  nwb: NwbFile,
  units: string,
  row: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  return cacheOf(nwb).get(`spikes:${units}:${row}`, async () => {
    const timesPath = joinPath(units, 'spike_times');
    const [range] = await raggedRanges(nwb, joinPath(units, 'spike_times_index'), row, 1, signal);
    if (!range) throw new Error(`${units}/spike_times_index has no entry for unit row ${row}`);
    const [a, b] = range;
    // Clamp to the data: subset files keep index entries past the end of spike_times.
    const stored = (await nwb.reader.entry(timesPath))?.shape?.[0] ?? 0;
    const start = Math.min(a, stored);
    const end = Math.min(b, stored);
    const limit = Math.max(1, nwb.limits.maxElements);
    if (end - start > 4 * limit)
      throw new Error(`unit row ${row} has ${end - start} spikes, more than ${4 * limit} this view reads`);
    const out = new Float64Array(Math.max(0, end - start));
    for (let at = start; at < end; at += limit) {
      const count = Math.min(limit, end - at);
      out.set(
        await nwb.reader.readNumbers(timesPath, { start: [at], count: [count] }, { signal }),
        at - start,
      );
    }
    return sortedSpikes(out);
  });
}

/** Trials (rows of the intervals table with a finite event time) grouped by a column's labels. */
async function trialGroups(
  nwb: NwbFile,
  p: PsthParams,
  signal?: AbortSignal,
): Promise<{ events: Float64Array; groups: { label: string; trials: number[] }[]; skipped: number }> {
  const { rowCount } = await tableInfo(nwb, p.intervals);
  const cache = cacheOf(nwb);
  const events = await cache.get(`numbers:${p.intervals}:${p.align}`, () =>
    columnNumbers(nwb, p.intervals, p.align, rowCount, signal),
  );
  const labels = p.groupBy
    ? await cache.get(`labels:${p.intervals}:${p.groupBy}`, () =>
        columnLabels(nwb, p.intervals, p.groupBy as string, rowCount, signal),
      )
    : null;
  const byLabel = new Map<string, number[]>();
  let skipped = 0;
  for (let row = 0; row < events.length; row++) {
    if (!Number.isFinite(events[row])) {
      skipped++;
      continue;
    }
    const label = labels ? labels[row] || '(empty)' : 'all trials';
    let trials = byLabel.get(label);
    if (!trials) byLabel.set(label, (trials = []));
    trials.push(row);
  }
  let groups = [...byLabel].map(([label, trials]) => ({ label, trials }));
  if (groups.length > MAX_GROUPS) {
    groups.sort((x, y) => y.trials.length - x.trials.length);
    const rest = groups.slice(MAX_GROUPS - 1);
    const other = rest.flatMap(g => g.trials).sort((x, y) => x - y);
    groups = [...groups.slice(0, MAX_GROUPS - 1), { label: `other (${rest.length} values)`, trials: other }];
  }
  groups.sort((x, y) => compareLabels(x.label, y.label));
  return { events, groups, skipped };
}

/** Numbers in numeric order, text in natural order, "other" last. */
function compareLabels(a: string, b: string): number {
  const other = Number(a.startsWith('other (')) - Number(b.startsWith('other ('));
  if (other !== 0) return other;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Checks `psth` parameters from the webview. */
export function checkPsthParams(p: PsthParams): PsthParams {
  const text = (v: unknown, name: string): string => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw new Error(`invalid ${name}`);
    return v;
  };
  if (!Array.isArray(p.unitRows) || p.unitRows.length === 0 || p.unitRows.length > MAX_PSTH_UNITS)
    throw new Error(`pick 1 to ${MAX_PSTH_UNITS} units`);
  return {
    units: text(p.units, 'units'),
    unitRows: p.unitRows.map(r => num(r, 'unit row')),
    intervals: text(p.intervals, 'intervals'),
    align: text(p.align, 'align column'),
    ...(p.groupBy !== undefined ? { groupBy: text(p.groupBy, 'group column') } : {}),
    pre: num(p.pre, 'pre'),
    post: num(p.post, 'post'),
    binWidth: num(p.binWidth, 'binWidth'),
  };
}

export async function psth(nwb: NwbFile, p: PsthParams, signal?: AbortSignal): Promise<PsthResult> {
  const window = psthWindow(p.pre, p.post, p.binWidth);
  const unitCount = (await tableInfo(nwb, p.units)).rowCount;
  for (const row of p.unitRows)
    if (!Number.isInteger(row) || row < 0 || row >= unitCount)
      throw new Error(`unit row ${row} is out of range (${unitCount} units)`);
  const { events, groups, skipped } = await trialGroups(nwb, p, signal);
  const ids = await tableIds(nwb, p.units);
  const labels = await unitLabels(nwb, p.units);
  const perUnit: PsthUnit[] = [];
  let budget = MAX_RASTER_SPIKES;
  for (const row of p.unitRows) {
    signal?.throwIfAborted();
    const spikes = await unitSpikes(nwb, p.units, row, signal);
    const id = ids[row] ?? row;
    const unit: PsthUnit = {
      row,
      id,
      label: labels?.[row] ? `${id} · ${labels[row]}` : `${id}`,
      spikeCount: spikes.length,
      truncated: false,
      groups: [],
    };
    for (const group of groups) {
      const aligned = alignSpikes(
        spikes,
        group.trials.map(t => events[t]),
        window,
        Math.max(0, budget),
      );
      budget -= aligned.times.length;
      unit.truncated ||= aligned.truncated;
      unit.groups.push({
        offsets: toArrayBuffer(aligned.offsets),
        times: toArrayBuffer(aligned.times),
        counts: toArrayBuffer(aligned.counts),
        rate: toArrayBuffer(binRates(aligned.counts, group.trials.length, window.binWidth)),
      });
    }
    perUnit.push(unit);
  }
  return {
    units: p.units,
    intervals: p.intervals,
    align: p.align,
    ...(p.groupBy !== undefined ? { groupBy: p.groupBy } : {}),
    ...window,
    trialCount: events.length - skipped,
    skippedTrials: skipped,
    groups: groups.map(g => ({ label: g.label, trials: toArrayBuffer(Uint32Array.from(g.trials)) })),
    perUnit,
  };
}
