/**
 * The canonical form both readers are brought to (h5dump.py writes it from libhdf5 through h5py;
 * engineDump() builds it from the engine's public API), so one deep comparison judges the engine.
 */
import type {
  DatasetInfo,
  Dtype,
  H5Attribute,
  H5Region,
  H5Value,
  Hdf5File,
  NumericArray,
} from '../../src/hdf5/types';

/** JSON: numbers as JSON numbers, NaN/±Infinity/-0 and integers beyond 2^53 as strings. */
export type Canon = string | number | boolean | null | Canon[] | { [key: string]: Canon };

export interface CanonAttribute {
  dtype: Canon;
  /** null for a null dataspace, [] for a scalar. */
  shape: number[] | null;
  values: Canon[] | { error: string };
}

export interface CanonObject {
  kind: 'group' | 'dataset' | 'datatype' | 'softLink' | 'externalLink';
  target?: string;
  attributes?: Record<string, CanonAttribute>;
  dtype?: Canon;
  shape?: number[] | null;
  maxshape?: (number | null)[] | null;
  chunks?: number[] | null;
  filters?: number[];
  /** The compared rows (null: all) and their elements, row-major; or the reader's refusal. */
  values?: { rows: number[][] | null; data: Canon[] } | { error: string };
}

export interface CanonFile {
  objects: Record<string, CanonObject>;
}

/** Datasets up to this many elements are compared whole, larger ones by their edge rows. */
const WHOLE_LIMIT = 100_000;
const EDGE_ROWS = 1_000;

/** The rows compared (null: all): the rule h5dump.py's rows() applies too. */
export function comparedRows(shape: number[]): number[][] | null {
  const n = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || n <= WHOLE_LIMIT || shape[0] <= 2 * EDGE_ROWS) return null;
  return [
    [0, EDGE_ROWS],
    [shape[0] - EDGE_ROWS, shape[0]],
  ];
}

export function canonDtype(dtype: Dtype): Canon {
  const order = dtype.littleEndian === false ? '>' : '<';
  const base = (d: Dtype | undefined): Canon => (d ? canonDtype(d) : { class: 'unknown', size: 0 });
  switch (dtype.class) {
    case 'integer':
      return { class: 'integer', size: dtype.size, order, signed: dtype.signed === true };
    case 'bitfield':
      return { class: 'bitfield', size: dtype.size, order };
    case 'float':
      return { class: 'float', size: dtype.size, order };
    case 'string': {
      const charset = dtype.charset === 'utf-8' ? 'utf-8' : 'ascii';
      return dtype.vlen
        ? { class: 'string', vlen: true, charset }
        : { class: 'string', vlen: false, charset, size: dtype.size };
    }
    case 'compound':
      return {
        class: 'compound',
        size: dtype.size,
        members: (dtype.members ?? []).map(m => ({ name: m.name, dtype: canonDtype(m.dtype) })),
      };
    case 'enum':
    case 'boolean':
      return {
        class: 'enum',
        size: dtype.size,
        // The engine's booleans (FALSE/TRUE enums) carry no base: that is a difference too.
        base: dtype.base ? canonDtype(dtype.base) : null,
        members: { ...(dtype.enumMapping ?? {}) },
      };
    case 'array':
      return dtype.vlen
        ? { class: 'vlen', base: base(dtype.base) }
        : { class: 'array', size: dtype.size, shape: dtype.arrayShape ?? [], base: base(dtype.base) };
    case 'reference':
      return { class: 'reference', kind: dtype.refType ?? 'object' };
    case 'opaque':
      return { class: 'opaque', size: dtype.size };
    default:
      return { class: 'unknown', size: dtype.size };
  }
}

export function canonNumber(v: number | bigint): Canon {
  if (typeof v === 'bigint')
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

/** One element of the given dtype, as the engine returned it, in canonical form. */
function canonValue(v: H5Value, dtype: Dtype): Canon {
  switch (dtype.class) {
    case 'integer':
    case 'float':
    case 'bitfield':
      return typeof v === 'number' ? canonNumber(v) : (v as Canon);
    case 'enum':
    case 'boolean': {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && dtype.enumMapping && v in dtype.enumMapping) return dtype.enumMapping[v];
      return typeof v === 'number' ? canonNumber(v) : (v as Canon);
    }
    case 'compound': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v as Canon;
      const row = v as { [key: string]: H5Value };
      const out: { [key: string]: Canon } = {};
      for (const m of dtype.members ?? []) out[m.name] = canonValue(row[m.name] ?? null, m.dtype);
      return out;
    }
    case 'array': {
      const inner = dtype.base ?? { class: 'unknown', size: 0, display: '' };
      if (!Array.isArray(v)) return v as Canon;
      if (dtype.vlen) return v.map(x => canonValue(x, inner));
      return nestedValue(v, Math.max(1, (dtype.arrayShape ?? []).length), inner);
    }
    case 'reference': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v as Canon;
      const { selection, ...rest } = v as {
        selection?: H5Region;
        [key: string]: H5Value | H5Region | undefined;
      };
      if (!selection) return rest as Canon;
      return { ...(rest as { [key: string]: Canon }), region: canonRegion(selection) };
    }
    default:
      return v as Canon;
  }
}

/** A region's selection as h5dump.py writes libhdf5's: blocks as [first corner, last corner]. */
function canonRegion(region: H5Region): Canon {
  switch (region.kind) {
    case 'all':
    case 'none':
      return region.kind;
    case 'points':
      return { points: region.points };
    case 'hyperslab':
      return { blocks: region.blocks.map(b => [b.start, b.start.map((s, i) => s + (b.count[i] ?? 1) - 1)]) };
    case 'error':
      return { error: region.message };
  }
}

function nestedValue(v: H5Value, depth: number, dtype: Dtype): Canon {
  if (depth === 0 || !Array.isArray(v)) return canonValue(v, dtype);
  return v.map(x => nestedValue(x, depth - 1, dtype));
}

/** The engine nests an attribute's value by its shape: back to one row-major list. */
function flatten(v: H5Value, depth: number): H5Value[] {
  if (!Array.isArray(v)) return [v];
  if (depth <= 1) return v;
  return v.flatMap(x => flatten(x, depth - 1));
}

function canonAttribute(attribute: H5Attribute): CanonAttribute {
  // The engine says null for a scalar and [] for a null dataspace.
  const shape = attribute.shape === null ? [] : attribute.shape.length === 0 ? null : attribute.shape;
  const elements =
    shape === null ? [] : shape.length === 0 ? [attribute.value] : flatten(attribute.value, shape.length);
  return {
    dtype: canonDtype(attribute.dtype),
    shape,
    values: elements.map(v => canonValue(v, attribute.dtype)),
  };
}

function canonData(data: NumericArray | H5Value[], dtype: Dtype): Canon[] {
  if (Array.isArray(data)) return data.map(v => canonValue(v, dtype));
  const out: Canon[] = [];
  for (const v of data) out.push(canonNumber(v));
  return out;
}

async function canonValues(
  file: Hdf5File,
  info: DatasetInfo,
  shape: number[] | null,
): Promise<CanonObject['values']> {
  try {
    if (shape === null) return { rows: null, data: [] };
    const rows = comparedRows(shape);
    if (rows === null) {
      const read = await file.read(info.path, {}, { maxElements: Number.MAX_SAFE_INTEGER });
      return { rows: null, data: canonData(read.data, info.dtype) };
    }
    const data: Canon[] = [];
    for (const [start, stop] of rows) {
      const read = await file.read(info.path, {
        start: shape.map((_, i) => (i === 0 ? start : 0)),
        count: shape.map((n, i) => (i === 0 ? stop - start : n)),
      });
      for (const v of canonData(read.data, info.dtype)) data.push(v);
    }
    return { rows, data };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The engine's view of the whole file, through its public API, in canonical form. */
export async function engineDump(file: Hdf5File): Promise<CanonFile> {
  const snapshot = await file.walk('/');
  if (snapshot.truncated) throw new Error(`${file.info.label}: the walk was truncated`);
  const attributes = (path: string) =>
    Object.fromEntries((snapshot.attributes[path] ?? []).map(a => [a.name, canonAttribute(a)]));
  const objects: Record<string, CanonObject> = { '/': { kind: 'group', attributes: attributes('/') } };
  for (const entry of snapshot.entries) {
    switch (entry.kind) {
      case 'softLink':
      case 'brokenLink':
        objects[entry.path] = { kind: 'softLink', target: entry.target };
        break;
      case 'externalLink':
        objects[entry.path] = { kind: 'externalLink', target: entry.target };
        break;
      case 'datatype':
        objects[entry.path] = { kind: 'datatype' };
        break;
      case 'group':
        objects[entry.path] = { kind: 'group', attributes: attributes(entry.path) };
        break;
      case 'dataset': {
        const info = snapshot.datasets[entry.path];
        // The engine reports a null dataspace as shape [] with no elements (a scalar has one).
        const shape = info.shape.length === 0 && info.size === 0 ? null : info.shape;
        objects[entry.path] = {
          kind: 'dataset',
          attributes: attributes(entry.path),
          dtype: canonDtype(info.dtype),
          shape,
          maxshape: shape === null ? null : (info.maxshape ?? []),
          chunks: info.chunks,
          filters: info.filters.map(f => f.id),
          values: await canonValues(file, info, shape),
        };
        break;
      }
    }
  }
  return { objects };
}
