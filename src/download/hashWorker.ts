/**
 * The download hash worker (bundled to dist/downloadHashWorker.js): MD5s of dandi-etag parts,
 * several at once (md5/lanes.ts), over the shared memory the write buffers live in.
 *
 * `kernel: 'openssl'` hashes each part with node:crypto instead (one part at a time): the
 * alternative the download benchmark measures, and the way on a CPU without SIMD WebAssembly.
 *
 * Messages in: init {memory, maxPages, scratch, kernel}; update {id, offset, length, seq}; reset {id};
 * digest {id, seq}; drop {id}. Out: {seq} once an update's bytes are read, {seq, digest}, or
 * {seq, error}.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { instantiateKernels } from './md5/kernels';
import { Md5Lanes } from './md5/lanes';
import type { WasmMemory } from '../util/webAssembly';

export type HashWorkerRequest =
  | { op: 'init'; memory: WasmMemory; maxPages: number; scratch: number; kernel: Md5Kernel }
  | { op: 'update'; id: number; offset: number; length: number; seq: number }
  | { op: 'reset'; id: number }
  | { op: 'digest'; id: number; seq: number }
  | { op: 'drop'; id: number };

/** `simd`: 8 parts at once in WebAssembly lanes; `openssl`: node:crypto, a part at a time. */
export type Md5Kernel = 'simd' | 'openssl';

export type HashWorkerReply = { seq: number; digest?: ArrayBuffer; error?: string };

const port = parentPort;
if (!port) throw new Error('downloadHashWorker must run in a worker thread');

let lanes: Md5Lanes | undefined;
let timer: NodeJS.Timeout | undefined;
let scheduled = false;
const digests: Array<{ id: number; seq: number }> = [];

const reply = (message: HashWorkerReply): void => port.postMessage(message);

/** Hashes what is due, then digests what was asked for; waits (a timer) for more lanes otherwise. */
function pump(): void {
  scheduled = false;
  if (!lanes) return;
  for (;;) {
    const next = lanes.next(performance.now());
    if (!next) break;
    if ('waitMs' in next) {
      clearTimeout(timer);
      timer = setTimeout(pump, Math.max(1, Math.ceil(next.waitMs)));
      break;
    }
    lanes.runRound();
  }
  for (let job = digests.shift(); job; job = digests.shift()) {
    const digest = lanes.digest(job.id);
    reply({ seq: job.seq, digest: digest.buffer.slice(0, 16) as ArrayBuffer });
  }
}

/** Runs `pump` after the messages already queued have been taken in, so they share rounds. */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(pump);
}

/** The openssl kernel's state: one node:crypto hash per part. */
let openssl: { memory: WasmMemory; hashes: Map<number, Hash> } | undefined;

function onOpenssl(
  message: Exclude<HashWorkerRequest, { op: 'init' }>,
  state: NonNullable<typeof openssl>,
): void {
  const hash = (): Hash => {
    let h = state.hashes.get(message.id);
    if (!h) state.hashes.set(message.id, (h = createHash('md5')));
    return h;
  };
  if (message.op === 'update') {
    hash().update(new Uint8Array(state.memory.buffer, message.offset, message.length));
    reply({ seq: message.seq });
  } else if (message.op === 'reset' || message.op === 'drop') {
    state.hashes.delete(message.id);
  } else {
    const digest = hash().digest();
    state.hashes.delete(message.id);
    reply({
      seq: message.seq,
      digest: digest.buffer.slice(digest.byteOffset, digest.byteOffset + 16) as ArrayBuffer,
    });
  }
}

port.on('message', (message: HashWorkerRequest) => {
  try {
    if (message.op === 'init') {
      if (message.kernel === 'openssl') openssl = { memory: message.memory, hashes: new Map() };
      else
        lanes = new Md5Lanes(
          message.memory,
          instantiateKernels(message.memory, message.maxPages),
          message.scratch,
        );
      return;
    }
    if (openssl) return onOpenssl(message, openssl);
    if (!lanes) throw new Error('the hash worker was not initialised');
    if (message.op === 'update') {
      lanes.update(message.id, message.offset, message.length, performance.now(), () =>
        reply({ seq: message.seq }),
      );
    } else if (message.op === 'reset') {
      lanes.reset(message.id);
    } else if (message.op === 'drop') {
      lanes.drop(message.id);
    } else if (message.op === 'digest') {
      lanes.finish(message.id);
      digests.push({ id: message.id, seq: message.seq });
    }
    schedule();
  } catch (err) {
    const seq = 'seq' in message ? message.seq : 0;
    reply({ seq, error: err instanceof Error ? err.message : String(err) });
  }
});
