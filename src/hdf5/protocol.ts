/**
 * Messages between the host thread (workerHost.ts) and the HDF5 worker (worker.ts). The worker
 * answers engine calls one at a time; while it answers it may block on a byte fetch, which it asks
 * the host for with a `fetch` message and waits for on `control` (Atomics) and the fetch port.
 */
import type { WasmModule } from './wasmShare';
import type { ChunkPlan, Hdf5ErrorCode, ReadResult, Selection } from './types';

/** How the worker's block cache chooses request sizes. */
export type BlockPolicy = 'adaptive' | 'fixed-100k';

/** A run of cached file bytes (persisted by the metadata cache, or seeded by the size probe). */
export interface PageRun {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Bytes still arriving when the worker opens the file: the host writes the body of one request
 * into `bytes` (shared memory) and publishes its progress, so HDF5 starts on the first bytes. When
 * the worker waits for bytes far ahead of the stream (metadata written after the data, as pynwb
 * does), the host may stop it and go on from there: the tail then lands from `tailAt`, and what
 * lies between is fetched as any miss (streamRun.ts).
 */
export interface StreamRun {
  offset: number;
  bytes: Uint8Array;
  /** Int32Array over shared memory, the STREAM slots (offsets relative to `offset`). */
  progress: Int32Array;
}

/**
 * The progress slots: `filled` bytes written from the start, `state` a StreamState, `wanted` the
 * end of what a waiting worker needs (the host wakes it only then, not at every chunk), `seq`
 * bumped at every publication (what the worker sleeps on), `jumpTo` where the worker waits,
 * `tailAt` where the host went on from (0: it did not), `tailFilled` bytes written from there.
 */
export const STREAM = {
  filled: 0,
  state: 1,
  wanted: 2,
  seq: 3,
  jumpTo: 4,
  tailAt: 5,
  tailFilled: 6,
} as const;
export const STREAM_STATE = { arriving: 0, done: 1, failed: 2 } as const;

/** A stream's progress: the STREAM slots, Int32 in shared memory. */
export function streamProgress(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * Object.keys(STREAM).length));
}

/**
 * Records the host's progress on a stream. A worker waiting for more than has landed sleeps on:
 * waking it at every chunk would cost the CPU that receives the rest.
 */
export function publishStream(
  progress: Int32Array,
  slot: 'filled' | 'state' | 'tailAt' | 'tailFilled',
  value: number,
): void {
  Atomics.store(progress, STREAM[slot], value);
  // Bumped after the value: a worker that read `seq` before this sees a changed `seq` and looks again.
  Atomics.add(progress, STREAM.seq, 1);
  const wanted = Atomics.load(progress, STREAM.wanted);
  const reached =
    slot === 'filled'
      ? value >= wanted
      : slot === 'tailFilled'
        ? Atomics.load(progress, STREAM.tailAt) + value >= wanted
        : true;
  if (reached) Atomics.notify(progress, STREAM.seq);
}

/** `bytes` in shared memory (a copy unless already there): posted to workers by reference, not cloned. */
export function toShared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

/** What a worker needs to start; nothing about a file (a spare worker boots before one is chosen). */
export interface WorkerInit {
  /** Int32Array over it: [0] fetch state (0 waiting, 1 ready). */
  control: SharedArrayBuffer;
  /** Float64Array over it: see STAT. */
  stats: SharedArrayBuffer;
  /**
   * Plugin side modules to install: file name and bytes, in shared memory (3.7 MB cloned into
   * every new worker cost the host's thread about 5 ms per worker).
   */
  plugins: { name: string; bytes: Uint8Array }[];
}

/** How one open file is read; sent with its `open` call. */
export interface FileSettings {
  cacheBytes: number;
  policy: BlockPolicy;
  /** Milliseconds the worker waits for one fetch before failing the read. */
  fetchWaitMs: number;
  /** Metadata read in JavaScript first (OpenOptions.metadataReader). */
  javascriptMetadata: boolean;
}

export type CallOp =
  /** Opens the file; `seed` holds bytes known before the first read (probe, persistent cache). */
  | { op: 'open'; size: number; seed: PageRun[]; stream?: StreamRun; settings: FileSettings }
  | { op: 'list'; path: string }
  | { op: 'entry'; path: string }
  | { op: 'attributes'; path: string }
  | { op: 'datasetInfo'; path: string }
  | { op: 'read'; path: string; selection: Selection; maxElements: number }
  | { op: 'walk'; path: string; attributes: boolean; maxEntries: number }
  | { op: 'exportMetadata' }
  /** A spare worker, before it has a file: runs the engine's code paths on a scratch file (warmUp.ts). */
  | { op: 'warmUp' }
  /** Closes the file and forgets it, so the worker (its code already optimized) can take another. */
  | { op: 'release' }
  /** Where a dataset's stored pieces are, for the host to read them raw (chunkPlan.ts). */
  | { op: 'chunkPlan'; path: string };

export type CallValue =
  SerializedAnswer | ReadResult | PageRun[] | OpenValue | WarmUpValue | ReleaseValue | ChunkPlan;

/**
 * The answer to a metadata call (list, entry, attributes, datasetInfo, walk), serialized by the
 * worker with node:v8 and transferred. The host keeps these bytes as they are: they are its memo,
 * what the persistent metadata cache writes, and each caller's copy is deserialized from them (a
 * walk's answer is thousands of objects: cloning it again on the host and serializing it again
 * at save were a tenth of a small file's cold walk).
 */
export interface SerializedAnswer {
  serialized: Uint8Array;
}

export interface WarmUpValue {
  warmUpMs: number;
}

export interface ReleaseValue {
  /** The wasm heap's size after the release (it never shrinks: a big one is not worth keeping). */
  heapBytes: number;
}

export interface OpenValue {
  pluginsLoaded: number[];
}

export type HostToWorker = { type: 'call'; id: number; call: CallOp };

export type WorkerToHost =
  /** Started; carries h5wasm's compiled module when this worker compiled it (see wasmShare.ts). */
  | { type: 'ready'; wasmModule?: WasmModule }
  | { type: 'reply'; id: number; ok: true; value: CallValue }
  | { type: 'reply'; id: number; ok: false; code: Hdf5ErrorCode; message: string; fatal: boolean }
  | { type: 'fetch'; seq: number; start: number; end: number };

/** Answer to a fetch, posted on the fetch port before `control[0]` is set. */
export type FetchReply = { seq: number } & (
  { ok: true; bytes: Uint8Array } | { ok: false; code: Hdf5ErrorCode; message: string }
);

/** Slots of WorkerInit.stats: the worker writes the cache's, the host `linkBytes` (LinkMeter.roundTripBytes). */
export const STAT = {
  hits: 0,
  misses: 1,
  cacheBytes: 2,
  peakCacheBytes: 3,
  pinnedBytes: 4,
  linkBytes: 5,
  /** Metadata answers the JavaScript reader gave, and those it left to libhdf5 (ops.ts). */
  formatAnswers: 6,
  formatFallbacks: 7,
  /** Milliseconds the worker sat blocked on bytes (CacheCounters.waitMs). */
  waitMs: 8,
} as const;
export const STAT_SLOTS = 9;
