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

// ---------------------------------------------------------------------------------------------
// Quantities with SI prefixes: one formatter for axes, headers, hover readouts and statistics.

/** SI symbols by the unit names NWB files write (pynwb writes words: "volts", "amperes", "seconds"). */
const SI_WORDS: Readonly<Record<string, string>> = {
  volt: 'V',
  volts: 'V',
  ampere: 'A',
  amperes: 'A',
  amp: 'A',
  amps: 'A',
  second: 's',
  seconds: 's',
  sec: 's',
  meter: 'm',
  meters: 'm',
  metre: 'm',
  metres: 'm',
  hertz: 'Hz',
  siemens: 'S',
  ohm: 'Ω',
  ohms: 'Ω',
  farad: 'F',
  farads: 'F',
  gram: 'g',
  grams: 'g',
  watt: 'W',
  watts: 'W',
  coulomb: 'C',
  coulombs: 'C',
};
const SI_SYMBOLS = new Set(Object.values(SI_WORDS));
const SYMBOL_PREFIXES: Readonly<Record<string, number>> = {
  p: -12,
  n: -9,
  u: -6,
  µ: -6,
  μ: -6,
  m: -3,
  c: -2,
  k: 3,
  M: 6,
  G: 9,
};
const WORD_PREFIXES: Readonly<Record<string, number>> = {
  pico: -12,
  nano: -9,
  micro: -6,
  milli: -3,
  centi: -2,
  kilo: 3,
  mega: 6,
};
const PREFIXES: readonly (readonly [number, string])[] = [
  [-12, 'p'],
  [-9, 'n'],
  [-6, 'µ'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
];

/** An SI unit: its base symbol and what one of the given unit is in that symbol (mV → V, 1e-3). */
export interface SiUnit {
  symbol: string;
  scale: number;
}

/**
 * The SI unit a unit string names ("volts", "V", "mV", "microvolts", "pA", "ms"), or null for
 * units that are not SI ("a.u.", "degrees", "pixels", "unknown"): those get no prefix.
 */
export function parseSiUnit(unit: string | null | undefined): SiUnit | null {
  const u = (unit ?? '').trim();
  if (!u) return null;
  const word = SI_WORDS[u.toLowerCase()];
  if (word) return { symbol: word, scale: 1 };
  if (SI_SYMBOLS.has(u)) return { symbol: u, scale: 1 };
  const lower = u.toLowerCase();
  for (const [prefix, power] of Object.entries(WORD_PREFIXES)) {
    const base = lower.startsWith(prefix) ? SI_WORDS[lower.slice(prefix.length)] : undefined;
    if (base) return { symbol: base, scale: 10 ** power };
  }
  const first = Array.from(u)[0];
  const power = SYMBOL_PREFIXES[first];
  const rest = u.slice(first.length);
  if (power !== undefined && SI_SYMBOLS.has(rest)) return { symbol: rest, scale: 10 ** power };
  return null;
}

/** A display scale: shown value = value in the base unit / `factor`, followed by `unit`. */
export interface DisplayScale {
  factor: number;
  unit: string;
}

/**
 * The prefix for values up to `magnitude` (in base units): 1.2e-9 A reads in nA, 3e-5 V in µV.
 * Seconds go no higher than s (a kilosecond reads as seconds).
 */
export function siPrefix(magnitude: number, symbol: string): DisplayScale {
  if (!Number.isFinite(magnitude) || magnitude <= 0) return { factor: 1, unit: symbol };
  // Round first so 999.96 mV (which prints as 1000) moves up to V.
  const m = Number(magnitude.toPrecision(4));
  let power = Math.floor(Math.log10(m) / 3 + 1e-9) * 3;
  power = Math.max(-12, Math.min(symbol === 's' ? 0 : 9, power));
  const prefix = PREFIXES.find(([p]) => p === power)?.[1] ?? '';
  return { factor: 10 ** power, unit: `${prefix}${symbol}` };
}

/**
 * The display scale for values of `unit` whose magnitude reaches `magnitude` (in `unit`): an SI
 * prefix for SI units, the unit as written otherwise (factor 1; empty for unknown units).
 */
export function displayScale(magnitude: number, unit: string | null | undefined): DisplayScale {
  const si = parseSiUnit(unit);
  if (!si) return { factor: 1, unit: knownUnit(unit) };
  const scaled = siPrefix(Math.abs(magnitude) * si.scale, si.symbol);
  return { factor: scaled.factor / si.scale, unit: scaled.unit };
}

/** The unit as written, or '' when it says nothing ("unknown", "n/a", "none"). */
export function knownUnit(unit: string | null | undefined): string {
  const u = (unit ?? '').trim();
  return u && !['unknown', 'n/a', 'n.a.', 'none', 'no unit'].includes(u.toLowerCase()) ? u : '';
}

/** One value with its unit: 1.2e-9 amperes reads "1.2 nA"; "3.5 a.u."; `magnitude` picks the prefix. */
export function formatQuantity(v: number, unit: string | null | undefined, magnitude = Math.abs(v)): string {
  if (!Number.isFinite(v)) return String(v);
  const scale = displayScale(magnitude || Math.abs(v), unit);
  const text = parseSiUnit(unit) ? String(Number((v / scale.factor).toPrecision(4))) : formatNumber(v);
  return scale.unit ? `${text} ${scale.unit}` : text;
}

/** Decimals that show every multiple of `step` exactly (0.25 → 2, 5 → 0), at most 9. */
export function decimalsFor(step: number): number {
  const s = Math.abs(step);
  if (!Number.isFinite(s) || s === 0) return 0;
  for (let d = 0; d < 9; d++) {
    const x = s * 10 ** d;
    // Relative to x: a step of 5e-7 is not a whole number, however close to 0 it is.
    if (Math.abs(Math.round(x) - x) < 1e-6 * x) return d;
  }
  return 9;
}

/**
 * Tick labels as bare numbers in one display scale (the unit goes in the axis label): splits
 * `step` apart, divided by `factor`, with the decimals the step needs and no "-0".
 */
export function tickLabels(splits: readonly number[], step: number, factor = 1): string[] {
  const decimals = decimalsFor(step / factor);
  return splits.map(v => {
    const text = (v / factor).toFixed(decimals);
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  });
}

/**
 * A range with enough digits that its ends differ ("123.6000 – 123.6004 s", not "123.6 s –
 * 123.6 s"), the prefix chosen from the larger end.
 */
export function formatRange(a: number, b: number, unit: string | null | undefined): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return `${a} – ${b}`;
  const scale = displayScale(Math.max(Math.abs(a), Math.abs(b)), unit);
  const span = Math.abs(b - a) / scale.factor;
  const decimals = span > 0 ? Math.max(0, Math.min(9, Math.ceil(-Math.log10(span) + 1e-9) + 1)) : 0;
  const end = (v: number): string => {
    const text = (v / scale.factor).toFixed(decimals);
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  };
  return `${end(a)} – ${end(b)}${scale.unit ? ` ${scale.unit}` : ''}`;
}

/**
 * Where t = 0 sits on a time axis showing `w` of a series starting at `seriesStart`: 0 while the
 * absolute times stay short, else the series' start, else (deep zoom far into a long recording)
 * the window's start, so ticks read "0, 100, 200 µs", not "123600000 µs".
 */
export function timeOrigin(w: { start: number; end: number }, seriesStart: number): number {
  const span = w.end - w.start;
  if (!(span > 0)) return 0;
  const reach = (origin: number): number => Math.max(Math.abs(w.start - origin), Math.abs(w.end - origin));
  if (reach(0) <= 100 * span) return 0;
  if (Number.isFinite(seriesStart) && reach(seriesStart) <= 100 * span) return seriesStart;
  return w.start;
}

/** An absolute time stated once beside relative ticks: "123.600 s", with the digits the span needs. */
export function formatOrigin(seconds: number, span: number): string {
  const decimals = span > 0 ? Math.max(3, Math.min(9, Math.ceil(-Math.log10(span) - 1e-9) + 2)) : 3;
  return `${seconds.toFixed(decimals)} s`;
}

/** `name (unit)` split into its parts (axisLabel's output); no unit when there are no parentheses. */
export function splitLabel(label: string): { name: string; unit: string | undefined } {
  const m = /^(.*\S)\s*\(([^()]+)\)$/.exec(label);
  return m ? { name: m[1], unit: m[2] } : { name: label, unit: undefined };
}
