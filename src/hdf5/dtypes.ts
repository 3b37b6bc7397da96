/**
 * h5wasm metadata to our Dtype: the type a dataset or attribute reports (class, size as 64-bit
 * libhdf5 reports it, display text), apart from converting its values (values.ts), which the
 * listings and dataset infos do not need.
 */
import type { Metadata } from 'h5wasm';
import type { DatasetInfo, Dtype, H5Filter } from './types';

/** H5T class numbers (H5T_class_t). */
export const INTEGER = 0;
export const FLOAT = 1;
export const TIME = 2;
export const STRING = 3;
export const BITFIELD = 4;
export const OPAQUE = 5;
export const COMPOUND = 6;
export const REFERENCE = 7;
export const ENUM = 8;
export const VLEN = 9;
export const ARRAY = 10;

/** wasm32 pointers are 4 bytes; libhdf5 on the 64-bit machines files are compared on uses 8. */
const POINTER_GROWTH = 4;

/**
 * The element size libhdf5 (64-bit) reports, from h5wasm's wasm32 memory layout: a vlen string
 * is a pointer (4 → 8 bytes) and a vlen sequence a length and a pointer (8 → 16). Compounds grow
 * by what their members grow (members are packed, as libhdf5 lays out the types it reads).
 */
function nativeSize(meta: Metadata): number {
  return meta.size + pointerGrowth(meta);
}

function pointerGrowth(meta: Metadata): number {
  if ((meta.type === STRING && meta.vlen) || meta.type === VLEN) return POINTER_GROWTH;
  if (meta.type === COMPOUND)
    return (meta.compound_type?.members ?? []).reduce((sum, m) => sum + pointerGrowth(m), 0);
  if (meta.type === ARRAY && meta.array_type) {
    const count = (meta.array_type.shape ?? []).reduce((a, b) => a * b, 1);
    return pointerGrowth(meta.array_type) * count;
  }
  return 0;
}

export function isBoolEnum(meta: Metadata): boolean {
  const members = meta.enum_type?.members;
  if (!members) return false;
  const names = Object.keys(members).sort();
  return names.length === 2 && names[0] === 'FALSE' && names[1] === 'TRUE';
}

export function toDtype(meta: Metadata): Dtype {
  const endian = meta.littleEndian ? {} : { littleEndian: false };
  switch (meta.type) {
    case INTEGER:
    case BITFIELD: {
      const display = `${meta.signed ? 'int' : 'uint'}${meta.size * 8}${meta.littleEndian ? '' : ' (big-endian)'}`;
      return {
        class: meta.type === INTEGER ? 'integer' : 'bitfield',
        size: meta.size,
        signed: meta.signed,
        littleEndian: meta.littleEndian,
        display,
      };
    }
    case FLOAT:
      return {
        class: 'float',
        size: meta.size,
        littleEndian: meta.littleEndian,
        display: `float${meta.size * 8}${meta.littleEndian ? '' : ' (big-endian)'}`,
      };
    case STRING: {
      const charset = meta.cset === 1 ? 'utf-8' : 'ascii';
      return {
        class: 'string',
        size: nativeSize(meta),
        vlen: meta.vlen,
        charset,
        display: meta.vlen ? `${charset} string (vlen)` : `${charset} string (${meta.size} bytes)`,
      };
    }
    case COMPOUND: {
      const members = (meta.compound_type?.members ?? []).map(m => ({ name: m.name, dtype: toDtype(m) }));
      return {
        class: 'compound',
        size: nativeSize(meta),
        members,
        display: `compound {${members.map(m => `${m.name}: ${m.dtype.display}`).join(', ')}}`,
      };
    }
    case REFERENCE: {
      const refType = meta.ref_type === 'region' ? 'region' : 'object';
      return { class: 'reference', size: meta.size, refType, display: `${refType} reference` };
    }
    case ENUM: {
      const enumMapping = { ...(meta.enum_type?.members ?? {}) };
      const base = toDtype({ ...meta, type: meta.enum_type?.type ?? INTEGER });
      if (isBoolEnum(meta)) return { class: 'boolean', size: meta.size, base, enumMapping, display: 'bool' };
      return {
        class: 'enum',
        size: meta.size,
        base,
        enumMapping,
        display: `enum ${base.display} {${Object.keys(enumMapping).join(', ')}}`,
      };
    }
    case VLEN: {
      const base = meta.vlen_type ? toDtype(meta.vlen_type) : undefined;
      return {
        class: 'array',
        size: nativeSize(meta),
        vlen: true,
        base,
        display: `vlen ${base?.display ?? 'unknown'}`,
      };
    }
    case ARRAY: {
      const base = meta.array_type ? toDtype(meta.array_type) : undefined;
      const arrayShape = meta.array_type?.shape ?? [];
      return {
        class: 'array',
        size: nativeSize(meta),
        base,
        arrayShape,
        display: `${base?.display ?? 'unknown'}[${arrayShape.join(', ')}]`,
      };
    }
    case OPAQUE:
      return { class: 'opaque', size: meta.size, display: `opaque (${meta.size} bytes)` };
    case TIME:
      // No reader agrees on what the bits mean (seconds, or PyTables' seconds and microseconds):
      // libhdf5 gives the bytes as stored, and so does the engine (values are their hex).
      return {
        class: 'unknown',
        size: meta.size,
        ...endian,
        display: `time${meta.size * 8}${meta.littleEndian ? '' : ' (big-endian)'}`,
      };
    default:
      return {
        class: 'unknown',
        size: meta.size,
        ...endian,
        display: `unknown (class ${meta.type}, ${meta.size} bytes)`,
      };
  }
}

/** A dataset's info from its metadata; its filters are asked for only when it is chunked. */
export function toDatasetInfo(path: string, meta: Metadata, filters: () => H5Filter[]): DatasetInfo {
  const shape = meta.shape ?? [];
  return {
    path,
    shape,
    maxshape: meta.maxshape ? meta.maxshape.map(n => (n >= Number.MAX_SAFE_INTEGER ? null : n)) : null,
    dtype: toDtype(meta),
    chunks: meta.chunks ?? null,
    filters: meta.chunks ? filters() : [],
    size: meta.shape ? shape.reduce((a, b) => a * b, 1) : 0,
  };
}

/** Short dtype text for listings, e.g. `int16`, `float32`, `vlen str`, `compound`. */
export function shortDtype(dtype: Dtype): string {
  switch (dtype.class) {
    case 'string':
      return dtype.vlen ? 'vlen str' : `str${dtype.size}`;
    case 'compound':
      return 'compound';
    case 'reference':
      return `${dtype.refType ?? 'object'} ref`;
    case 'enum':
      return 'enum';
    default:
      return dtype.display.replace(' (big-endian)', '>');
  }
}
