/**
 * A thin layer over an {@link NwbBackend} (an HDF5 file or an hdmf-zarr store) that the NWB modules share: per-document caches of entries
 * and attributes (metadata is asked for again and again while a view is built, and every miss on a
 * remote file is a round trip), and helpers that turn stored values into numbers and strings.
 */
import type { DatasetInfo, H5Attribute, H5Entry, H5Value, NumericArray, Selection } from '../hdf5/types';
import type { NwbBackend } from './backend';

export interface ReadOptions {
  signal?: AbortSignal;
  maxElements?: number;
}

export class NwbReader {
  private readonly _entries = new Map<string, Promise<H5Entry | null>>();
  private readonly _lists = new Map<string, Promise<H5Entry[]>>();
  private readonly _attrs = new Map<string, Promise<Map<string, H5Value>>>();
  private readonly _rawAttrs = new Map<string, Promise<H5Attribute[]>>();
  private readonly _infos = new Map<string, Promise<DatasetInfo>>();

  /**
   * @param maxElements the most elements any one read may return (the viewer's
   * `maxSliceElements` setting): a read asking for more, or for no limit, gets this one, so a
   * small compressed file cannot expand into the host's memory.
   */
  constructor(
    readonly h5: NwbBackend,
    readonly maxElements = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * The object at `path`, soft links followed (its `path` is then the target's), or null when
   * nothing is there or a link dangles. pynwb links shared timestamps, imaging planes, devices.
   */
  entry(path: string): Promise<H5Entry | null> {
    return memo(this._entries, path, async () => {
      let entry = await this.h5.entry(path).catch(nullWhenMissing);
      let at = path;
      for (let hops = 0; entry?.kind === 'softLink' && hops < 8; hops++) {
        // Relative targets are relative to the group holding the link.
        const target = entry.target ? resolveLinkTarget(at, entry.target) : null;
        entry = target ? await this.h5.entry(target).catch(nullWhenMissing) : null;
        at = target ?? at;
      }
      // External links would need another file; for NWB semantics they are absent.
      return entry?.kind === 'softLink' || entry?.kind === 'brokenLink' || entry?.kind === 'externalLink'
        ? null
        : entry;
    });
  }

  async exists(path: string): Promise<boolean> {
    return (await this.entry(path)) !== null;
  }

  list(path: string): Promise<H5Entry[]> {
    return memo(this._lists, path, () => this.h5.list(path));
  }

  attributeList(path: string): Promise<H5Attribute[]> {
    return memo(this._rawAttrs, path, () => this.h5.attributes(path));
  }

  /** Attributes by name, with 1-element arrays unwrapped (MatNWB writes scalars as [x]). */
  attrs(path: string): Promise<Map<string, H5Value>> {
    return memo(this._attrs, path, async () => {
      const map = new Map<string, H5Value>();
      for (const a of await this.attributeList(path)) map.set(a.name, unwrapSingle(a.value));
      return map;
    });
  }

  async attr(path: string, name: string): Promise<H5Value | undefined> {
    return (await this.attrs(path)).get(name);
  }

  async attrString(path: string, name: string): Promise<string | undefined> {
    const v = await this.attr(path, name);
    return v === undefined || v === null ? undefined : valueToText(v);
  }

  async attrNumber(path: string, name: string): Promise<number | undefined> {
    return toNumber(await this.attr(path, name));
  }

  datasetInfo(path: string): Promise<DatasetInfo> {
    return memo(this._infos, path, () => this.h5.datasetInfo(path));
  }

  /** Reads numeric data as float64 (64-bit integers converted). */
  async readNumbers(path: string, selection?: Selection, options: ReadOptions = {}): Promise<Float64Array> {
    const result = await this.h5.read(path, selection, this.bounded(options));
    if (Array.isArray(result.data)) return Float64Array.from(result.data, v => toNumber(v) ?? NaN);
    return toFloat64(result.data);
  }

  /** Reads data as JSON-safe values (strings, references, compounds; numbers for numeric data). */
  async readValues(path: string, selection?: Selection, options: ReadOptions = {}): Promise<H5Value[]> {
    const result = await this.h5.read(path, selection, this.bounded(options));
    if (Array.isArray(result.data)) return result.data;
    return Array.from(toFloat64(result.data));
  }

  /** The caller's limit, never above the file's (the engine's own default is far larger). */
  private bounded(options: ReadOptions): ReadOptions {
    const asked = options.maxElements ?? this.maxElements;
    return { ...options, maxElements: Math.min(asked, this.maxElements) };
  }

  /** The value of a scalar (or 1-element) dataset. */
  async scalar(path: string, options: ReadOptions = {}): Promise<H5Value> {
    const values = await this.readValues(path, undefined, {
      ...options,
      maxElements: options.maxElements ?? 100_000,
    });
    return values.length === 1 ? values[0] : values;
  }

  /** Reads one element of a 1-D numeric dataset. */
  async numberAt(path: string, index: number, options: ReadOptions = {}): Promise<number> {
    const data = await this.readNumbers(path, { start: [index], count: [1] }, options);
    return data[0];
  }

  /** Children of a group that carry a neurodata_type, or an empty list when `path` is missing. */
  async typedChildren(path: string): Promise<H5Entry[]> {
    if (!(await this.exists(path))) return [];
    return (await this.list(path)).filter(e => e.neurodataType !== undefined);
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
    // A failure (e.g. a network timeout) must not stay cached.
    p.catch(() => map.delete(key));
  }
  return p;
}

function nullWhenMissing(e: unknown): null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  // A path through a dangling external link fails as `corrupt` in libhdf5; nothing is there for us.
  if (code === 'not-found' || code === 'corrupt') return null;
  throw e;
}

/** Absolute path of a soft link's target (`/a/b`, or relative to the link's group: `b`, `../c`). */
export function resolveLinkTarget(linkPath: string, target: string): string | null {
  if (target.includes('://')) return null;
  const parts = target.startsWith('/') ? [] : parentPath(linkPath).split('/').filter(Boolean);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

export function unwrapSingle(v: H5Value): H5Value {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** A number from a stored value: numbers, numeric strings (big int64), 1-element arrays. */
export function toNumber(v: H5Value | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v) && v.length === 1) return toNumber(v[0]);
  return undefined;
}

/** Text people read for a stored value (arrays joined with `, `, references as their path). */
export function valueToText(v: H5Value): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(valueToText).join(', ');
  if (typeof v === 'object') {
    if ('ref' in v && typeof v.ref === 'string') return v.ref;
    return JSON.stringify(v);
  }
  return String(v);
}

/** Strings of a stored value (a string or an array of strings). */
export function valueToStrings(v: H5Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(valueToStrings);
  return [valueToText(v)];
}

/** The path a reference value points at, if it is one. */
export function refPath(v: H5Value | undefined): string | undefined {
  const u = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof u === 'object' && u !== null && !Array.isArray(u) && typeof u.ref === 'string') return u.ref;
  return undefined;
}

export function toFloat64(data: NumericArray): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return Float64Array.from(data);
}

/** Joins an HDF5 group path and a child name. */
export function joinPath(parent: string, name: string): string {
  return parent === '/' || parent === '' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return '/' + parts.join('/');
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
