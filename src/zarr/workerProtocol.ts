/** Messages between the extension host and the Zarr decode worker (worker.ts). */
import type { ArrayDocuments } from './decode';
import type { ZarrErrorCode } from './errors';
import type { ByteRange } from './stores';
import type { ZarrSelection, ZarrValues } from './types';

export type HostToWorker =
  | { type: 'decode'; id: number; docs: ArrayDocuments; selection: ZarrSelection; maxBytes: number }
  | { type: 'abort'; id: number }
  /** The bytes of a key the worker asked for; null when absent. */
  | { type: 'chunk'; request: number; bytes: Uint8Array | null }
  | { type: 'chunk-error'; request: number; code: ZarrErrorCode; message: string };

export type WorkerToHost =
  | { type: 'get'; id: number; request: number; key: string; range?: ByteRange }
  | { type: 'result'; id: number; shape: number[]; values: ZarrValues; missingChunks: number }
  | { type: 'error'; id: number; code: ZarrErrorCode; message: string };
