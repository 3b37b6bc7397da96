import { type FaultConfig, type FaultScope } from './types';

/** The live fault configuration; counters count down as requests consume them. */
export class FaultState {
  private config: FaultConfig = {};

  constructor(initial: FaultConfig = {}) {
    this.set(initial);
  }

  /** Replaces the whole configuration (a deep copy: callers' objects stay untouched). */
  set(config: FaultConfig): void {
    this.config = validateFaults(config);
  }

  reset(): void {
    this.config = {};
  }

  get current(): Readonly<FaultConfig> {
    return this.config;
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  get bandwidthBytesPerSec(): number {
    return this.config.bandwidthBytesPerSec ?? 0;
  }

  get draftChangesBetweenPages(): boolean {
    return this.config.draftChangesBetweenPages === true;
  }

  /** Takes one use of a scoped counter fault if it applies to `origin`. */
  private takeScoped(
    name: 'rateLimit' | 'html503' | 'hang' | 'endless',
    origin: 'api' | 'blob',
    defaultScope: FaultScope,
  ): boolean {
    const f = this.config[name];
    if (!f || f.count <= 0) return false;
    const scope = f.scope ?? defaultScope;
    if (scope !== 'both' && scope !== origin) return false;
    f.count--;
    return true;
  }

  takeRateLimit(origin: 'api' | 'blob'): number | undefined {
    const seconds = this.config.rateLimit?.retryAfterSeconds ?? 1;
    return this.takeScoped('rateLimit', origin, 'both') ? seconds : undefined;
  }

  takeHtml503(origin: 'api' | 'blob'): boolean {
    return this.takeScoped('html503', origin, 'both');
  }

  takeHang(origin: 'api' | 'blob'): boolean {
    return this.takeScoped('hang', origin, 'blob');
  }

  takeEndless(origin: 'api' | 'blob'): boolean {
    return this.takeScoped('endless', origin, 'both');
  }

  takeReset(): number | undefined {
    const f = this.config.resetMidBody;
    if (!f || f.count <= 0) return undefined;
    f.count--;
    return f.afterBytes;
  }

  takeIgnoreRange(): boolean {
    const f = this.config.ignoreRange;
    if (!f || f.count <= 0) return false;
    f.count--;
    return true;
  }

  /** Offset of the byte to flip in this body, or undefined. */
  takeCorrupt(bodyLength: number): number | undefined {
    const f = this.config.corruptByte;
    if (!f || f.count <= 0 || bodyLength === 0) return undefined;
    f.count--;
    return Math.min(f.offset ?? Math.floor(bodyLength / 2), bodyLength - 1);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new TypeError(`${name} must be a non-negative number`);
  return v;
};
const scopeOf = (v: unknown): FaultScope | undefined => {
  if (v === undefined) return undefined;
  if (v === 'api' || v === 'blob' || v === 'both') return v;
  throw new TypeError('scope must be "api", "blob" or "both"');
};

/** Checks a FaultConfig that may come from another process as JSON. */
export function validateFaults(input: unknown): FaultConfig {
  if (!isRecord(input)) throw new TypeError('fault config must be a JSON object');
  const out: FaultConfig = {};
  const known = new Set([
    'latencyMs',
    'bandwidthBytesPerSec',
    'rateLimit',
    'html503',
    'resetMidBody',
    'ignoreRange',
    'corruptByte',
    'draftChangesBetweenPages',
    'hang',
    'endless',
  ]);
  for (const key of Object.keys(input)) if (!known.has(key)) throw new TypeError(`unknown fault "${key}"`);
  const obj = (key: string): Record<string, unknown> | undefined => {
    const v = input[key];
    if (v === undefined) return undefined;
    if (!isRecord(v)) throw new TypeError(`${key} must be an object`);
    return v;
  };
  if (input.latencyMs !== undefined) out.latencyMs = num(input.latencyMs, 'latencyMs');
  if (input.bandwidthBytesPerSec !== undefined)
    out.bandwidthBytesPerSec = num(input.bandwidthBytesPerSec, 'bandwidthBytesPerSec');
  const rl = obj('rateLimit');
  if (rl)
    out.rateLimit = {
      count: num(rl.count, 'rateLimit.count'),
      retryAfterSeconds: num(rl.retryAfterSeconds ?? 1, 'rateLimit.retryAfterSeconds'),
      scope: scopeOf(rl.scope),
    };
  const h = obj('html503');
  if (h) out.html503 = { count: num(h.count, 'html503.count'), scope: scopeOf(h.scope) };
  const r = obj('resetMidBody');
  if (r)
    out.resetMidBody = {
      count: num(r.count, 'resetMidBody.count'),
      afterBytes: num(r.afterBytes ?? 0, 'resetMidBody.afterBytes'),
    };
  const ir = obj('ignoreRange');
  if (ir) out.ignoreRange = { count: num(ir.count, 'ignoreRange.count') };
  const c = obj('corruptByte');
  if (c)
    out.corruptByte = {
      count: num(c.count, 'corruptByte.count'),
      offset: c.offset === undefined ? undefined : num(c.offset, 'corruptByte.offset'),
    };
  if (input.draftChangesBetweenPages !== undefined) {
    if (typeof input.draftChangesBetweenPages !== 'boolean')
      throw new TypeError('draftChangesBetweenPages must be a boolean');
    out.draftChangesBetweenPages = input.draftChangesBetweenPages;
  }
  const hang = obj('hang');
  if (hang) out.hang = { count: num(hang.count, 'hang.count'), scope: scopeOf(hang.scope) };
  const endless = obj('endless');
  if (endless) out.endless = { count: num(endless.count, 'endless.count'), scope: scopeOf(endless.scope) };
  return out;
}
