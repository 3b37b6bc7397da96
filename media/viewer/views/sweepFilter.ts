/** The sweep list's filter (pure): free text over every cell, or `column=value` / `column~text`. */
import type { Sweep } from '../../../src/shared/protocol';

/** Every cell of a sweep by name, the sweep's own fields first. */
export function sweepCells(s: Sweep): Record<string, string | number> {
  const own: Record<string, string | number | undefined> = {
    sweep_number: s.sweepNumber,
    stimulus: s.stimulusName,
    clamp: s.clampMode,
    amplitude: s.shape?.amplitude,
    response: s.response?.path,
    stimulus_series: s.stimulus?.path,
  };
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(own)) if (v !== undefined) out[k] = v;
  return { ...out, ...s.columns };
}

/**
 * `name=value` keeps sweeps with a column whose name ends with `name` equal to `value` (numbers
 * compared as numbers); `name~text` with `text` in it; anything else is looked for in every cell.
 * Terms separated by spaces must all match; case is ignored.
 */
export function matchesFilter(s: Sweep, filter: string): boolean {
  const terms = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const cells = Object.entries(sweepCells(s)).map(
    ([k, v]) => [k.toLowerCase(), String(v).toLowerCase()] as const,
  );
  return terms.every(term => {
    const m = /^([^=~]+)([=~])(.*)$/.exec(term);
    if (!m) return cells.some(([k, v]) => k.includes(term) || v.includes(term));
    const [, name, op, want] = m;
    return cells.some(([k, v]) => {
      if (!(k === name || k.endsWith(`.${name}`))) return false;
      if (op === '~') return v.includes(want);
      return v === want || (want !== '' && Number(v) === Number(want));
    });
  });
}
