/**
 * HDF5 filters: names, what h5wasm decodes itself, and which plugin side module decodes the rest.
 * h5wasm does not fail on a filter it lacks: it returns the undecoded bytes (MANIFEST finding 1),
 * so every read checks the dataset's filters first.
 */
import type { H5Filter } from './types';

/** Decoded by h5wasm 0.10.3 itself (nbit verified by test/unit/hdf5/filters.test.ts). */
export const BUILT_IN_FILTERS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);

const NAMES: Record<number, string> = {
  1: 'gzip',
  2: 'shuffle',
  3: 'fletcher32',
  4: 'szip',
  5: 'nbit',
  6: 'scaleoffset',
  307: 'bzip2',
  32000: 'lzf',
  32001: 'blosc',
  32004: 'lz4',
  32008: 'bitshuffle',
  32013: 'zfp',
  32015: 'zstd',
  32017: 'sz',
  32019: 'jpeg',
  32022: 'bitgroom',
  32023: 'bitround',
  32026: 'blosc2',
};

/** Plugin side modules (h5wasm-plugins file names) by the filter id they register. */
export const PLUGIN_FILES: Record<number, string> = {
  307: 'libH5Zbz2.so',
  32000: 'libH5Zlzf.so',
  32001: 'libH5Zblosc.so',
  32004: 'libH5Zlz4.so',
  32008: 'libH5Zbshuf.so',
  32013: 'libH5Zzfp.so',
  32015: 'libH5Zzstd.so',
  32026: 'libH5Zblosc2.so',
};

export function filterName(id: number, reported?: string): string {
  return NAMES[id] ?? (reported && reported.length > 0 ? reported : `filter ${id}`);
}

export function describeFilters(
  raw: { id: number; name: string }[],
  plugins: ReadonlySet<number>,
): H5Filter[] {
  return raw.map(f => ({
    id: f.id,
    name: filterName(f.id, f.name),
    supported: BUILT_IN_FILTERS.has(f.id) || plugins.has(f.id),
  }));
}
