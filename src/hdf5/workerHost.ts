/**
 * Host side of one HDF5 worker: starts it, sends calls one at a time, serves its byte fetches from
 * the source (asynchronously; the worker blocks meanwhile) and enforces each call's deadline. The
 * worker is the crash boundary: a fatal reply, an exit or a missed deadline terminates it and fails
 * the call with an Hdf5Error; the owner starts a new worker for the next call.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import {
  STAT,
  STAT_SLOTS,
  type CallOp,
  type CallValue,
  type FetchReply,
  type WorkerInit,
  type WorkerToHost,
} from './protocol';
import type { ByteSource } from './sources/source';
import type { WasmModule } from './wasmShare';
import { Hdf5Error } from './types';
import { findBundledFile } from '../util/bundledFile';

export interface CallOptions {
  signal?: AbortSignal;
  deadlineMs: number;
  /** Work nobody waits for (a spare's warm-up): it does not keep the process alive. */
  background?: boolean;
}

interface Pending {
  resolve(value: CallValue): void;
  reject(error: Error): void;
  /** Aborts the fetches of this call (deadline or the caller's signal). */
  fetches: AbortController;
  deadline: number;
}

/** hdf5Worker.js beside the running bundle, or up to three folders above it (tools, tests). */
export function defaultWorkerPath(): string {
  return findBundledFile('hdf5Worker.js');
}

/**
 * The worker's V8 heap limits. The block cache and h5wasm's memory are ArrayBuffers outside the
 * V8 heap; the heap holds decoded values (strings, compounds, attributes), which reads cap at
 * the viewer's `maxSliceElements`. A hostile file that still gets past that ends this worker
 * with ERR_WORKER_OUT_OF_MEMORY, not the extension host.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 };

/** h5wasm compiled by the first worker of this process, given to every later one. */
let sharedWasmModule: WasmModule | undefined;

export class WorkerHost {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new SharedArrayBuffer(4);
  readonly statsBuffer = new SharedArrayBuffer(STAT_SLOTS * 8);
  private readonly ready: Promise<void>;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private stderrTail = '';
  private readyReject: (error: Error) => void = () => undefined;
  /** Serves the worker's byte fetches; set when the worker is given a file. */
  source: ByteSource | null = null;
  dead: Hdf5Error | null = null;

  constructor(
    workerPath: string,
    plugins: WorkerInit['plugins'],
    resourceLimits: {
      maxOldGenerationSizeMb: number;
      maxYoungGenerationSizeMb: number;
    } = WORKER_RESOURCE_LIMITS,
  ) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const full: WorkerInit = { plugins, control: this.control, stats: this.statsBuffer };
    this.worker = new Worker(workerPath, {
      workerData: { init: full, fetchPort: channel.port2, wasmModule: sharedWasmModule },
      transferList: [channel.port2],
      resourceLimits,
      stdout: true,
      stderr: true,
    });
    // HDF5 diagnostics go to stderr; keep the tail for crash messages instead of printing it.
    this.worker.stdout.on('data', () => undefined);
    this.worker.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    let readyResolve: () => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'ready') {
        sharedWasmModule ??= message.wasmModule;
        readyResolve();
      } else if (message.type === 'fetch') void this.serveFetch(message.seq, message.start, message.end);
      else this.settle(message);
    });
    this.worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Hdf5Error(
              'worker-crashed',
              `the HDF5 worker ran out of memory (its limit is ${resourceLimits.maxOldGenerationSizeMb} MiB); the file holds more than can be shown`,
            )
          : new Hdf5Error('worker-crashed', `the HDF5 worker crashed: ${error.message}`),
      ),
    );
    this.worker.on('exit', code =>
      this.fail(new Hdf5Error('worker-crashed', `the HDF5 worker stopped (exit code ${code})${this.tail()}`)),
    );
    // A worker that fails during start-up reports on id 0.
    this.pending.set(0, {
      resolve: () => undefined,
      reject: error => this.fail(error as Hdf5Error),
      fetches: new AbortController(),
      deadline: Infinity,
    });
    // Only calls keep the process alive (a spare worker, or a tool that forgets close(), must not).
    this.worker.unref();
  }

  /** Resolves once h5wasm has started in the worker (rejects if it failed to). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  stat(slot: keyof typeof STAT): number {
    return new Float64Array(this.statsBuffer)[STAT[slot]];
  }

  /** Runs one call after the previous ones have finished. */
  call(call: CallOp, options: CallOptions): Promise<CallValue> {
    const run = () => this.run(call, options);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** No call is running or waiting (the start-up watch on id 0 aside). */
  get idle(): boolean {
    return [...this.pending.keys()].every(id => id === 0);
  }

  async terminate(): Promise<void> {
    this.fail(new Hdf5Error('closed', 'the file was closed'));
    await this.worker.terminate().catch(() => undefined);
    this.port.close();
  }

  private async run(call: CallOp, options: CallOptions): Promise<CallValue> {
    if (this.dead) throw this.dead;
    if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the call was cancelled');
    await Promise.race([
      this.ready,
      new Promise<void>((_, reject) =>
        setTimeout(
          () => reject(new Hdf5Error('timeout', 'the HDF5 worker did not start')),
          options.deadlineMs,
        ).unref(),
      ),
    ]);
    if (this.dead) throw this.dead;
    this.publishLink();
    const id = this.nextId++;
    const fetches = new AbortController();
    const deadline = Date.now() + options.deadlineMs;
    return new Promise<CallValue>((resolve, reject) => {
      // A worker stuck past the deadline (e.g. looping on hostile metadata) cannot be interrupted:
      // it is terminated, and the next call starts a fresh one.
      const timer = setTimeout(() => {
        const error = new Hdf5Error('timeout', `no answer within ${options.deadlineMs} ms (${call.op})`);
        reject(error);
        void this.kill(error);
      }, options.deadlineMs + 1000);
      timer.unref();
      const onAbort = () => {
        fetches.abort();
        reject(new Hdf5Error('aborted', 'the call was cancelled'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        // An idle worker must not keep the process alive (a tool that forgets close() still exits).
        if (this.pending.size <= 1) this.worker.unref();
      };
      this.pending.set(id, {
        resolve: value => (done(), resolve(value)),
        reject: error => (done(), reject(error)),
        fetches,
        deadline,
      });
      if (!options.background) this.worker.ref();
      this.worker.postMessage({ type: 'call', id, call });
    });
  }

  private async serveFetch(seq: number, start: number, end: number): Promise<void> {
    const current = [...this.pending.entries()].find(([id]) => id !== 0)?.[1];
    let reply: FetchReply;
    try {
      if (!this.source) throw new Hdf5Error('closed', 'the worker has no file');
      const bytes = await this.source.read(start, end, {
        signal: current?.fetches.signal,
        deadline: current?.deadline,
      });
      reply = { seq, ok: true, bytes };
    } catch (error) {
      const e =
        error instanceof Hdf5Error
          ? error
          : new Hdf5Error('network', error instanceof Error ? error.message : String(error));
      reply = { seq, ok: false, code: e.code, message: e.message };
    }
    if (this.dead) return;
    this.publishLink();
    const transfer =
      reply.ok && reply.bytes.byteOffset === 0 && reply.bytes.byteLength === reply.bytes.buffer.byteLength
        ? [reply.bytes.buffer as ArrayBuffer]
        : [];
    this.port.postMessage(reply, transfer);
    const control = new Int32Array(this.control);
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);
  }

  /** Tells the worker's block cache what a round trip costs now (it sizes reads from it). */
  private publishLink(): void {
    new Float64Array(this.statsBuffer)[STAT.linkBytes] = this.source?.link?.roundTripBytes() ?? 0;
  }

  private settle(message: Extract<WorkerToHost, { type: 'reply' }>): void {
    const pending = this.pending.get(message.id);
    if (message.ok) {
      pending?.resolve(message.value);
      return;
    }
    const error = new Hdf5Error(message.code, message.message);
    if (message.fatal) {
      pending?.reject(error);
      void this.kill(error);
    } else pending?.reject(error);
  }

  private async kill(error: Hdf5Error): Promise<void> {
    this.fail(error);
    await this.worker.terminate().catch(() => undefined);
  }

  private fail(error: Hdf5Error): void {
    if (!this.dead) this.dead = error;
    this.readyReject(error);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.fetches.abort();
      p.reject(error);
    }
  }

  private tail(): string {
    const line = this.stderrTail.trim().split('\n').slice(-1)[0];
    return line ? `: ${line.slice(0, 300)}` : '';
  }
}
