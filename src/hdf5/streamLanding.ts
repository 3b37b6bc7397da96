/**
 * The worker's side of a StreamRun (protocol.ts; the host's side is streamRun.ts): whether a range
 * of the stream has landed, sleeping on the stream while it still arrives. The block cache asks it
 * for each page it would otherwise fetch.
 */
import { STREAM, STREAM_STATE } from './protocol';

/** Longest sleep on a stream before its state is looked at again. */
const STATE_CHECK_MS = 50;

/**
 * Whether the stream has written [start, end). With `wait`, blocks (at most `waitMs`) while the
 * stream still arrives, and tells the host how far it needs it; each sleep's length is added to
 * `counters.waitMs` (the block cache's own counters: nothing is allocated per page).
 */
export function streamLanded(
  progress: Int32Array,
  start: number,
  end: number,
  wait: boolean,
  waitMs: number,
  counters: { waitMs: number },
): boolean {
  const deadline = Date.now() + waitMs;
  // Set before anything is read: the host, publishing what reaches it, then wakes this thread.
  if (wait) Atomics.store(progress, STREAM.wanted, end);
  for (;;) {
    const seq = Atomics.load(progress, STREAM.seq);
    if (Atomics.load(progress, STREAM.filled) >= end) return true;
    const tailAt = Atomics.load(progress, STREAM.tailAt);
    if (tailAt > 0) {
      // The host went on from tailAt: what lies before it and has not landed is a miss.
      if (start < tailAt) return false;
      if (tailAt + Atomics.load(progress, STREAM.tailFilled) >= end) return true;
    } else if (wait) {
      // Where this thread waits: the host goes on from there when that beats waiting (streamRun.ts).
      Atomics.store(progress, STREAM.jumpTo, start);
    }
    if (!wait || Atomics.load(progress, STREAM.state) !== STREAM_STATE.arriving) return false;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const waited = performance.now();
    // In slices: the state is looked at again even if no publication wakes this thread.
    Atomics.wait(progress, STREAM.seq, seq, Math.min(left, STATE_CHECK_MS));
    counters.waitMs += performance.now() - waited;
  }
}
