/**
 * The download hash worker (bundled to dist/downloadHashWorker.js): MD5s of dandi-etag parts,
 * several at once (md5/lanes.ts), over the shared memory the write buffers live in.
 *
 * Messages in: init {memory, maxPages, scratch}; update {id, offset, length, seq}; reset {id};
 * digest {id, seq}; drop {id}. Out: {seq} once an update's bytes are read, {seq, digest}, or
 * {seq, error}.
 */
import { parentPort } from 'node:worker_threads';
import { instantiateKernels } from './md5/kernels';
import { Md5Lanes } from './md5/lanes';
import type { WasmMemory } from '../util/webAssembly';

export type HashWorkerRequest =
  | { op: 'init'; memory: WasmMemory; maxPages: number; scratch: number }
  | { op: 'update'; id: number; offset: number; length: number; seq: number }
  | { op: 'reset'; id: number }
  | { op: 'digest'; id: number; seq: number }
  | { op: 'drop'; id: number };

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

port.on('message', (message: HashWorkerRequest) => {
  try {
    if (message.op === 'init') {
      lanes = new Md5Lanes(message.memory, instantiateKernels(message.memory, message.maxPages), message.scratch);
      return;
    }
    if (!lanes) throw new Error('the hash worker was not initialised');
    if (message.op === 'update') {
      lanes.update(message.id, message.offset, message.length, performance.now(), () => reply({ seq: message.seq }));
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
