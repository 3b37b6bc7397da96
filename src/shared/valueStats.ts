/**
 * What the values behind a plot or image hold, so a view can say it in place when there is
 * nothing to draw: the host counts them while it reads (bounded by what it reads), the webview
 * turns the counts into one sentence. No `vscode`, no DOM: both sides compile it.
 */
import type { ValueStats } from './protocolTypes';

/** Counts values one block at a time (a series window is read in blocks). */
export class StatsAccumulator {
  private _count = 0;
  private _nan = 0;
  private _min = Infinity;
  private _max = -Infinity;

  add(v: number): void {
    this._count++;
    if (Number.isNaN(v)) {
      this._nan++;
      return;
    }
    if (v < this._min) this._min = v;
    if (v > this._max) this._max = v;
  }

  /** Adds the `picks` columns of `rows` rows of `rowWidth` values each (row-major). */
  addColumns(data: ArrayLike<number>, rows: number, rowWidth: number, picks: readonly number[]): void {
    for (let r = 0; r < rows; r++) for (const p of picks) this.add(data[r * rowWidth + p]);
  }

  /** The counts, with min and max mapped through `v * scale + offset` (a series' conversion). */
  result(scale = 1, offset = 0): ValueStats {
    const none = this._count === this._nan;
    const a = this._min * scale + offset;
    const b = this._max * scale + offset;
    return {
      count: this._count,
      nanCount: this._nan,
      min: none ? NaN : Math.min(a, b),
      max: none ? NaN : Math.max(a, b),
    };
  }
}

export function valueStats(values: ArrayLike<number>): ValueStats {
  const acc = new StatsAccumulator();
  for (let i = 0; i < values.length; i++) acc.add(values[i]);
  return acc.result();
}

/** Where the values come from, for the sentence: a time window, an image frame, a dataset selection. */
export type ValueScope = 'window' | 'frame' | 'selection';

const SCOPE_TEXT: Record<ValueScope, string> = {
  window: 'in this time window',
  frame: 'in this frame',
  selection: 'in this selection',
};

/** A value people read: up to 6 significant digits, no trailing zeros. */
export function readableValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The sentence a view shows above (or instead of) its drawing, or null when the values need no
 * comment: empty, all NaN, constant (with the value), or partly NaN (how many, and the range).
 */
export function describeValues(stats: ValueStats, scope: ValueScope, unit = ''): string | null {
  const where = SCOPE_TEXT[scope];
  const u = unit && unit !== 'unknown' ? ` ${unit}` : '';
  if (stats.count === 0) return `No values ${where}: nothing to draw.`;
  if (stats.nanCount === stats.count)
    return `All ${count(stats.count)} values ${where} are NaN (not a number): nothing to draw.`;
  const nan =
    stats.nanCount > 0 ? `${count(stats.nanCount)} of ${count(stats.count)} values are NaN (not drawn)` : '';
  if (stats.min === stats.max) {
    const every = `Constant ${where}: every value is ${readableValue(stats.min)}${u}`;
    return nan ? `${every}; ${nan}.` : `${every} (${count(stats.count)} values).`;
  }
  if (nan)
    return `${nan} ${where}; the others range ${readableValue(stats.min)} – ${readableValue(stats.max)}${u}.`;
  return null;
}

/**
 * For several channels drawn apart (stacked traces): when each one is flat (its values all
 * equal), say so with their levels; null when any channel varies. `ranges` holds each channel's
 * smallest and largest value (±Infinity for a channel without values).
 */
export function describeFlatChannels(
  ranges: readonly { min: number; max: number }[],
  scope: ValueScope,
  unit = '',
): string | null {
  const drawn = ranges.filter(r => Number.isFinite(r.min) && Number.isFinite(r.max));
  if (ranges.length < 2 || drawn.length === 0 || drawn.some(r => r.min !== r.max)) return null;
  const levels = [...new Set(drawn.map(r => r.min))].sort((a, b) => a - b);
  const u = unit && unit !== 'unknown' ? ` ${unit}` : '';
  const shown =
    levels.length <= 4
      ? levels.map(readableValue).join(', ')
      : `${readableValue(levels[0])} … ${readableValue(levels[levels.length - 1])}`;
  return `Every channel is constant ${SCOPE_TEXT[scope]} (${levels.length === 1 ? 'value' : 'values'} ${shown}${u}): flat lines.`;
}
