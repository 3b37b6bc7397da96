/**
 * The dataspace message (0x01), versions 1 and 2, as h5wasm's get_dataset_metadata reports it:
 * no maximum dimensions stored means the current ones, and an unlimited one is H5S_UNLIMITED
 * (2^64 - 1) as a double.
 */
import { Hdf5Error } from '../types';
import { MAX_RANK, guard } from './datatype';
import { Cursor, UNDEFINED, type StoredFile } from './fileCursor';

/** H5S_UNLIMITED as a JavaScript number (what h5wasm's `(double)` cast gives). */
export const UNLIMITED = 2 ** 64;

export function parseDataspace(
  file: StoredFile,
  body: Uint8Array,
): { shape: number[] | null; maxshape: number[] | null } {
  return guard(() => {
    const c = new Cursor(body, file);
    const version = c.u8();
    const rank = c.u8();
    const flags = c.u8();
    let kind = rank === 0 ? 0 : 1; // version 1: scalar or simple
    if (version === 1) c.skip(5);
    else if (version === 2) kind = c.u8();
    else throw new Hdf5Error('corrupt', `unknown dataspace version ${version}`);
    if (rank > MAX_RANK) throw new Hdf5Error('corrupt', `a dataspace of rank ${rank}`);
    if (kind === 2) return { shape: null, maxshape: null };
    if (kind === 0) return { shape: [], maxshape: [] };
    if (kind !== 1) throw new Hdf5Error('corrupt', `unknown dataspace type ${kind}`);
    const shape: number[] = [];
    for (let i = 0; i < rank; i++) {
      const n = c.length();
      if (n === UNDEFINED) throw new Hdf5Error('corrupt', 'a dataspace dimension is undefined');
      shape.push(n);
    }
    if (!(flags & 1)) return { shape, maxshape: shape.slice() };
    const maxshape: number[] = [];
    for (let i = 0; i < rank; i++) {
      const n = c.length();
      maxshape.push(n === UNDEFINED ? UNLIMITED : n);
    }
    return { shape, maxshape };
  }, 'dataspace message');
}
