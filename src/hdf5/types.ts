/**
 * The HDF5 engine's public contract (no `vscode` import). The engine (src/hdf5/engine.ts) runs
 * h5wasm in a worker thread over a block cache fed by byte sources; the rest of the extension
 * (src/nwb, src/editor, the inspector, the benchmarks) only sees these types.
 */

export type EntryKind = 'group' | 'dataset' | 'datatype' | 'softLink' | 'externalLink' | 'brokenLink';

/** One child of a group, with what the NWB and raw HDF5 views show without another request. */
export interface H5Entry {
  name: string;
  /** Absolute path, e.g. `/acquisition/ts`. */
  path: string;
  kind: EntryKind;
  /** Soft link target path, or `file.h5://path` for external links. */
  target?: string;
  /** `neurodata_type` attribute (groups and datasets), when present. */
  neurodataType?: string;
  /** `namespace` attribute, when present. */
  namespace?: string;
  /** Datasets: shape ([] for scalars). */
  shape?: number[];
  /** Datasets: short dtype text, e.g. `<f4`, `int16`, `vlen str`, `compound`. */
  dtype?: string;
  /** Groups: number of children. */
  childCount?: number;
}

export type DtypeClass =
  | 'integer'
  | 'float'
  | 'string'
  | 'compound'
  | 'enum'
  | 'array'
  | 'reference'
  | 'bitfield'
  | 'opaque'
  | 'boolean'
  | 'unknown';

export interface Dtype {
  class: DtypeClass;
  /** Bytes per element. */
  size: number;
  signed?: boolean;
  littleEndian?: boolean;
  /** Strings: variable length. */
  vlen?: boolean;
  /** Strings: `ascii` or `utf-8`. */
  charset?: string;
  /** Compounds: member names and types in order. */
  members?: { name: string; dtype: Dtype }[];
  /** Arrays: element type and shape. Enums: base integer type. */
  base?: Dtype;
  arrayShape?: number[];
  /** Enums: name to value. */
  enumMapping?: Record<string, number>;
  /** References: object or region. */
  refType?: 'object' | 'region';
  /** Human text, e.g. `float32`, `int64`, `utf-8 string (vlen)`, `compound {x: float64, ...}`. */
  display: string;
}

/**
 * Attribute and non-numeric dataset values as JSON-safe data. Object and region references are
 * `{ ref: '/path' }` (the path they point to; region references add `region`, the selection as
 * text such as `[0:4]`, and `selection`, the selection itself); 64-bit integers beyond 2^53 are
 * strings.
 */
export type H5Value =
  | string
  | number
  | boolean
  | null
  | H5Value[]
  | { ref: string; region?: string; selection?: H5Region }
  | { [key: string]: H5Value };

/**
 * The selection of a region reference, as libhdf5's H5Rget_region gives it: hyperslab blocks
 * (`count` elements per dimension from `start`) or points (one coordinate list each).
 */
export type H5Region =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'hyperslab'; blocks: { start: number[]; count: number[] }[] }
  | { kind: 'points'; points: number[][] }
  | { kind: 'error'; message: string };

export interface H5Attribute {
  name: string;
  dtype: Dtype;
  /** null for scalars. */
  shape: number[] | null;
  value: H5Value;
  /** Why the attribute could not be read (then `value` is null): one bad attribute fails alone. */
  error?: string;
}

export interface H5Filter {
  /** HDF5 filter id (1 gzip, 2 shuffle, 3 fletcher32, 4 szip, 5 nbit, 6 scaleoffset, 32001 blosc, ...). */
  id: number;
  name: string;
  /** Whether the engine can decode it (built in or a loaded plugin). */
  supported: boolean;
}

export interface DatasetInfo {
  path: string;
  shape: number[];
  maxshape: (number | null)[] | null;
  dtype: Dtype;
  /** null when contiguous or compact. */
  chunks: number[] | null;
  filters: H5Filter[];
  /** Bytes allocated in the file (compressed), when known. */
  storageSize?: number;
  /** Number of elements. */
  size: number;
}

/** A hyperslab: `count` elements per dimension starting at `start`, every `stride`-th. */
export interface Selection {
  start?: number[];
  count?: number[];
  stride?: number[];
}

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export interface ReadResult {
  /** Shape of the selection that was read. */
  shape: number[];
  dtype: Dtype;
  /** Numeric data as a typed array (row-major), other data as values. */
  data: NumericArray | H5Value[];
}

/** Network and cache counters of one open file. */
export interface SourceStats {
  /** Requests sent to the byte source (HTTP range requests or file reads). */
  requests: number;
  /** Bytes fetched from the source. */
  bytesFetched: number;
  /** Reads answered from the block cache. */
  cacheHits: number;
  /** Reads that needed the source. */
  cacheMisses: number;
  /** Bytes held in the block cache now. */
  cacheBytes: number;
  /** Metadata answers served from the persistent metadata cache. */
  metadataCacheHits: number;
  /** Most bytes the block cache has held at once (stays within OpenOptions.cacheBytes). */
  peakCacheBytes?: number;
  /** Times the worker was restarted after a crash or a missed deadline. */
  workerRestarts?: number;
  /** Metadata answers read in JavaScript (src/hdf5/format/), and those left to libhdf5. */
  metadataByJavaScript?: number;
  metadataByLibhdf5?: number;
  /** Milliseconds the engine sat waiting for bytes (the network, or the disk for a local file). */
  waitMs?: number;
}

export interface FileInfo {
  /** File size in bytes. */
  size: number;
  /** What the persistent cache keys on: blob id / dandi-etag, or path+size+mtime. */
  identity: string;
  /** Where it is read from, for people: a path or a URL without query. */
  label: string;
}

export interface Hdf5File {
  readonly info: FileInfo;
  /** Children of a group, in HDF5 order. */
  list(path: string): Promise<H5Entry[]>;
  /** One object's entry (kind, type, shape). */
  entry(path: string): Promise<H5Entry>;
  attributes(path: string): Promise<H5Attribute[]>;
  datasetInfo(path: string): Promise<DatasetInfo>;
  /**
   * Reads a selection. Fails with {@link Hdf5Error} `unsupported-filter` ("unsupported compression:
   * <name>") instead of returning undecoded bytes, and `too-large` past `maxElements`.
   */
  read(
    path: string,
    selection?: Selection,
    options?: { signal?: AbortSignal; maxElements?: number },
  ): Promise<ReadResult>;
  /**
   * Every entry under `path` (depth first, links not followed) with dataset infos and, unless
   * `attributes` is false, every object's attributes: one call instead of one per object.
   */
  walk(path?: string, options?: WalkOptions): Promise<MetadataSnapshot>;
  stats(): SourceStats;
  /** Saves what metadata calls have read so far to the persistent cache (close() does it too). */
  saveMetadata?(): Promise<void>;
  close(): Promise<void>;
  /**
   * Where a numeric dataset's stored pieces are, in file order, for {@link readChunks}. Fails with
   * `unsupported-layout` or `unsupported-filter` where the stored bytes cannot be decoded outside
   * HDF5 (another filter or chunk index, a non-numeric type): then read() is the way.
   */
  chunkPlan?(path: string): Promise<ChunkPlan>;
  /**
   * Fetches the pieces `which` (indices into `plan.chunks`) with coalesced range requests, several
   * in flight, decodes them off this thread and calls `visit` with each one's elements (as read()
   * would give them) as it is ready, in no fixed order. Bounded memory; stops at `signal`.
   */
  readChunks?(
    plan: ChunkPlan,
    which: readonly number[],
    visit: (chunk: DecodedChunk) => void,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}

/** One stored piece of a dataset: a chunk, or a band of rows of contiguous storage. */
export interface StoredPiece {
  /** Its first element (dataset coordinates). */
  origin: number[];
  /** File offset (from the file's first byte) and stored (filtered) size. */
  address: number;
  size: number;
  /** Bit i set: filter i of the pipeline was skipped for this piece. */
  filterMask: number;
}

export interface ChunkPlan {
  path: string;
  shape: number[];
  dtype: Dtype;
  layout: 'chunked' | 'contiguous';
  /** The shape of every piece as stored (chunks are stored whole, even past the dataset's edge). */
  chunkShape: number[];
  /** The filter pipeline in the order the writer applied it. */
  filters: { id: number; clientData: number[] }[];
  /** Pieces with storage, in file order. */
  chunks: StoredPiece[];
  /** Origins of chunks never written (read() gives their fill value). */
  unwritten: number[][];
}

/** One piece's elements, row-major over `shape` (the whole chunk, also past the dataset's edge). */
export interface DecodedChunk {
  index: number;
  origin: number[];
  shape: number[];
  data: NumericArray;
}

export interface WalkOptions {
  /** Read every object's attributes too (default true). */
  attributes?: boolean;
  /** Stop after this many entries (default 100,000); the snapshot then says `truncated`. */
  maxEntries?: number;
}

export interface MetadataSnapshot {
  entries: H5Entry[];
  /** By object path (the walked group, its groups and datasets), when asked for. */
  attributes: Record<string, H5Attribute[]>;
  datasets: Record<string, DatasetInfo>;
  truncated: boolean;
}

/** Where the bytes come from. */
export type SourceSpec =
  | { kind: 'local'; path: string }
  | {
      kind: 'http';
      /** A URL that answers ranged GETs (or a DANDI download URL that redirects to one). */
      url: string;
      /** Stable identity for the metadata cache (e.g. the dandi-etag); derived from the response when absent. */
      identity?: string;
      /** Sent only to `url`'s origin, never to the host it redirects to. */
      headers?: Record<string, string>;
    }
  | {
      kind: 'dandi';
      /** API base URL, e.g. `https://api.dandiarchive.org/api`. */
      apiUrl: string;
      assetId: string;
      /** `Authorization: token <apiKey>` goes to the API origin only. */
      apiKey?: string;
      /** The blob's unsigned URL (open assets): read first, falling back to the API's redirect. */
      blobUrl?: string;
      /** Blob identity when known (dandi-etag or blob id), so a second open needs no request. */
      identity?: string;
      size?: number;
      /**
       * Embargoed (or not known to be open): its cached metadata is deleted at sign-out. Default:
       * private when read with an API key.
       */
      private?: boolean;
    };

export interface OpenOptions {
  /** Block cache bound in bytes (default 256 MiB). */
  cacheBytes?: number;
  /** Folder of the persistent metadata cache; none when absent. */
  metadataCacheDir?: string;
  /** Bound of the persistent metadata cache in bytes (default 200 MiB). */
  metadataCacheBytes?: number;
  /** Deadline for each engine call, in milliseconds (default 60 s). */
  deadlineMs?: number;
  /** Path of the built worker script (default: hdf5Worker.js beside the running bundle). */
  workerPath?: string;
  signal?: AbortSignal;
  /** Default `maxElements` of read() (default 50,000,000). */
  maxElements?: number;
  /**
   * Block sizing: 'adaptive' (default) or 'fixed-100k', the benchmarks' baseline: fixed 100 KiB
   * blocks, one request per missing block, no prefetch, no coalescing, no persistent cache.
   */
  blockPolicy?: 'adaptive' | 'fixed-100k';
  /** Folder with h5wasm-plugins filter side modules (libH5Z*.so) to load; none when absent. */
  pluginDir?: string;
  /**
   * Keep the file open this long after its last close (default 0: close at once), so that a
   * reopen within it reuses the running worker and its block cache (filePool.ts).
   */
  keepAliveMs?: number;
  /**
   * Who reads metadata (entries, attributes, dataset infos): 'javascript' (default) reads the
   * file's own structures (src/hdf5/format/) and asks libhdf5 only for what that reader does not
   * read; 'libhdf5' asks h5wasm for everything (the reference the equivalence tests compare with).
   */
  metadataReader?: 'javascript' | 'libhdf5';
}

export type Hdf5ErrorCode =
  | 'not-found'
  | 'not-hdf5'
  | 'corrupt'
  | 'unsupported-filter'
  | 'too-large'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'worker-crashed'
  | 'closed'
  | 'unsupported-layout';

export class Hdf5Error extends Error {
  constructor(
    readonly code: Hdf5ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Hdf5Error';
  }
}
