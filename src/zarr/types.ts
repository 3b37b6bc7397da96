/**
 * The contract between the Zarr reader (src/zarr/, owned by the reader work) and its users (the
 * NWB layer for `.nwb.zarr`, the OME-Zarr viewer, `npm run inspect`). Plain Node, no `vscode`.
 * Paths are store-relative, `/`-separated, without a leading slash ("" or "/" is the root).
 */

import type { NumericArray } from '../hdf5/types';

/** Where a store's keys are read from. Never listed to be shown; keys are fetched by name. */
export type ZarrStoreSpec =
  | { kind: 'local'; path: string }
  /** Public objects under a URL prefix (the archive's S3 `zarr/{id}/`), read by key. */
  | { kind: 'http'; baseUrl: string; identity?: string }
  /**
   * An archive Zarr asset: public keys from `baseUrl` when known, else (embargoed) the API's
   * per-key presigned redirect with the user's key. `checksum` (dandi-zarr-checksum) keys caches.
   */
  | { kind: 'dandi'; apiUrl: string; zarrId: string; apiKey?: string; baseUrl?: string; checksum?: string };

export type ZarrJson = null | boolean | number | string | ZarrJson[] | { [key: string]: ZarrJson };

export interface ZarrArrayInfo {
  path: string;
  zarrFormat: 2 | 3;
  shape: number[];
  chunks: number[];
  /** numpy-style for v2 (`<f4`, `|O`, `<U8`), the v3 data_type name for v3 (`float32`, `string`). */
  dtype: string;
  fillValue: ZarrJson;
  /** Codec / filter / compressor ids in order (`bytes`, `blosc`, `zstd`, `vlen-utf8`, `pickle`...). */
  codecs: string[];
  /** The reason values cannot be read (a codec JavaScript cannot run: Pickle), shown in place. */
  unreadable?: string;
  attributes: Record<string, ZarrJson>;
}

export interface ZarrGroupInfo {
  path: string;
  zarrFormat: 2 | 3;
  attributes: Record<string, ZarrJson>;
}

export type ZarrNodeInfo = ({ kind: 'group' } & ZarrGroupInfo) | ({ kind: 'array' } & ZarrArrayInfo);

/** Per dimension: an index, a half-open [start, stop) with optional step, or null for all. */
export type ZarrSelection = Array<number | { start: number; stop: number; step?: number } | null>;

export type ZarrValues = NumericArray | string[] | ZarrJson[];

export interface ZarrReader {
  readonly label: string;
  /** True when the whole hierarchy came from consolidated metadata (`.zmetadata`, v3 `consolidated_metadata`). */
  readonly consolidated: boolean;
  node(path: string): Promise<ZarrNodeInfo | null>;
  /** Child names of a group, from consolidated metadata, or a listing where the store can list (local, the API). */
  children(path: string): Promise<ZarrNodeInfo[]>;
  /**
   * Values of a selection, C order, with the selection's shape (indexed dimensions dropped).
   * `missingChunks` counts the chunks the store does not hold, shown as the fill value: a viewer
   * says so rather than presenting them as data.
   */
  read(
    path: string,
    selection: ZarrSelection,
    signal?: AbortSignal,
  ): Promise<{ shape: number[]; values: ZarrValues; missingChunks: number }>;
  /** Requests and bytes this reader sent (benchmarks and tests count them). */
  readonly requests: number;
  readonly bytesFetched: number;
  close(): Promise<void>;
}
