/**
 * One attribute's value, read by path and name: its metadata, then its data converted in
 * h5wasm's heap (or, for what h5wasm cannot convert, from its stored bytes).
 */
import { h5wasmCannotConvert, orderChangeFails, swapLeftBigEndian } from './byteOrder';
import { firstDiagnostic, freeStrings, hasVlen, malloc, readQuietly, type H5Module } from './h5calls';
import { storedAttributeBytes, type StoredAccess } from './storedData';
import { Hdf5Error, type H5Attribute, type H5Value } from './types';
import { toDtype } from './dtypes';
import { isVlenString, nest, toValues, type ValueContext } from './values';

/** Attributes with more elements are described, not read (dense storage lets a small file hold huge ones). */
const MAX_ATTRIBUTE_ELEMENTS = 1_000_000;

/** The open file the attributes are read from. */
export interface AttributeSource {
  m: H5Module;
  /** libhdf5's id of the file (opened at the first call that needs it). */
  fileId(): bigint;
  ctx: ValueContext;
  /** Whether a byte fetch failed during the current call (such failures must fail the call). */
  fetchFailed(): boolean;
  storedAccess(path: string): StoredAccess;
}

/** The attribute and the bytes its value took in h5wasm's heap (what it costs to keep). */
export function readAttribute(
  source: AttributeSource,
  path: string,
  name: string,
): { value: H5Attribute; nbytes: number } {
  const { m, ctx } = source;
  const fileId = source.fileId();
  const meta = m.get_attribute_metadata(fileId, path, name);
  const dtype = toDtype(meta);
  if (!meta.shape) return { value: { name, dtype, shape: [], value: null }, nbytes: 0 };
  if (meta.total_size > MAX_ATTRIBUTE_ELEMENTS) {
    const value = `${meta.total_size} elements of shape [${meta.shape.join(', ')}] (${dtype.class}, ${dtype.size} bytes each): too large to show`;
    return { value: { name, dtype, shape: meta.shape, value }, nbytes: 0 };
  }
  const nbytes = meta.size * meta.total_size;
  const scalar = meta.shape.length === 0;
  if (h5wasmCannotConvert(meta)) {
    let bytes: Uint8Array;
    try {
      bytes = storedAttributeBytes(source.storedAccess(path), path, meta, name, nbytes);
    } catch (error) {
      // Like an attribute libhdf5 refuses: this one shows why, its siblings read on.
      if (source.fetchFailed() || !(error instanceof Hdf5Error)) throw error;
      const value = {
        name,
        dtype,
        shape: null,
        value: null,
        error: `cannot read this attribute: ${error.message}`,
      };
      return { value, nbytes: 0 };
    }
    const values = toValues(bytes, meta, ctx);
    const value = scalar ? (values[0] ?? null) : (nest(values, meta.shape) as H5Value);
    return { value: { name, dtype, shape: scalar ? null : meta.shape, value }, nbytes };
  }
  const ptr = malloc(m, nbytes);
  try {
    const get = () => m.get_attribute_data(fileId, path, name, BigInt(ptr));
    if (orderChangeFails(meta)) readQuietly(m, `${path} ${name}`, get);
    else get();
    const bytes = m.HEAPU8.slice(ptr, ptr + nbytes);
    swapLeftBigEndian(bytes, meta);
    const values = toValues(bytes, meta, ctx);
    if (isVlenString(meta)) freeStrings(m, bytes, meta.size);
    else if (hasVlen(meta)) m.reclaim_vlen_memory(fileId, path, name, BigInt(ptr));
    const value = scalar ? (values[0] ?? null) : (nest(values, meta.shape) as H5Value);
    return { value: { name, dtype, shape: scalar ? null : meta.shape, value }, nbytes };
  } finally {
    m._free(ptr);
  }
}

/** An attribute HDF5 refused to read: it carries why, with its type when that is readable. */
export function unreadableAttribute(
  source: AttributeSource,
  path: string,
  name: string,
  error: unknown,
): H5Attribute {
  const message = firstDiagnostic(error instanceof Error ? error.message : String(error));
  let dtype: H5Attribute['dtype'] = { class: 'unknown', size: 0, display: 'unknown' };
  try {
    dtype = toDtype(source.m.get_attribute_metadata(source.fileId(), path, name));
  } catch {
    // the type itself is unreadable: 'unknown' says so
  }
  return { name, dtype, shape: null, value: null, error: `cannot read this attribute: ${message}` };
}
