/**
 * The time axis of a TimeSeries: how it is timed (`starting_time` + `rate`, a `timestamps`
 * dataset, or neither), its first and last times, and the mapping between times and sample
 * indices. Kept apart from the window reads in `timeseries.ts`: CSV export, trajectories, image
 * frames and `series/refine` use the same mapping without reading a window.
 */
import type { SeriesInfo, Timing } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, toNumber } from './reader';

/** How the series at `path` with `n` samples is timed: a rate, a timestamps dataset (with its ends), or neither. */
export async function readTiming(
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

/** First and last time of a series' `n` samples. */
export function timeBounds(timing: Timing, n: number): [number, number] {
  switch (timing.kind) {
    case 'rate':
      return [timing.startingTime, timing.startingTime + Math.max(0, n - 1) / timing.rate];
    case 'timestamps':
      return [timing.first, timing.last];
    case 'none':
      return [0, Math.max(0, n - 1)];
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

/** `v` limited to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
