/**
 * Host side of the Zarr decode worker: sends each read's array documents and selection, serves
 * the worker's chunk requests from the reader's store (the HTTP layer stays on the host), and
 * hands back the values. The worker starts on the first read and stops with the reader. A worker
 * that dies fails its reads with a ZarrError; the next read starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { findBundledFile } from '../util/bundledFile';
import type { ArrayDocuments, ChunkSource, DecodeResult } from './decode';
import { ZarrError } from './errors';
import type { SelectionDecoder } from './reader';
import type { ZarrSelection } from './types';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

interface Pending {
  resolve(result: DecodeResult): void;
  reject(error: Error): void;
  chunks: ChunkSource;
  signal?: AbortSignal;
}

/** zarrWorker.js beside the running bundle, or up to three folders above it (tools, tests). */
export function defaultZarrWorkerPath(): string {
  return findBundledFile('zarrWorker.js');
}

export class WorkerDecoder implements SelectionDecoder {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly workerPath: string = defaultZarrWorkerPath()) {}

  decode(
    docs: ArrayDocuments,
    selection: ZarrSelection,
    chunks: ChunkSource,
    options: { signal?: AbortSignal; maxBytes: number },
  ): Promise<DecodeResult> {
    if (options.signal?.aborted) return Promise.reject(new ZarrError('aborted', 'the read was cancelled'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<DecodeResult>((resolve, reject) => {
      const onAbort = () => this.post({ type: 'abort', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: result => {
          done();
          resolve(result);
        },
        reject: error => {
          done();
          reject(error);
        },
        chunks,
        signal: options.signal,
      });
      worker.ref();
      this.post({ type: 'decode', id, docs, selection, maxBytes: options.maxBytes });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new ZarrError('aborted', 'the Zarr reader was closed'));
    await worker?.terminate();
  }

  private post(message: HostToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 },
    });
    worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    worker.on('error', error => this.onExit(worker, `the Zarr worker failed: ${error.message}`));
    worker.on('exit', code => this.onExit(worker, `the Zarr worker stopped (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onExit(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new ZarrError('corrupt', message));
  }

  private failAll(error: ZarrError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }

  private settled(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'get':
        void this.serve(message);
        break;
      case 'result':
        this.settled(message.id)?.resolve({
          shape: message.shape,
          values: message.values,
          missingChunks: message.missingChunks,
        });
        break;
      case 'error':
        this.settled(message.id)?.reject(new ZarrError(message.code, message.message));
        break;
    }
  }

  /** Fetches a key the worker asked for, through the reader's store. */
  private async serve(message: Extract<WorkerToHost, { type: 'get' }>): Promise<void> {
    const entry = this.pending.get(message.id);
    try {
      if (!entry) throw new ZarrError('aborted', 'the read was cancelled');
      const bytes = message.range
        ? await entry.chunks.getRange(message.key, message.range, entry.signal)
        : await entry.chunks.get(message.key, entry.signal);
      const transfer = bytes && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
      this.post({ type: 'chunk', request: message.request, bytes: bytes ?? null }, transfer);
    } catch (error) {
      const code = error instanceof ZarrError ? error.code : 'network';
      this.post({ type: 'chunk-error', request: message.request, code, message: (error as Error).message });
    }
  }
}
