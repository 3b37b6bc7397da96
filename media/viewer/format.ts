/** Text formatting for axes, headers and the inspector (pure, no DOM). */

/** Seconds as a readable time with a unit suited to `span` (the visible width). */
export function formatSeconds(s: number, span = Math.abs(s)): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(span);
  if (a >= 3600 * 2) {
    const sign = s < 0 ? '-' : '';
    const t = Math.abs(s);
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const sec = Math.floor(t % 60);
    return `${sign}${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  }
  if (a >= 1 || a === 0) return `${trimNumber(s, a >= 100 ? 1 : 3)} s`;
  if (a >= 1e-3) return `${trimNumber(s * 1e3, 3)} ms`;
  return `${trimNumber(s * 1e6, 3)} µs`;
}

/** A number with at most `digits` decimals and no trailing zeros. */
export function trimNumber(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  const fixed = v.toFixed(digits);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Compact general number: 4 significant digits, exponent for very small/large magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, 'e');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

export { formatBytes } from '../../src/shared/format';

/** A shape as `(1000, 5)`, scalars as `()`. */
export function formatShape(shape: readonly number[] | null | undefined): string {
  if (!shape) return 'scalar';
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Axis label with a unit: `dF/F (a.u.)`; no parentheses when the unit is empty/unknown. */
export function axisLabel(name: string, unit: string | undefined | null): string {
  const u = (unit ?? '').trim();
  return u && !['unknown', 'n/a', 'n.a.', 'none'].includes(u.toLowerCase()) ? `${name} (${u})` : name;
}

/** Truncates a one-line summary for tree rows without breaking surrogate pairs. */
export function ellipsize(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' '));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * A stored number as the shortest text that reads back to it: float64 in full (an event time of
 * 2499.9995 s must not show as 2500), float32 without the digits float64 would add to it.
 */
export function storedNumberText(v: number, dtype: string): string {
  if (!Number.isFinite(v) || Number.isInteger(v) || !/^float(32|16)|^[<>=|]?f[24]$/.test(dtype))
    return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(Number(v.toPrecision(9)));
}
