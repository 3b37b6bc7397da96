/**
 * The session clock as this webview sees it: the time cursor and selection (NWB seconds) shared by
 * every view of the panel and, through the host, by every other open view of the same file. Views
 * set it from user input (sent to the host) and hear it from elsewhere (the host's relay); the
 * host never echoes a change back to the panel that made it.
 */
import type { MethodMap, Messenger } from '../../src/shared/messenger';
import type { HostEvent, TimeSpan, WebviewEvent } from '../../src/shared/protocol';
import type { Disposable } from './scope';
import { clampWindow, type Window } from './timeWindow';

/** Where a change came from: this panel (a click here) or another view of the file. */
export type TimeOrigin = 'here' | 'elsewhere';

export interface TimeChange {
  origin: TimeOrigin;
  /** Which of the two moved. */
  what: 'cursor' | 'selection';
}

type Listener = (change: TimeChange) => void;

/** What the clock needs of the panel's messenger (the viewer's ViewerApi is one). */
type ClockLink = Pick<Messenger<MethodMap, MethodMap, WebviewEvent, HostEvent>, 'notify' | 'onEvent'>;

class SessionTime {
  private _cursor: number | null = null;
  private _selection: TimeSpan | null = null;
  private _api: ClockLink | null = null;
  private readonly _listeners = new Set<Listener>();

  get cursor(): number | null {
    return this._cursor;
  }

  get selection(): TimeSpan | null {
    return this._selection;
  }

  /** Hears the host's relay (called once, after the messenger exists). */
  connect(api: ClockLink): void {
    this._api = api;
    api.onEvent('time/cursor', e => {
      this._cursor = e.time;
      this._emit({ origin: 'elsewhere', what: 'cursor' });
    });
    api.onEvent('time/selection', e => {
      this._selection = e.selection;
      this._emit({ origin: 'elsewhere', what: 'selection' });
    });
  }

  /** Sets the cursor from this panel and tells the file's other views. */
  setCursor(time: number): void {
    if (!Number.isFinite(time)) return;
    this._cursor = time;
    this._emit({ origin: 'here', what: 'cursor' });
    this._api?.notify({ type: 'time/cursor', time });
  }

  /**
   * Sets (or clears, with null) the selection; `final` false draws a drag in progress without
   * sending it, the drag's end sends it.
   */
  setSelection(selection: TimeSpan | null, final = true): void {
    this._selection = selection;
    this._emit({ origin: 'here', what: 'selection' });
    if (final) this._api?.notify({ type: 'time/selection', selection });
  }

  subscribe(listener: Listener): Disposable {
    this._listeners.add(listener);
    return { dispose: () => void this._listeners.delete(listener) };
  }

  private _emit(change: TimeChange): void {
    for (const listener of [...this._listeners]) listener(change);
  }
}

/** The panel's one clock. */
export const sessionTime = new SessionTime();

/**
 * The window to show for a cursor from elsewhere: unchanged when the cursor is inside it, else the
 * same width centred on the cursor (kept inside `full`); undefined when the cursor is outside the
 * data altogether (the view has nothing to show there).
 */
export function windowAround(time: number, current: Window, full: Window): Window | undefined {
  if (!(time >= full.start && time <= full.end)) return undefined;
  if (time >= current.start && time <= current.end) return current;
  const half = (current.end - current.start) / 2;
  return clampWindow({ start: time - half, end: time + half }, full);
}

/** The selection a drag between two times makes (ends in order), or null for a drag of no width. */
export function spanOf(a: number, b: number): TimeSpan | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return null;
  return { start: Math.min(a, b), end: Math.max(a, b) };
}

/** When the frames of a series start, in session seconds. */
export type FrameTiming =
  { kind: 'rate'; start: number; rate: number; count: number } | { kind: 'times'; times: ArrayLike<number> };

/**
 * The frame of an image series on screen at `time` (the last one starting at or before it), from
 * its `starting_time` + `rate` or its `timestamps`; -1 when the series shows no frame then (before
 * its first, after its last).
 */
export function frameAt(timing: FrameTiming, time: number): number {
  if (timing.kind === 'times') {
    const n = timing.times.length;
    if (n === 0 || time < timing.times[0]) return -1;
    const i = lastAtOrBefore(timing.times, time);
    // Past the last frame by more than a typical frame interval: not shown any more.
    const step = n > 1 ? (timing.times[n - 1] - timing.times[0]) / (n - 1) : 0;
    return i === n - 1 && time > timing.times[n - 1] + step ? -1 : i;
  }
  if (!(timing.rate > 0) || timing.count === 0) return -1;
  const i = Math.floor((time - timing.start) * timing.rate + 1e-9);
  return i >= 0 && i < timing.count ? i : -1;
}

/** Index of the last of sorted `times` at or before `t` (0 when all are later). */
function lastAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
