/**
 * Decoded frames kept for instant stepping, bounded: adding past the limit closes the frames
 * farthest from the one shown (a VideoFrame holds decoder memory until close()). Free of the DOM
 * so the host's unit tests run it with stand-in frames.
 */
export interface Closable {
  close(): void;
}

export class FrameStore<F extends Closable> {
  private readonly _frames = new Map<number, F>();

  constructor(private _limit: number) {
    if (!(_limit >= 1)) throw new Error(`the decoded-frame limit must be at least 1, not ${_limit}`);
  }

  get size(): number {
    return this._frames.size;
  }

  get limit(): number {
    return this._limit;
  }

  has(frame: number): boolean {
    return this._frames.has(frame);
  }

  get(frame: number): F | undefined {
    return this._frames.get(frame);
  }

  /** Keeps `decoded` as `frame` (closing a frame it replaces), then trims around `focus`. */
  put(frame: number, decoded: F, focus: number): void {
    const previous = this._frames.get(frame);
    if (previous && previous !== decoded) previous.close();
    this._frames.set(frame, decoded);
    this.trim(focus);
  }

  /** Closes frames farthest from `focus` (those behind it first on ties) until within the limit. */
  trim(focus: number): void {
    if (this._frames.size <= this._limit) return;
    const byDistance = [...this._frames.keys()].sort((a, b) => distance(b, focus) - distance(a, focus));
    for (const frame of byDistance.slice(0, this._frames.size - this._limit)) {
      this._frames.get(frame)?.close();
      this._frames.delete(frame);
    }
  }

  /** The first frame after `frame` that is not kept, looking at most `span` ahead. */
  firstMissingAfter(frame: number, span: number): number | undefined {
    for (let f = frame + 1; f <= frame + span; f++) if (!this._frames.has(f)) return f;
    return undefined;
  }

  clear(): void {
    for (const decoded of this._frames.values()) decoded.close();
    this._frames.clear();
  }
}

/** Frames behind the focus count slightly farther, so playing forward keeps what comes next. */
function distance(frame: number, focus: number): number {
  return frame >= focus ? frame - focus : focus - frame + 0.5;
}
