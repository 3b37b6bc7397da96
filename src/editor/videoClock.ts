/**
 * A video panel's seat at the session clocks of the NWB files its frames are timed by. A cursor set
 * in any view of those files seeks the video to the frame shown at that time; a frame the video
 * shows by itself (stepping, seeking, playing) sets the cursor to its time, at most once per
 * interval while frames stream by (the last one always arrives). The frame a clock seek asked for
 * is not echoed back as a cursor: that would fight the user dragging the cursor elsewhere.
 * No `vscode` import: tested on its own.
 */
import type { FrameClock } from '../pose/frameClock';
import type { SessionTimeEvent } from '../shared/protocol';
import type { ClockMember, SessionClocks } from './sessionClock';

/** At most ten cursor moves a second while the video plays. */
const VIDEO_CURSOR_INTERVAL_MS = 100;

interface VideoClockOptions {
  intervalMs?: number;
  /** Milliseconds, monotonic (tests pass their own). */
  now?: () => number;
}

export class VideoClockRelay {
  private readonly _seats: ClockMember[] = [];
  private readonly _intervalMs: number;
  private readonly _now: () => number;
  /** The frame the video shows, or was last asked to show. */
  private _current: number;
  /** The frame a clock seek asked for, until the video reports it shown. */
  private _awaited: number | undefined;
  private _lastSentAt = Number.NEGATIVE_INFINITY;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _disposed = false;

  constructor(
    clocks: SessionClocks,
    /** The NWB files (clock keys: their document URIs) whose session clock the frame times are on. */
    files: readonly string[],
    private readonly _frames: FrameClock,
    /** Asks the video panel to show a frame. */
    private readonly _seek: (frame: number) => void,
    /** The frame on screen when the relay starts (its `shown` is no move of the user's). */
    shownFrame: number,
    options: VideoClockOptions = {},
  ) {
    this._intervalMs = options.intervalMs ?? VIDEO_CURSOR_INTERVAL_MS;
    this._now = options.now ?? (() => performance.now());
    this._current = shownFrame;
    for (const file of new Set(files)) this._seats.push(clocks.join(file, e => this._onClock(e)));
  }

  /** The video reports `frame` on screen. */
  shown(frame: number): void {
    if (this._disposed) return;
    if (frame === this._awaited) {
      this._awaited = undefined;
      this._current = frame;
      return;
    }
    this._awaited = undefined;
    if (frame === this._current) return; // redrawn, not moved
    this._current = frame;
    if (this._frames.timeOf(frame) === undefined) return;
    const wait = this._lastSentAt + this._intervalMs - this._now();
    if (wait <= 0) this._sendCurrent();
    else this._timer ??= setTimeout(() => this._sendCurrent(), wait);
  }

  dispose(): void {
    this._disposed = true;
    this._cancelPending();
    for (const seat of this._seats) seat.dispose();
    this._seats.length = 0;
  }

  private _onClock(event: SessionTimeEvent): void {
    if (this._disposed || event.type !== 'time/cursor') return;
    const frame = this._frames.frameAt(event.time);
    if (frame === undefined) return;
    // The cursor moved elsewhere: a frame time still waiting to go out is stale.
    this._cancelPending();
    if (frame === this._current && this._awaited === undefined) return;
    this._awaited = frame;
    this._current = frame;
    this._seek(frame);
  }

  private _sendCurrent(): void {
    this._cancelPending();
    const time = this._frames.timeOf(this._current);
    if (this._disposed || time === undefined) return;
    this._lastSentAt = this._now();
    const event: SessionTimeEvent = { type: 'time/cursor', time };
    for (const seat of this._seats) seat.set(event);
  }

  private _cancelPending(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }
}
