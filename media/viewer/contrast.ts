/** Contrast windows for images: robust percentiles that ignore NaN (pure, no DOM). */
import type { NumberList } from './colormaps';

export interface Range {
  min: number;
  max: number;
}

/** Finite minimum and maximum; {0, 0} when there is no finite value. */
export function finiteRange(values: NumberList): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : { min: 0, max: 0 };
}

/**
 * The p-th percentiles (0..100) of the finite values, by nearest rank on a sorted copy. Samples at
 * most `maxSamples` values evenly so big frames stay cheap.
 */
export function percentiles(values: NumberList, ps: readonly number[], maxSamples = 200_000): number[] {
  const step = Math.max(1, Math.ceil(values.length / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[i];
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return ps.map(() => 0);
  const sorted = Float64Array.from(sample).sort();
  return ps.map(p => {
    const clamped = Math.max(0, Math.min(100, p));
    const rank = Math.round((clamped / 100) * (sorted.length - 1));
    return sorted[rank];
  });
}

/** Default display window: 0.5th to 99.5th percentile, widened when flat. */
export function autoContrast(values: NumberList): Range {
  const [lo, hi] = percentiles(values, [0.5, 99.5]);
  if (hi > lo) return { min: lo, max: hi };
  const r = finiteRange(values);
  return r.max > r.min ? r : { min: r.min - 0.5, max: r.min + 0.5 };
}

/**
 * A window from two slider positions in [0, 1000] over the data range (the contrast sliders).
 * Keeps low < high.
 */
export function windowFromSliders(range: Range, lowPos: number, highPos: number): Range {
  const span = range.max - range.min || 1;
  const a = Math.min(lowPos, highPos);
  const b = Math.max(lowPos, highPos);
  const min = range.min + (a / 1000) * span;
  let max = range.min + (b / 1000) * span;
  if (max <= min) max = min + span / 1000;
  return { min, max };
}

/** Slider positions for a window (inverse of {@link windowFromSliders}). */
export function slidersFromWindow(range: Range, window: Range): [number, number] {
  const span = range.max - range.min || 1;
  const pos = (v: number): number => Math.max(0, Math.min(1000, Math.round(((v - range.min) / span) * 1000)));
  return [pos(window.min), pos(window.max)];
}
