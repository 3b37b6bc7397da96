/**
 * What the NWB layer reads a file through, whatever stores it: the HDF5 engine's {@link Hdf5File}
 * implements it as is, and the hdmf-zarr adapter (src/nwbzarr/) maps Zarr groups, arrays and
 * attributes to the same entry, info and value shapes, so every view works on both unchanged.
 */
import type { Hdf5File } from '../hdf5/types';

export type NwbBackend = Pick<
  Hdf5File,
  | 'info'
  | 'list'
  | 'entry'
  | 'attributes'
  | 'datasetInfo'
  | 'read'
  | 'stats'
  | 'close'
  | 'chunkPlan'
  | 'readChunks'
>;
