/**
 * One clock per open NWB file: the session's time cursor and time selection, shared by every view
 * of the file. A view sets it (the webview events `time/cursor` and `time/selection`) and the clock
 * relays the change to every OTHER member, never back to the one that set it (that view has drawn
 * it already, and an echo would fight the user's next drag). No `vscode` import: the relay is
 * plain data, tested on its own.
 */
import type { SessionTimeEvent, TimeSpan } from '../shared/protocol';

/** How a member of a clock receives the changes other members make. */
export type ClockDelivery = (event: SessionTimeEvent) => void;

/** One view's seat at a clock: what it sets goes to the others; disposing it leaves the clock. */
export interface ClockMember {
  set(event: SessionTimeEvent): void;
  dispose(): void;
}

export class SessionClock {
  private _cursor: number | null = null;
  private _selection: TimeSpan | null = null;
  private readonly _members = new Set<ClockDelivery>();

  get cursor(): number | null {
    return this._cursor;
  }

  get selection(): TimeSpan | null {
    return this._selection;
  }

  get memberCount(): number {
    return this._members.size;
  }

  /** Adds a member; it is told the current cursor and selection at once (a view opened later joins in). */
  join(deliver: ClockDelivery): ClockMember {
    this._members.add(deliver);
    if (this._cursor !== null) deliver({ type: 'time/cursor', time: this._cursor });
    if (this._selection !== null) deliver({ type: 'time/selection', selection: this._selection });
    return {
      set: event => this._set(event, deliver),
      dispose: () => void this._members.delete(deliver),
    };
  }

  private _set(event: SessionTimeEvent, from: ClockDelivery): void {
    if (!this._members.has(from)) return; // a member that left sets nothing
    if (event.type === 'time/cursor') this._cursor = event.time;
    else this._selection = event.selection;
    for (const deliver of [...this._members]) if (deliver !== from) deliver(event);
  }
}

/** The clocks of all open files, by file key (the document's URI); a clock lives while it has members. */
export class SessionClocks {
  private readonly _clocks = new Map<string, SessionClock>();

  /** Joins the clock of `file`, creating it for the first member. */
  join(file: string, deliver: ClockDelivery): ClockMember {
    let clock = this._clocks.get(file);
    if (!clock) {
      clock = new SessionClock();
      this._clocks.set(file, clock);
    }
    const seat = clock.join(deliver);
    const owner = clock;
    return {
      set: seat.set,
      dispose: () => {
        seat.dispose();
        if (owner.memberCount === 0 && this._clocks.get(file) === owner) this._clocks.delete(file);
      },
    };
  }

  /** The clock of `file`, while any view of it is open. */
  clockOf(file: string): SessionClock | undefined {
    return this._clocks.get(file);
  }
}

/**
 * A clock event from a webview, checked: times are finite seconds, a selection runs forwards
 * (swapped ends are put in order). Throws a readable error for anything else.
 */
export function checkClockEvent(event: unknown): SessionTimeEvent {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (e.type === 'time/cursor') {
    if (typeof e.time !== 'number' || !Number.isFinite(e.time))
      throw new Error(`time/cursor needs a finite time in seconds, got ${String(e.time)}`);
    return { type: 'time/cursor', time: e.time };
  }
  if (e.type === 'time/selection') {
    if (e.selection === null) return { type: 'time/selection', selection: null };
    const s = (typeof e.selection === 'object' && e.selection !== null ? e.selection : {}) as Record<
      string,
      unknown
    >;
    const { start, end } = s;
    if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start + end))
      throw new Error('time/selection needs {start, end} in finite seconds, or null');
    return { type: 'time/selection', selection: { start: Math.min(start, end), end: Math.max(start, end) } };
  }
  throw new Error(`not a session clock event: ${String(e.type)}`);
}
