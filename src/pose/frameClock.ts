/**
 * A video's frames on the session clock: frame N's time in seconds (NaN where the camera gave
 * none), and back, the frame to show at a session time: the last frame whose time is ≤ it, as a
 * camera shows a frame until the next one. Times before the first frame clamp to the first frame,
 * after the last to the last. Plain data, no `vscode`.
 */
export class FrameClock {
  /** Frames with a finite time, ordered by time (ties: frame order). */
  private readonly _frames: Int32Array;
  /** Their times, ascending. */
  private readonly _times: Float64Array;

  /** `times[N]` is frame N's session time in seconds; NaN or ±Infinity where it is unknown. */
  constructor(readonly times: Float64Array) {
    const known: number[] = [];
    let ascending = true;
    for (let frame = 0; frame < times.length; frame++) {
      if (!Number.isFinite(times[frame])) continue;
      if (known.length && times[frame] < times[known[known.length - 1]]) ascending = false;
      known.push(frame);
    }
    // Camera timestamps run forwards; a file where they do not still maps every time to one frame.
    if (!ascending) known.sort((a, b) => times[a] - times[b] || a - b);
    this._frames = Int32Array.from(known);
    this._times = Float64Array.from(known, frame => times[frame]);
  }

  get frameCount(): number {
    return this.times.length;
  }

  /** Whether any frame has a time (a clock with none cannot follow a cursor). */
  get hasTimes(): boolean {
    return this._frames.length > 0;
  }

  /** Frame `frame`'s session time, or undefined when the frame is out of range or has no time. */
  timeOf(frame: number): number | undefined {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.times.length) return undefined;
    const t = this.times[frame];
    return Number.isFinite(t) ? t : undefined;
  }

  /** The frame to show at session time `time`, clamped to the first and last timed frames; undefined when `time` is not finite or no frame has a time. */
  frameAt(time: number): number | undefined {
    const n = this._times.length;
    if (!n || !Number.isFinite(time)) return undefined;
    // The first index whose time is > `time`; the frame before it is the last one at or before `time`.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this._times[mid] <= time) lo = mid + 1;
      else hi = mid;
    }
    return this._frames[Math.max(0, lo - 1)];
  }
}
