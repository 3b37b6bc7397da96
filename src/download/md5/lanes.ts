import { INITIAL_STATE, STATE_BYTES, type Md5Kernels } from './kernels';
import type { WasmMemory } from '../../util/webAssembly';

/**
 * MD5 of many independent byte streams, hashed 8 at a time by the multi-lane kernels. Bytes stay
 * where the producer wrote them (in the shared memory the kernels run on); each update is
 * acknowledged once it has been read, so its buffer can be refilled. Runs in the hash worker;
 * nothing here knows about threads, so it is tested in-thread.
 */

/** Scratch bytes the lanes need at `scratch`: the kernels' state, then two padding blocks. */
export const SCRATCH_BYTES = STATE_BYTES + 128;
export const MAX_LANES = 8;

interface Pending {
  offset: number;
  length: number;
  consumed: number;
  /** When the update arrived (ms), for the waiting policy. */
  since: number;
  done: () => void;
}

interface Stream {
  state: Uint32Array;
  /** Bytes compressed so far (a multiple of 64). */
  compressed: number;
  /** Bytes of an incomplete block, kept between updates. */
  carry: Uint8Array;
  carryLength: number;
  queue: Pending[];
  finishing: boolean;
  lastDelivery: number;
}

export interface LanePolicy {
  /** Longest an update waits for other streams to have data too. */
  maxWaitMs: number;
  /** A stream silent for this long is not waited for (a stalled or retrying connection). */
  staleMs: number;
}

export const DEFAULT_POLICY: LanePolicy = { maxWaitMs: 25, staleMs: 150 };

export class Md5Lanes {
  private readonly streams = new Map<number, Stream>();
  private view: Uint8Array;
  private readonly state: number;
  private readonly pad: number;

  constructor(
    private readonly memory: WasmMemory,
    private readonly kernels: Md5Kernels,
    scratch: number,
    private readonly policy: LanePolicy = DEFAULT_POLICY,
  ) {
    this.view = new Uint8Array(memory.buffer);
    this.state = scratch;
    this.pad = scratch + STATE_BYTES;
  }

  /** Queues `length` bytes at `offset` of the memory for stream `id`; `done` once they are read. */
  update(id: number, offset: number, length: number, now: number, done: () => void): void {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > this.memory.buffer.byteLength
    ) {
      throw new RangeError(`update outside the shared memory: ${offset} + ${length}`);
    }
    const stream = this.stream(id);
    stream.lastDelivery = now;
    if (length === 0) return done();
    stream.queue.push({ offset, length, consumed: 0, since: now, done });
  }

  /** Starts stream `id` over (its queued updates are acknowledged unread). */
  reset(id: number): void {
    this.drop(id);
    this.stream(id);
  }

  drop(id: number): void {
    const stream = this.streams.get(id);
    this.streams.delete(id);
    for (const pending of stream?.queue ?? []) pending.done();
  }

  /** Hashes what stream `id` has queued, pads, and returns its 16-byte MD5; the stream is gone. */
  digest(id: number): Uint8Array {
    const stream = this.stream(id);
    while (stream.queue.length > 0) this.round([stream]);
    const total = stream.compressed + stream.carryLength;
    const blocks = stream.carryLength < 56 ? 1 : 2;
    const pad = this.bytes(this.pad, 128);
    pad.fill(0);
    pad.set(stream.carry.subarray(0, stream.carryLength));
    pad[stream.carryLength] = 0x80;
    const bits = total * 8;
    const lengthAt = this.pad + blocks * 64 - 8;
    const words = new DataView(this.memory.buffer);
    words.setUint32(lengthAt, bits % 2 ** 32, true);
    words.setUint32(lengthAt + 4, Math.floor(bits / 2 ** 32), true);
    this.compress([stream], [this.pad], blocks);
    this.streams.delete(id);
    const out = new Uint8Array(16);
    const digest = new DataView(out.buffer);
    stream.state.forEach((word, r) => digest.setUint32(r * 4, word, true));
    return out;
  }

  /** Marks stream `id` as about to be digested: its data is hashed without waiting for others. */
  finish(id: number): void {
    this.stream(id).finishing = true;
  }

  /**
   * What to do now: hash a round, wait (ms until the oldest update's wait is over), or nothing
   * (no stream has data). A round runs once every live stream has data, so all 8 lanes work.
   */
  next(now: number): { run: true } | { waitMs: number } | undefined {
    let ready = 0;
    let oldest = Infinity;
    let waitingFor = 0;
    let urgent = false;
    for (const stream of this.streams.values()) {
      const head = stream.queue[0];
      if (head) {
        ready++;
        oldest = Math.min(oldest, head.since);
        urgent ||= stream.finishing;
      } else if (now - stream.lastDelivery < this.policy.staleMs) {
        waitingFor++;
      }
    }
    if (ready === 0) return undefined;
    if (urgent || ready >= MAX_LANES || waitingFor === 0 || now - oldest >= this.policy.maxWaitMs)
      return { run: true };
    return { waitMs: oldest + this.policy.maxWaitMs - now };
  }

  /** Hashes one round: up to 8 streams with data, oldest first. Returns false if none had data. */
  runRound(): boolean {
    const ready = [...this.streams.values()].filter(s => s.queue.length > 0);
    if (ready.length === 0) return false;
    ready.sort((x, y) => (x.queue[0] as Pending).since - (y.queue[0] as Pending).since);
    this.round(ready.slice(0, MAX_LANES));
    return true;
  }

  private stream(id: number): Stream {
    let stream = this.streams.get(id);
    if (!stream) {
      stream = {
        state: Uint32Array.from(INITIAL_STATE),
        compressed: 0,
        carry: new Uint8Array(64),
        carryLength: 0,
        queue: [],
        finishing: false,
        lastDelivery: -Infinity,
      };
      this.streams.set(id, stream);
    }
    return stream;
  }

  /** The memory's bytes at [offset, offset + length), through a view renewed when the memory grew. */
  private bytes(offset: number, length: number): Uint8Array {
    if (offset + length > this.view.length) this.view = new Uint8Array(this.memory.buffer);
    return this.view.subarray(offset, offset + length);
  }

  /** Hashes as many whole blocks as every given stream has at its queue's head, in one call. */
  private round(streams: Stream[]): void {
    const lanes = streams.filter(s => this.alignHead(s));
    if (lanes.length === 0) return;
    const blocks = Math.min(...lanes.map(s => Math.floor(remaining(s.queue[0] as Pending) / 64)));
    this.compress(
      lanes,
      lanes.map(s => headPointer(s)),
      blocks,
    );
    for (const stream of lanes) this.consume(stream, blocks * 64);
  }

  /**
   * Makes the queue's head start a whole block: completes a partial block left by an earlier
   * update (hashed alone: rare, only where updates do not end on a block) and moves a head shorter
   * than a block into the carry. True when the head now holds at least one whole block.
   */
  private alignHead(stream: Stream): boolean {
    for (;;) {
      const head = stream.queue[0];
      if (!head) return false;
      if (stream.carryLength > 0 || remaining(head) < 64) {
        const take = Math.min(64 - stream.carryLength, remaining(head));
        stream.carry.set(this.bytes(head.offset + head.consumed, take), stream.carryLength);
        stream.carryLength += take;
        this.consume(stream, take, false);
        if (stream.carryLength === 64) {
          this.bytes(this.pad, 64).set(stream.carry);
          this.compress([stream], [this.pad], 1);
          stream.compressed += 64;
          stream.carryLength = 0;
        }
        continue;
      }
      return true;
    }
  }

  /** Marks `count` bytes of the head as read (compressed unless they went to the carry). */
  private consume(stream: Stream, count: number, compressed = true): void {
    const head = stream.queue[0] as Pending;
    head.consumed += count;
    if (compressed) stream.compressed += count;
    if (head.consumed === head.length) {
      stream.queue.shift();
      head.done();
    }
  }

  /** Runs the narrowest kernel that fits the lanes; spare lanes re-read lane 0's bytes. */
  private compress(streams: Stream[], pointers: number[], blocks: number): void {
    const words = new DataView(this.memory.buffer, this.state, STATE_BYTES);
    const at = (lane: number, r: number): number => (lane >> 2) * 64 + r * 16 + (lane & 3) * 4;
    streams.forEach((s, lane) => s.state.forEach((w, r) => words.setUint32(at(lane, r), w, true)));
    const first = pointers[0] as number;
    const lanePointers = (n: number): number[] => Array.from({ length: n }, (_, i) => pointers[i] ?? first);
    if (streams.length === 1) this.kernels.md5x1(this.state, first, blocks);
    else if (streams.length <= 4)
      this.kernels.md5x4(this.state, ...(lanePointers(4) as [number, number, number, number]), blocks);
    else this.kernels.md5x8(this.state, ...lanePointers(8), blocks);
    streams.forEach((s, lane) =>
      s.state.forEach((_, r) => (s.state[r] = words.getUint32(at(lane, r), true))),
    );
  }
}

const remaining = (p: Pending): number => p.length - p.consumed;
const headPointer = (s: Stream): number => {
  const head = s.queue[0] as Pending;
  return head.offset + head.consumed;
};
