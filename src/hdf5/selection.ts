/**
 * The one check of a hyperslab selection (start, count, stride per dimension) against a shape, for
 * every backend the NWB layer reads through: the HDF5 worker and the hdmf-zarr adapter; and what
 * an HDF5 selection will need from the file (the block cache's prefetch hint).
 */
import type { Metadata } from 'h5wasm';
import type { DataHint } from './blockCache';
import { Hdf5Error } from './types';

export function checkSelection(
  path: string,
  shape: number[],
  start: number[],
  count: number[],
  stride: number[],
): void {
  const ok =
    start.length === shape.length &&
    count.length === shape.length &&
    stride.length === shape.length &&
    shape.every((n, i) => {
      const [s, c, st] = [start[i], count[i], stride[i]];
      return (
        Number.isInteger(s) &&
        Number.isInteger(c) &&
        Number.isInteger(st) &&
        s >= 0 &&
        c >= 0 &&
        st >= 1 &&
        (c === 0 || s + (c - 1) * st < n)
      );
    });
  if (!ok) throw new Hdf5Error('not-found', `selection outside ${path} (shape [${shape.join(', ')}])`);
}

/** What the read will need from the file, so prefetch stops at the end of the selection. */
export function dataHint(meta: Metadata, start: number[], count: number[], stride: number[]): DataHint {
  const shape = meta.shape ?? [];
  if (count.some(c => c === 0)) return { expectedBytes: 0, chunkCount: 0 };
  if (meta.chunks && meta.chunks.length === shape.length) {
    const chunks = meta.chunks;
    let chunkCount = 1;
    shape.forEach((_, i) => {
      const last = start[i] + (count[i] - 1) * stride[i];
      chunkCount *= Math.floor(last / chunks[i]) - Math.floor(start[i] / chunks[i]) + 1;
    });
    const chunkBytes = chunks.reduce((a, b) => a * b, 1) * meta.size;
    return { expectedBytes: chunkCount * chunkBytes, chunkCount };
  }
  let first = 0;
  let last = 0;
  shape.forEach((n, i) => {
    first = first * n + start[i];
    last = last * n + start[i] + (count[i] - 1) * stride[i];
  });
  return { expectedBytes: (last - first + 1) * meta.size, chunkCount: 0 };
}
