/**
 * The one check of a hyperslab selection (start, count, stride per dimension) against a shape, for
 * every backend the NWB layer reads through: the HDF5 worker and the hdmf-zarr adapter.
 */
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
