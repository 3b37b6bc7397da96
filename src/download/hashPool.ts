import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** MD5 of one dandi-etag part, fed in order. */
export interface PartHasher {
  /**
   * Adds bytes. Bytes in shared memory are hashed where they are, without a copy: the caller must
   * leave them alone until the returned promise settles. Other bytes are copied at once.
   */
  update(data: Uint8Array): void | Promise<void>;
  reset(): void;
  digest(): Promise<Buffer>;
  dispose(): void;
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

// The worker is tiny and has no imports of ours, so it runs from source (no separate bundle).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', m => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('md5')));
    h.update(m.data);
    if (m.seq) parentPort.postMessage({ seq: m.seq });
  } else if (m.op === 'reset' || m.op === 'drop') {
    hashes.delete(m.id);
  } else if (m.op === 'digest') {
    const h = hashes.get(m.id) || createHash('md5');
    hashes.delete(m.id);
    const d = h.digest();
    parentPort.postMessage({ seq: m.seq, digest: d.buffer.slice(d.byteOffset, d.byteOffset + d.length) });
  }
});`;

/** A digest, or (no digest) the acknowledgement that bytes in shared memory were hashed. */
interface WorkerReply {
  seq: number;
  digest?: ArrayBuffer;
}

/**
 * MD5 on worker threads, so parts of a large file are hashed on other cores while the main thread
 * only receives and writes (MD5 is slower than loopback HTTP on one core). Even on 2 cores one
 * worker pays for itself (measured on an idle 2-core machine, 1 GiB over loopback: inline
 * 354 MB/s, one hash worker 461 MB/s); with more cores, up to 4 workers. Write buffers live in
 * shared memory, so the worker hashes them in place.
 */
export class HashPool {
  private workers: Worker[] = [];
  private next = 0;
  private seq = 0;
  private ids = 0;
  private readonly waiting = new Map<number, { worker: Worker; resolve: (d: Buffer | undefined) => void; reject: (e: Error) => void }>();

  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /** Parts at least this large are hashed on a worker; smaller ones are not worth a message. */
  static readonly THRESHOLD = 8 * 1024 * 1024;

  /** Whether parts of this size are hashed on a worker (their write buffers should then be shared). */
  static onWorker(partSize: number): boolean {
    return partSize >= HashPool.THRESHOLD;
  }

  hasher(partSize: number): PartHasher {
    if (this.size === 0 || !HashPool.onWorker(partSize)) return new InlineHasher();
    const worker = this.worker();
    const id = ++this.ids;
    // A worker that died took the part's hash with it: fail now rather than wait forever.
    const ask = (message: object): Promise<Buffer | undefined> =>
      new Promise((resolve, reject) => {
        if (!this.workers.includes(worker)) return reject(new Error('the hash worker stopped'));
        const seq = ++this.seq;
        this.waiting.set(seq, { worker, resolve, reject });
        worker.postMessage({ ...message, id, seq });
      });
    return {
      update: data => {
        // Shared memory crosses to the worker as is (no copy); the caller waits before reusing it.
        if (data.buffer instanceof SharedArrayBuffer) return ask({ op: 'update', data }).then(() => undefined);
        // Anything else gets a copy the worker owns: the caller reuses its buffer at once.
        const copy = new Uint8Array(data.length);
        copy.set(data);
        worker.postMessage({ op: 'update', id, data: copy }, [copy.buffer]);
        return undefined;
      },
      reset: () => worker.postMessage({ op: 'reset', id }),
      digest: () => ask({ op: 'digest' }).then(d => d ?? Buffer.alloc(0)),
      dispose: () => worker.postMessage({ op: 'drop', id }),
    };
  }

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (reply: WorkerReply) => {
        const pending = this.waiting.get(reply.seq);
        this.waiting.delete(reply.seq);
        pending?.resolve(reply.digest ? Buffer.from(reply.digest) : undefined);
      });
      const retire = (err: Error): void => {
        this.workers = this.workers.filter(w => w !== worker);
        this.failWaitersOf(worker, err);
      };
      worker.on('error', retire);
      worker.on('exit', code => retire(new Error(`the hash worker exited (code ${code})`)));
      this.workers.push(worker);
      return worker;
    }
    return this.workers[this.next++ % this.workers.length];
  }

  private failWaitersOf(worker: Worker, err: Error): void {
    for (const [seq, pending] of this.waiting) {
      if (pending.worker !== worker) continue;
      this.waiting.delete(seq);
      pending.reject(err);
    }
  }

  private failAll(err: Error): void {
    for (const pending of this.waiting.values()) pending.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failAll(new Error('hash pool closed'));
    await Promise.all(this.workers.map(w => w.terminate()));
    this.workers = [];
  }
}
