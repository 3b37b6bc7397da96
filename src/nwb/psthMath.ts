/**
 * The arithmetic of trial-aligned spikes, apart from any file: the window and its bins, the
 * spikes of each trial found by binary search in a unit's sorted spike times (never a scan per
 * trial), and bin counts and rates. src/nwb/psth.ts feeds it from the file.
 */

/** The peri-event window in seconds relative to the event, cut into `binCount` bins of `binWidth`. */
export interface PsthWindow {
  /** Seconds before the event (the window starts at -pre). */
  pre: number;
  /** Seconds after the event the window ends at: -pre + binCount × binWidth (at least the asked post). */
  post: number;
  binWidth: number;
  binCount: number;
}

/** The most bins a PSTH has: a finer bin width than the window allows is refused. */
export const MAX_BINS = 5000;

/**
 * The window for `pre` s before and `post` s after the event with bins of `binWidth` s; when the
 * span is not a whole number of bins the last bin is completed (post grows), so every bin is as wide
 * as the others and its rate is comparable.
 */
export function psthWindow(pre: number, post: number, binWidth: number): PsthWindow {
  if (!(pre >= 0) || !(post >= 0) || !Number.isFinite(pre + post))
    throw new Error(`the window needs finite pre and post seconds ≥ 0 (got ${pre}, ${post})`);
  if (!(pre + post > 0)) throw new Error('the window is empty: pre + post must be above 0');
  if (!(binWidth > 0) || !Number.isFinite(binWidth)) throw new Error(`invalid bin width: ${binWidth}`);
  // A tolerance so that 0.5 / 0.01 counts as 50 bins, not 51.
  const binCount = Math.max(1, Math.ceil((pre + post) / binWidth - 1e-9));
  if (binCount > MAX_BINS)
    throw new Error(
      `a bin width of ${binWidth} s makes ${binCount} bins over ${pre + post} s; at most ${MAX_BINS}`,
    );
  return { pre, post: binCount * binWidth - pre, binWidth, binCount };
}

/** The first index of sorted `values` whose value is ≥ `x` (values.length when none). */
export function lowerBound(values: ArrayLike<number>, x: number, from = 0, to = values.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Spike times sorted ascending with NaNs dropped; the array itself when it already is (spike
 * sorters write sorted times, but nothing in NWB requires it).
 */
export function sortedSpikes(times: Float64Array): Float64Array {
  let sorted = true;
  for (let i = 0; i < times.length; i++) {
    if (Number.isNaN(times[i]) || (i > 0 && times[i] < times[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return times;
  return times.filter(t => !Number.isNaN(t)).sort();
}

/** The spikes of trials aligned on their events: per trial, spike times relative to the event. */
export interface AlignedTrials {
  /** trials + 1 offsets into `times` (Uint32). */
  offsets: Uint32Array;
  /** Relative spike times in seconds, trial after trial, ascending within a trial. */
  times: Float64Array;
  /** Spikes per bin over all the trials. */
  counts: Uint32Array;
}

/**
 * Aligns sorted `spikes` on each of `events` (seconds) over `window`: a spike at t belongs to a
 * trial with event e when -pre ≤ t - e < post. Each trial costs two binary searches plus its own
 * spikes. Relative times are kept up to `maxTimes` (the raster's budget); counts are always complete.
 */
export function alignSpikes(
  spikes: Float64Array,
  events: ArrayLike<number>,
  window: PsthWindow,
  maxTimes = Number.POSITIVE_INFINITY,
): AlignedTrials & { truncated: boolean } {
  const { pre, binWidth, binCount } = window;
  const span = binCount * binWidth;
  const offsets = new Uint32Array(events.length + 1);
  const counts = new Uint32Array(binCount);
  const kept: number[] = [];
  let truncated = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (Number.isFinite(e)) {
      const first = lowerBound(spikes, e - pre);
      const end = lowerBound(spikes, e - pre + span, first);
      for (let k = first; k < end; k++) {
        const rel = spikes[k] - e;
        const bin = binOf(rel, pre, binWidth, binCount);
        if (bin < 0) continue;
        counts[bin]++;
        if (kept.length < maxTimes) kept.push(rel);
        else truncated = true;
      }
    }
    offsets[i + 1] = kept.length;
  }
  return { offsets, times: Float64Array.from(kept), counts, truncated };
}

/** The bin of relative time `rel` (seconds from the event), or -1 outside the window. */
export function binOf(rel: number, pre: number, binWidth: number, binCount: number): number {
  const bin = Math.floor((rel + pre) / binWidth);
  // Rounding may put a spike a hair inside the window's end into bin `binCount`: it is the last bin's.
  if (bin === binCount && rel + pre < binCount * binWidth) return binCount - 1;
  return bin >= 0 && bin < binCount ? bin : -1;
}

/** Firing rate per bin in Hz: count / (trials × bin width); zeros when there are no trials. */
export function binRates(counts: ArrayLike<number>, trials: number, binWidth: number): Float64Array {
  const rate = new Float64Array(counts.length);
  if (trials <= 0) return rate;
  for (let i = 0; i < counts.length; i++) rate[i] = counts[i] / (trials * binWidth);
  return rate;
}
