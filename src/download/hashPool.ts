import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { findBundledFile } from '../util/bundledFile';
import { SCRATCH_OFFSET, SharedArena, SLOT_BYTES } from './arena';
import type { HashWorkerReply, HashWorkerRequest, Md5Kernel } from './hashWorker';
import { md5KernelModule } from './md5/kernels';
import { wasm } from '../util/webAssembly';

/** MD5 of one dandi-etag part, fed in order. */
export interface PartHasher {
  /**
   * Adds bytes. A worker hasher reads them in place, from its part's buffers: the caller leaves
   * them alone until the returned promise settles. The inline hasher copies at once.
   */
  update(data: Uint8Array): void | Promise<void>;
  reset(): void;
  digest(): Promise<Buffer>;
  dispose(): void;
}

/** A part's hasher and the two write buffers its bytes go through. */
export interface PartHashing {
  hasher: PartHasher;
  buffers: [Buffer, Buffer];
  /** Gives the buffers back, once the writer has drained and the hasher is done with them. */
  release(): void;
}

class InlineHasher implements PartHasher {
  private hash: Hash = createHash('md5');
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  reset(): void {
    this.hash = createHash('md5');
  }
  async digest(): Promise<Buffer> {
    return this.hash.digest();
  }
  dispose(): void {}
}

interface Waiter {
  resolve: (digest: Buffer | undefined) => void;
  reject: (err: Error) => void;
}

/**
 * MD5s of large parts on one worker thread, which hashes up to 8 parts at once with SIMD
 * (md5/kernels.ts: 4x OpenSSL's speed for 8 parts) straight out of the parts' write buffers, which
 * live in a shared memory (arena.ts). Small parts are hashed inline: not worth a message.
 */
export class HashPool {
  private worker: Worker | undefined;
  private arena: SharedArena | undefined;
  private failure: Error | undefined;
  private seq = 0;
  private ids = 0;
  private readonly waiting = new Map<number, Waiter>();

  constructor(
    private readonly options: { workerPath?: string; arenaBytes?: number; kernel?: Md5Kernel } = {},
  ) {}

  /** Parts at least this large are hashed on the worker; smaller ones are not worth a message. */
  static readonly THRESHOLD = 8 * 1024 * 1024;

  static onWorker(partSize: number): boolean {
    return partSize >= HashPool.THRESHOLD;
  }

  /** A hasher for a part of `partSize` bytes and two write buffers of `bufferSize` (≤ 4 MiB). */
  forPart(partSize: number, bufferSize: number): PartHashing {
    if (bufferSize > SLOT_BYTES) throw new RangeError(`write buffers are at most ${SLOT_BYTES} bytes`);
    const arena = HashPool.onWorker(partSize) ? this.startWorker() : undefined;
    const first = arena?.acquire();
    const second = first && arena?.acquire();
    if (arena && first && second) {
      let released = false;
      return {
        hasher: this.workerHasher(arena),
        buffers: [first.subarray(0, bufferSize), second.subarray(0, bufferSize)],
        release: () => {
          if (released) return;
          released = true;
          arena.release(first);
          arena.release(second);
        },
      };
    }
    // No worker, or the arena is full (very many parts at once): hash here, in plain buffers.
    if (first) arena?.release(first);
    return {
      hasher: new InlineHasher(),
      buffers: [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)],
      release: () => undefined,
    };
  }

  private workerHasher(arena: SharedArena): PartHasher {
    const id = ++this.ids;
    const post = (message: HashWorkerRequest): void => this.worker?.postMessage(message);
    type Asked = { op: 'update'; id: number; offset: number; length: number } | { op: 'digest'; id: number };
    const ask = (message: Asked): Promise<Buffer | undefined> =>
      new Promise((resolve, reject) => {
        if (this.failure || !this.worker) return reject(this.failure ?? new Error('the hash worker stopped'));
        const seq = ++this.seq;
        this.waiting.set(seq, { resolve, reject });
        post({ ...message, seq });
      });
    return {
      update: data => {
        const offset = arena.offsetOf(data);
        if (offset === undefined) throw new TypeError("a worker hasher reads only its part's write buffers");
        return ask({ op: 'update', id, offset, length: data.length }).then(() => undefined);
      },
      reset: () => post({ op: 'reset', id }),
      digest: () => ask({ op: 'digest', id }).then(d => d ?? Buffer.alloc(0)),
      dispose: () => post({ op: 'drop', id }),
    };
  }

  /** The arena, with the worker started on it (once); undefined when the worker cannot run. */
  private startWorker(): SharedArena | undefined {
    if (this.failure) return undefined;
    if (this.worker && this.arena) return this.arena;
    try {
      const arena = new SharedArena(this.options.arenaBytes);
      // A CPU without the SIMD WebAssembly needs (x64 before SSE4.1) hashes with OpenSSL on the worker.
      const kernel: Md5Kernel =
        this.options.kernel === 'openssl' || !wasm.validate(md5KernelModule(arena.maxPages))
          ? 'openssl'
          : 'simd';
      const worker = new Worker(this.options.workerPath ?? findBundledFile('downloadHashWorker.js'));
      worker.on('message', (reply: HashWorkerReply) => {
        const waiter = this.waiting.get(reply.seq);
        this.waiting.delete(reply.seq);
        if (reply.error !== undefined) waiter?.reject(new Error(`hashing failed: ${reply.error}`));
        else waiter?.resolve(reply.digest ? Buffer.from(reply.digest) : undefined);
      });
      worker.on('error', err => this.fail(err));
      worker.on('exit', code => this.fail(new Error(`the hash worker exited (code ${code})`)));
      worker.postMessage({
        op: 'init',
        memory: arena.memory,
        maxPages: arena.maxPages,
        scratch: SCRATCH_OFFSET,
        kernel,
      } satisfies HashWorkerRequest);
      this.worker = worker;
      this.arena = arena;
      return arena;
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  }

  /** A worker that died took its parts' hashes with it: those fail now rather than wait forever. */
  private fail(err: Error): void {
    this.failure ??= err;
    this.worker = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.fail(new Error('hash pool closed'));
    await worker?.terminate();
  }
}
