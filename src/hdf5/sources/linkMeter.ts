/**
 * What one more round trip costs on this link, in bytes: round-trip time × throughput (the
 * bandwidth-delay product), measured on the requests the file is read with. A read that stops short
 * of it leaves throughput unused while the next request waits a round trip; a read far beyond it
 * costs transfer time. The block cache sizes its reads from it (blockCache.ts).
 */

/** Bodies this small say little about throughput (they arrive with the headers, from socket buffers). */
const MIN_THROUGHPUT_SAMPLE = 1024 * 1024;
/** Round-trip samples kept: the smallest is the link's (larger ones met a busy server or a new connection). */
const RTT_SAMPLES = 4;
/** Weight of a new throughput sample. */
const THROUGHPUT_WEIGHT = 0.3;
/** A body's transfer time is never taken for less than this (clock resolution, one event-loop turn). */
const MIN_BODY_MS = 1;

/** One meter per origin: every file read from a host shares what its reads taught. */
const meters = new Map<string, LinkMeter>();

export function linkMeterFor(url: string): LinkMeter {
  const origin = new URL(url).origin;
  let meter = meters.get(origin);
  if (!meter) {
    meter = new LinkMeter();
    meters.set(origin, meter);
  }
  return meter;
}

export class LinkMeter {
  private readonly rtts: number[] = [];
  private bytesPerMs = 0;

  /** One answered request: `headersMs` until its headers, then `bodyMs` for its `bytes`. */
  record(headersMs: number, bodyMs: number, bytes: number): void {
    this.rtts.push(Math.max(0, headersMs));
    if (this.rtts.length > RTT_SAMPLES) this.rtts.shift();
    if (bytes < MIN_THROUGHPUT_SAMPLE) return;
    const sample = bytes / Math.max(MIN_BODY_MS, bodyMs);
    this.bytesPerMs =
      this.bytesPerMs === 0 ? sample : this.bytesPerMs + THROUGHPUT_WEIGHT * (sample - this.bytesPerMs);
  }

  /**
   * A rate a stream measured on this link just now, over a body cut short (never recorded as a
   * whole one): it replaces what earlier bodies said, as the link may have changed since.
   */
  observeRate(bytesPerMs: number): void {
    if (bytesPerMs > 0) this.bytesPerMs = bytesPerMs;
  }

  /** Round-trip time in ms (0 until a request was answered). */
  get roundTripMs(): number {
    return this.rtts.length === 0 ? 0 : Math.min(...this.rtts);
  }

  /** Bytes that transfer in one round trip; 0 while either is unknown. */
  roundTripBytes(): number {
    return Math.round(this.roundTripMs * this.bytesPerMs);
  }
}
