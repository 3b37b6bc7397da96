/**
 * One selection of a data set, read in the worker: through libhdf5 (h5wasm's get_dataset_data
 * into the wasm heap, then converted), or from the stored bytes where h5wasm cannot convert the
 * type (storedData.ts). The checks come first: a selection too big for the heap never allocates.
 */
import type { Metadata } from 'h5wasm';
import type { AttributeSource } from './attributeRead';
import type { DataHint } from './blockCache';
import { h5wasmCannotConvert, orderChangeFails, swapLeftBigEndian } from './byteOrder';
import { hasVlen, malloc, readQuietly } from './h5calls';
import { checkSelection, dataHint } from './selection';
import { storedDatasetBytes } from './storedData';
import { Hdf5Error, type ReadResult, type Selection } from './types';
import { toDtype } from './dtypes';
import { isNumeric, toTypedArray, toValues } from './values';

/** Wasm heap ceiling for one read (the module has 2 GiB in all). */
const MAX_READ_BYTES = 1024 * 1024 * 1024;

/** The open file a selection is read from: what an attribute read needs, and the block cache's cue. */
export interface DatasetAccess extends Pick<AttributeSource, 'm' | 'fileId' | 'ctx' | 'storedAccess'> {
  /** Tells the block cache a data read begins, and what it will need. */
  beginData(hint: DataHint): void;
}

export function readSelection(
  access: DatasetAccess,
  path: string,
  meta: Metadata,
  selection: Selection,
  maxElements: number,
): ReadResult {
  const { m, ctx } = access;
  const dtype = toDtype(meta);
  if (!meta.shape) return { shape: [], dtype, data: [] };
  const shape = meta.shape;
  const start = selection.start ?? shape.map(() => 0);
  const stride = selection.stride ?? shape.map(() => 1);
  const count = selection.count ?? shape.map((n, i) => Math.max(0, Math.ceil((n - start[i]) / stride[i])));
  checkSelection(path, shape, start, count, stride);
  const elements = count.reduce((a, b) => a * b, 1);
  if (elements > maxElements) {
    throw new Hdf5Error('too-large', `selection of ${elements} elements exceeds the limit of ${maxElements}`);
  }
  const nbytes = elements * meta.size;
  if (nbytes > MAX_READ_BYTES)
    throw new Hdf5Error('too-large', `selection of ${nbytes} bytes exceeds the read limit`);
  access.beginData(dataHint(meta, start, count, stride));
  const scalar = shape.length === 0;
  if (h5wasmCannotConvert(meta)) {
    const bytes = storedDatasetBytes(access.storedAccess(path), path, meta, { start, count, stride });
    return { shape: scalar ? [] : count, dtype, data: toValues(bytes, meta, ctx) };
  }
  const fileId = access.fileId();
  const ptr = malloc(m, nbytes);
  try {
    const big = (a: number[]) => a.map(BigInt);
    const get = () =>
      m.get_dataset_data(
        fileId,
        path,
        scalar ? null : big(count),
        scalar ? null : big(start),
        scalar ? null : big(stride),
        BigInt(ptr),
      );
    if (orderChangeFails(meta)) readQuietly(m, path, get);
    else get();
    const bytes = m.HEAPU8.slice(ptr, ptr + nbytes);
    swapLeftBigEndian(bytes, meta);
    const data = isNumeric(meta) ? toTypedArray(bytes, meta) : toValues(bytes, meta, ctx);
    if (hasVlen(meta)) m.reclaim_vlen_memory_count(fileId, path, '', BigInt(ptr), scalar ? [] : big(count));
    return { shape: scalar ? [] : count, dtype, data };
  } finally {
    m._free(ptr);
  }
}
