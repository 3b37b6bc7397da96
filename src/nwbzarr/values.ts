/**
 * hdmf-zarr's storage conventions turned into the HDF5 shapes the NWB layer reads (Dtype, H5Value,
 * H5Attribute, H5Filter): numpy and Zarr v3 dtype names, `zarr_dtype` / `_DTYPE` markers,
 * attribute references `{"zarr_dtype": "object", "value": {"source", "path"}}` and object
 * reference elements `{"source", "path", ...}` as `{ ref: path }`.
 */
import type { Dtype, H5Attribute, H5Filter, H5Value } from '../hdf5/types';
import type { ZarrArrayInfo, ZarrJson } from '../zarr/types';

/** Attributes hdmf-zarr writes for its own bookkeeping; the HDF5 file of the same data has none. */
const BOOKKEEPING = new Set(['zarr_dtype', 'zarr_link', '_LINKS', '_DTYPE', '_SCALAR', '_REFERENCE']);

/** HDF5 filter ids of the codecs that have one, so the inspector names them the same way. */
const FILTER_IDS: Record<string, number> = {
  gzip: 1,
  zlib: 1,
  shuffle: 2,
  bz2: 307,
  lz4: 32004,
  blosc: 32001,
  zstd: 32015,
};

/** Codecs that only move bytes around; listing them as filters would say nothing. */
const TRANSPARENT = new Set(['bytes', 'transpose']);

export function isBookkeeping(name: string): boolean {
  return BOOKKEEPING.has(name);
}

/** A Zarr path (`a/b`, root `""`) from an HDF5-style absolute path (`/a/b`, root `/`). */
export function zarrPathOf(path: string): string {
  return path.split('/').filter(Boolean).join('/');
}

/** hdmf-zarr's reference object (`{source, path, ...}`) as the HDF5 layer's `{ ref }`. */
function referenceOf(v: ZarrJson): H5Value | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  if (typeof v.path !== 'string' || !('source' in v)) return undefined;
  const path = '/' + zarrPathOf(v.path);
  const source = typeof v.source === 'string' ? v.source : '.';
  // A reference into another store reads like an HDF5 external link target.
  return { ref: source === '.' || source === '' ? path : `${source}:/${path}` };
}

/** An attribute or element value, references resolved to `{ ref }` at any depth. */
export function toH5Value(v: ZarrJson): H5Value {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toH5Value);
  if (v.zarr_dtype === 'object' && 'value' in v) {
    const inner = v.value;
    return Array.isArray(inner)
      ? inner.map(x => referenceOf(x) ?? toH5Value(x))
      : (referenceOf(inner) ?? toH5Value(inner));
  }
  const ref = referenceOf(v);
  if (ref) return ref;
  const out: { [key: string]: H5Value } = {};
  for (const [key, value] of Object.entries(v)) out[key] = toH5Value(value);
  return out;
}

function jsonDtype(v: H5Value): Dtype {
  if (typeof v === 'string')
    return { class: 'string', size: 0, vlen: true, charset: 'utf-8', display: 'utf-8 string (vlen)' };
  if (typeof v === 'boolean') return { class: 'boolean', size: 1, display: 'bool' };
  if (typeof v === 'number')
    return Number.isInteger(v)
      ? { class: 'integer', size: 8, signed: true, littleEndian: true, display: 'int64' }
      : { class: 'float', size: 8, littleEndian: true, display: 'float64' };
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'ref' in v)
    return { class: 'reference', size: 8, refType: 'object', display: 'object reference' };
  return { class: 'unknown', size: 0, display: 'JSON' };
}

/** A `.zattrs` entry as an HDF5 attribute: lists are 1-D, everything else a scalar. */
export function toAttribute(name: string, raw: ZarrJson): H5Attribute {
  // hdmf-zarr stores the root's `.specloc` as the group's name; HDF5 stores a reference to it.
  const value =
    name === '.specloc' && typeof raw === 'string' ? { ref: '/' + zarrPathOf(raw) } : toH5Value(raw);
  if (Array.isArray(value)) {
    const dtype = value.length ? jsonDtype(value[0]) : jsonDtype('');
    return { name, dtype, shape: [value.length], value };
  }
  return { name, dtype: jsonDtype(value), shape: null, value };
}

const NUMPY_KINDS: Record<string, 'integer' | 'float' | 'boolean'> = {
  i: 'integer',
  u: 'integer',
  f: 'float',
  b: 'boolean',
};

/** v3 data_type names as numpy type strings (`float64` → `<f8`). */
function v3AsNumpy(name: string): string | undefined {
  if (name === 'bool') return '|b1';
  const match = /^(int|uint|float)(8|16|32|64)$/.exec(name);
  if (!match) return undefined;
  const kind = match[1] === 'int' ? 'i' : match[1] === 'uint' ? 'u' : 'f';
  const bytes = Number(match[2]) / 8;
  return `${bytes === 1 ? '|' : '<'}${kind}${bytes}`;
}

/** numpy's bool as h5py stores it (and the HDF5 engine describes it): an int8 enum FALSE/TRUE. */
const BOOL: Dtype = {
  class: 'boolean',
  size: 1,
  base: { class: 'integer', size: 1, signed: true, littleEndian: true, display: 'int8' },
  enumMapping: { FALSE: 0, TRUE: 1 },
  display: 'bool',
};

const VLEN_UTF8: Dtype = {
  class: 'string',
  size: 0,
  vlen: true,
  charset: 'utf-8',
  display: 'utf-8 string (vlen)',
};

/** The HDF5-style type of an array from its dtype, its codecs and hdmf-zarr's type marker. */
export function arrayDtype(info: ZarrArrayInfo): Dtype {
  const marker = info.attributes.zarr_dtype ?? info.attributes._DTYPE;
  const isReference =
    marker === 'object' ||
    (typeof marker === 'object' && marker !== null && !Array.isArray(marker) && marker.type === 'object') ||
    info.attributes._REFERENCE !== undefined;
  if (isReference) return { class: 'reference', size: 8, refType: 'object', display: 'object reference' };
  const dtype = v3AsNumpy(info.dtype) ?? info.dtype;
  if (dtype.startsWith('[')) return structuredDtype(dtype);
  if (dtype === '|O' || dtype === 'string' || dtype === 'str') {
    if (info.codecs.includes('vlen-bytes') || marker === 'bytes')
      return { class: 'string', size: 0, vlen: true, charset: 'ascii', display: 'ascii string (vlen)' };
    return VLEN_UTF8;
  }
  const fixed = /^([<>|=])([USa])(\d+)$/.exec(dtype);
  if (fixed) {
    const unicode = fixed[2] === 'U';
    const size = Number(fixed[3]) * (unicode ? 4 : 1);
    const charset = unicode ? 'utf-8' : 'ascii';
    return { class: 'string', size, vlen: false, charset, display: `${charset} string (${size} bytes)` };
  }
  const numeric = /^([<>|=])([iufb])(\d+)$/.exec(dtype);
  if (numeric) {
    const kind = NUMPY_KINDS[numeric[2]];
    const size = Number(numeric[3]);
    const littleEndian = numeric[1] !== '>';
    if (kind === 'boolean') return BOOL;
    const name = kind === 'float' ? `float${size * 8}` : `${numeric[2] === 'u' ? 'uint' : 'int'}${size * 8}`;
    return {
      class: kind,
      size,
      signed: kind === 'integer' ? numeric[2] === 'i' : undefined,
      littleEndian,
      display: littleEndian || size === 1 ? name : `${name} (big-endian)`,
    };
  }
  return { class: 'unknown', size: 0, display: dtype };
}

/** A numpy type string alone (`<f8`, `|S10`), as the type of a compound member. */
function plainDtype(dtype: string): Dtype {
  return arrayDtype({
    path: '',
    zarrFormat: 2,
    shape: [],
    chunks: [],
    dtype,
    fillValue: null,
    codecs: [],
    attributes: {},
  });
}

/**
 * A v2 structured dtype (`[["x", "<f8"], ["label", "|S10"]]`, as hdmf-zarr writes compound data)
 * as a compound, described like the HDF5 engine describes one.
 */
function structuredDtype(text: string): Dtype {
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch {
    return { class: 'unknown', size: 0, display: text };
  }
  if (!Array.isArray(fields)) return { class: 'unknown', size: 0, display: text };
  const members: { name: string; dtype: Dtype }[] = [];
  for (const field of fields) {
    if (!Array.isArray(field) || typeof field[0] !== 'string' || typeof field[1] !== 'string')
      return { class: 'unknown', size: 0, display: text };
    members.push({ name: field[0], dtype: plainDtype(field[1]) });
  }
  const size = members.reduce((n, m) => n + m.dtype.size, 0);
  const display = `compound {${members.map(m => `${m.name}: ${m.dtype.display}`).join(', ')}}`;
  return { class: 'compound', size, members, display };
}

/** Codecs as the filter list the inspector shows; one JavaScript cannot run is unsupported. */
export function arrayFilters(info: ZarrArrayInfo): H5Filter[] {
  return info.codecs
    .filter(codec => !TRANSPARENT.has(codec))
    .map(codec => ({
      id: FILTER_IDS[codec] ?? 0,
      name: codec,
      supported: !(info.unreadable && info.unreadable.toLowerCase().includes(codec.toLowerCase())),
    }));
}

/** hdmf-zarr writes scalars as shape-(1,) arrays marked `zarr_dtype: "scalar"` (v3: `_SCALAR`). */
export function isWrappedScalar(info: ZarrArrayInfo): boolean {
  const scalar = info.attributes.zarr_dtype === 'scalar' || info.attributes._SCALAR === true;
  return scalar && info.shape.length === 1 && info.shape[0] === 1;
}
