/**
 * What a patch-clamp stimulus is, read from its samples: the holding baseline, the onset (first
 * sample that departs from the baseline, after a leading test pulse) and the step amplitude.
 *
 * The amplitude is the **plateau level minus the baseline**: the departing samples are binned by
 * level (bins 1% of the largest deviation wide); when the most populated level (with its two
 * neighbour bins) holds at least half of the flat departing time, the stimulus is a step (long square,
 * short square, pulse train) and that level's mean is the plateau. Otherwise (ramps, chirps,
 * noise) there is no plateau and the amplitude is the signed largest deviation (`peak`), as ipfx
 * reports a ramp's amplitude. Works on min/max columns, so a decimated window of a long stimulus
 * is measured without reading it raw (a raw window is the case min = max).
 */
import type { StimulusShape } from '../shared/protocol';

/** Min/max per column with the start time of each column (seconds, on the series' clock). */
export interface Envelope {
  time: ArrayLike<number>;
  min: ArrayLike<number>;
  max: ArrayLike<number>;
}

/** Level tolerance: this fraction of the largest deviation from the baseline. */
const TOLERANCE = 0.01;
/** A plateau holds at least this fraction of the time the stimulus departs from baseline. */
const PLATEAU_SHARE = 0.5;
/** A leading pulse at most this long (s) that differs from what follows is a test pulse. */
const TEST_PULSE_MAX_S = 0.05;

interface Segment {
  first: number;
  /** Exclusive. */
  end: number;
}

/** The shape, with where the onset lies in the envelope so a caller can find its exact sample. */
export interface Measured {
  shape: StimulusShape;
  /** Column holding the onset (refine it from raw samples with {@link firstDeparture}). */
  onsetColumn?: number;
  /** Smallest departure from the baseline that counts as the onset. */
  onsetTolerance: number;
}

export function measureStimulus(env: Envelope, unit: string): Measured {
  const n = Math.min(env.time.length, env.min.length, env.max.length);
  const cols = finiteColumns(env, n);
  const flat = (baseline: number): Measured => ({
    shape: { baseline, amplitude: 0, method: 'flat', unit },
    onsetTolerance: 0,
  });
  if (cols.length === 0) return flat(NaN);
  const baseline = baselineOf(env, cols);
  let scale = 0;
  for (const i of cols)
    scale = Math.max(scale, Math.abs(env.min[i] - baseline), Math.abs(env.max[i] - baseline));
  // Float32 storage noise of a constant holding level is not a stimulus.
  if (scale <= Math.abs(baseline) * 1e-6 || scale === 0) return flat(baseline);
  const tol = scale * TOLERANCE;
  const departs = (i: number): boolean =>
    Math.abs(env.min[i] - baseline) > tol || Math.abs(env.max[i] - baseline) > tol;
  let segments = segmentsOf(cols, departs);
  const testPulse = isTestPulse(env, segments, baseline, n) ? segments[0] : undefined;
  if (testPulse) segments = segments.slice(1);
  if (segments.length === 0) return flat(baseline);
  // A ramp leaves the baseline long before it passes the level tolerance: walk back to where it
  // first departs at all (beyond the baseline's own noise).
  const onsetTolerance = Math.max(scale * 1e-6, 2 * baselineSpread(env, cols));
  let onsetColumn = segments[0].first;
  const stop = testPulse ? testPulse.end : 0;
  const barely = (i: number): boolean =>
    Math.abs(env.min[i] - baseline) > onsetTolerance || Math.abs(env.max[i] - baseline) > onsetTolerance;
  while (onsetColumn - 1 >= stop && barely(onsetColumn - 1)) onsetColumn--;
  const onset = env.time[onsetColumn];
  const inStimulus: number[] = [];
  for (const s of segments) for (let i = s.first; i < s.end; i++) if (departs(i)) inStimulus.push(i);
  const plateau = plateauLevel(env, inStimulus, baseline, tol);
  const shape: StimulusShape =
    plateau !== undefined
      ? { baseline, amplitude: plateau - baseline, method: 'plateau', onset, unit }
      : { baseline, amplitude: peakDeviation(env, inStimulus, baseline), method: 'peak', onset, unit };
  return { shape, onsetColumn, onsetTolerance };
}

/** Index of the first value departing from `baseline` by more than `tolerance`, or -1. */
export function firstDeparture(values: ArrayLike<number>, baseline: number, tolerance: number): number {
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i] - baseline) > tolerance) return i;
  return -1;
}

function finiteColumns(env: Envelope, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(env.min[i]) && Number.isFinite(env.max[i])) out.push(i);
  return out;
}

/**
 * The holding level: the median of the first 1% of columns, as a stimulus starts at rest; but a
 * stimulus that starts off zero and rests at zero for a tenth of its time or more (a pulse train
 * starting at its first sample) has zero as its baseline.
 */
function baselineOf(env: Envelope, cols: number[]): number {
  const head = cols.slice(0, Math.max(1, Math.floor(cols.length / 100)));
  const mids = head.map(i => (env.min[i] + env.max[i]) / 2).sort((a, b) => a - b);
  const level = mids[Math.floor(mids.length / 2)];
  let peak = 0;
  for (const i of cols) peak = Math.max(peak, Math.abs(env.min[i]), Math.abs(env.max[i]));
  const tol = peak * TOLERANCE;
  if (Math.abs(level) <= tol) return level;
  let atZero = 0;
  for (const i of cols) if (Math.abs(env.min[i]) <= tol && Math.abs(env.max[i]) <= tol) atZero++;
  return atZero >= 0.1 * cols.length ? 0 : level;
}

/** Median min-max spread of the first 1% of columns: the baseline's own noise when decimated. */
function baselineSpread(env: Envelope, cols: number[]): number {
  const head = cols.slice(0, Math.max(1, Math.floor(cols.length / 100)));
  const spreads = head.map(i => env.max[i] - env.min[i]).sort((a, b) => a - b);
  return spreads[Math.floor(spreads.length / 2)];
}

/** Runs of consecutive departing columns. */
function segmentsOf(cols: number[], departs: (i: number) => boolean): Segment[] {
  const out: Segment[] = [];
  let open: Segment | null = null;
  for (const i of cols) {
    if (departs(i)) {
      if (open && open.end === i) open.end = i + 1;
      else out.push((open = { first: i, end: i + 1 }));
    } else open = null;
  }
  return out;
}

/**
 * MIES and the Allen pipeline put a test pulse at the start of every sweep: a short pulse,
 * back to baseline, then the stimulus proper. A leading segment is one when it is short, more
 * segments follow, and it is unlike the next one (a pulse train's first pulse is like the rest).
 */
function isTestPulse(env: Envelope, segments: Segment[], baseline: number, n: number): boolean {
  if (segments.length < 2) return false;
  const [a, b] = segments;
  const duration = (s: Segment): number => columnEnd(env, s.end, n) - env.time[s.first];
  const da = duration(a);
  const db = duration(b);
  if (da > TEST_PULSE_MAX_S) return false;
  const level = (s: Segment): number => peakDeviation(env, range(s.first, s.end), baseline);
  const la = level(a);
  const lb = level(b);
  const sameDuration = da > 0 && db / da > 0.8 && db / da < 1.25;
  const sameLevel = Math.abs(la - lb) <= 0.1 * Math.max(Math.abs(la), Math.abs(lb));
  return !(sameDuration && sameLevel);
}

function columnEnd(env: Envelope, end: number, n: number): number {
  if (end < n) return env.time[end];
  const last = env.time[n - 1];
  return n > 1 ? last + (last - env.time[n - 2]) : last;
}

function range(first: number, end: number): number[] {
  return Array.from({ length: end - first }, (_, k) => first + k);
}

/** Mean level of the most populated level bin (with its neighbours) if it holds a plateau's share. */
function plateauLevel(env: Envelope, cols: number[], baseline: number, tol: number): number | undefined {
  const flat = cols.filter(i => env.max[i] - env.min[i] <= tol);
  const bins = new Map<number, { count: number; sum: number }>();
  for (const i of flat) {
    const v = (env.min[i] + env.max[i]) / 2;
    const key = Math.round((v - baseline) / tol);
    const bin = bins.get(key) ?? { count: 0, sum: 0 };
    bin.count++;
    bin.sum += v;
    bins.set(key, bin);
  }
  let best: { count: number; sum: number } | undefined;
  for (const key of bins.keys()) {
    const around = [key - 1, key, key + 1].map(k => bins.get(k) ?? { count: 0, sum: 0 });
    const merged = around.reduce((m, b) => ({ count: m.count + b.count, sum: m.sum + b.sum }));
    if (!best || merged.count > best.count) best = merged;
  }
  // Edge columns of a short square straddle the step and are not flat: count against flat columns,
  // but a stimulus that is mostly not flat (noise) has no plateau.
  if (!best || flat.length < PLATEAU_SHARE * 0.5 * cols.length) return undefined;
  if (best.count < PLATEAU_SHARE * flat.length) return undefined;
  return best.sum / best.count;
}

/** The deviation from baseline with the largest magnitude, signed. */
function peakDeviation(env: Envelope, cols: number[], baseline: number): number {
  let peak = 0;
  for (const i of cols) {
    for (const v of [env.min[i] - baseline, env.max[i] - baseline])
      if (Math.abs(v) > Math.abs(peak)) peak = v;
  }
  return peak;
}
