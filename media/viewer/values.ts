/** H5Value (attribute and non-numeric dataset values) as text for cells and the inspector (pure). */
import type { H5Value } from '../../src/shared/protocolTypes';

export function isRef(v: H5Value): v is { ref: string; region?: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { ref?: unknown }).ref === 'string'
  );
}

/** `{more: n}` appended by the host to cut ragged cells. */
export function isMore(v: H5Value): v is { more: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { more?: unknown }).more === 'number'
  );
}

/** Compact text: strings as is, numbers shortest, arrays bracketed (first `maxItems`), refs as `→ /path`. */
export function valueText(v: H5Value, maxItems = 20, depth = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return depth > 0 ? JSON.stringify(v) : v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) {
    const items = v.slice(0, maxItems).map(x => valueText(x, maxItems, depth + 1));
    let more = v.length > maxItems ? `, … ${v.length - maxItems} more` : '';
    const last = v[v.length - 1];
    if (v.length <= maxItems && last !== undefined && isMore(last)) {
      items.pop();
      more = `, … ${last.more} more`;
    }
    return `[${items.join(', ')}${more}]`;
  }
  if (isRef(v)) return v.region ? `→ ${v.ref} [${v.region}]` : `→ ${v.ref}`;
  if (isMore(v)) return `… ${v.more} more`;
  const parts = Object.entries(v).map(([k, x]) => `${k}: ${valueText(x, maxItems, depth + 1)}`);
  return `{${parts.join(', ')}}`;
}

/** The first reference found in a value (to make cells with references clickable). */
export function firstRef(v: H5Value): string | null {
  if (isRef(v)) return v.ref;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = firstRef(x);
      if (r) return r;
    }
  }
  return null;
}

/**
 * A value of a float column with its NaNs back: messages to the webview are JSON, which writes
 * NaN (and ±Infinity) as null, so a null where a float belongs is shown as NaN, never "null".
 */
export function floatNulls(v: H5Value): H5Value {
  if (v === null) return NaN;
  return Array.isArray(v) ? v.map(floatNulls) : v;
}
