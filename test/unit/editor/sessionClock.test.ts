/**
 * The session clock's relay (src/editor/sessionClock.ts): a change made by one view of a file
 * reaches every other view of that file, never the view that made it, nor the views of another
 * file; a view opened later is told the current time; leaving the clock stops delivery; and the
 * webview's events are checked before they are relayed.
 */
import * as assert from 'node:assert/strict';
import { checkClockEvent, SessionClocks } from '../../../src/editor/sessionClock';
import type { SessionTimeEvent } from '../../../src/shared/protocol';

/** A view's inbox: what the clock delivered to it. */
function inbox(): { events: SessionTimeEvent[]; deliver: (e: SessionTimeEvent) => void } {
  const events: SessionTimeEvent[] = [];
  return { events, deliver: e => events.push(e) };
}

describe('session clock', () => {
  it('relays a cursor to the other views of the same file, not back to the sender', () => {
    const clocks = new SessionClocks();
    const a = inbox();
    const b = inbox();
    const c = inbox();
    const other = inbox();
    const seatA = clocks.join('file:///x.nwb', a.deliver);
    clocks.join('file:///x.nwb', b.deliver);
    clocks.join('file:///x.nwb', c.deliver);
    clocks.join('file:///y.nwb', other.deliver);
    seatA.set({ type: 'time/cursor', time: 12.5 });
    assert.deepEqual(a.events, []);
    assert.deepEqual(b.events, [{ type: 'time/cursor', time: 12.5 }]);
    assert.deepEqual(c.events, [{ type: 'time/cursor', time: 12.5 }]);
    assert.deepEqual(other.events, []);
    assert.equal(clocks.clockOf('file:///x.nwb')?.cursor, 12.5);
    assert.equal(clocks.clockOf('file:///y.nwb')?.cursor, null);
  });

  it('relays selections, and their clearing, the same way', () => {
    const clocks = new SessionClocks();
    const a = inbox();
    const b = inbox();
    clocks.join('f', a.deliver);
    const seatB = clocks.join('f', b.deliver);
    seatB.set({ type: 'time/selection', selection: { start: 1, end: 2 } });
    seatB.set({ type: 'time/selection', selection: null });
    assert.deepEqual(a.events, [
      { type: 'time/selection', selection: { start: 1, end: 2 } },
      { type: 'time/selection', selection: null },
    ]);
    assert.deepEqual(b.events, []);
    assert.equal(clocks.clockOf('f')?.selection, null);
  });

  it('tells a view that opens later the current cursor and selection', () => {
    const clocks = new SessionClocks();
    const first = clocks.join('f', inbox().deliver);
    first.set({ type: 'time/cursor', time: 3 });
    first.set({ type: 'time/selection', selection: { start: 2, end: 4 } });
    const late = inbox();
    clocks.join('f', late.deliver);
    assert.deepEqual(late.events, [
      { type: 'time/cursor', time: 3 },
      { type: 'time/selection', selection: { start: 2, end: 4 } },
    ]);
  });

  it('stops delivering to a view that left, and forgets a file once its last view closes', () => {
    const clocks = new SessionClocks();
    const a = inbox();
    const b = inbox();
    const seatA = clocks.join('f', a.deliver);
    const seatB = clocks.join('f', b.deliver);
    seatB.dispose();
    seatA.set({ type: 'time/cursor', time: 1 });
    assert.deepEqual(b.events, []);
    // A seat that left sets nothing either.
    seatB.set({ type: 'time/cursor', time: 99 });
    assert.deepEqual(a.events, []);
    assert.equal(clocks.clockOf('f')?.cursor, 1);
    seatA.dispose();
    assert.equal(clocks.clockOf('f'), undefined);
    // A new view of the file starts on a fresh clock.
    const again = inbox();
    clocks.join('f', again.deliver);
    assert.deepEqual(again.events, []);
  });

  it('checks the events a webview sends', () => {
    assert.deepEqual(checkClockEvent({ type: 'time/cursor', time: 0 }), { type: 'time/cursor', time: 0 });
    assert.deepEqual(checkClockEvent({ type: 'time/selection', selection: { start: 5, end: 2 } }), {
      type: 'time/selection',
      selection: { start: 2, end: 5 },
    });
    assert.deepEqual(checkClockEvent({ type: 'time/selection', selection: null }), {
      type: 'time/selection',
      selection: null,
    });
    assert.throws(() => checkClockEvent({ type: 'time/cursor', time: Number.NaN }), /finite time/);
    assert.throws(() => checkClockEvent({ type: 'time/cursor', time: '3' }), /finite time/);
    assert.throws(
      () => checkClockEvent({ type: 'time/selection', selection: { start: 1 } }),
      /finite seconds/,
    );
    assert.throws(() => checkClockEvent({ type: 'time/jump' }), /not a session clock event/);
    assert.throws(() => checkClockEvent(null), /not a session clock event/);
  });
});
