/**
 * The webview's side of the session clock: the panel's store talks to a real Messenger end (what
 * it sends, what it hears back), the window a cursor from elsewhere leads to, drag spans, and the
 * frame of an image series at a session time.
 */
import * as assert from 'node:assert/strict';
import { Messenger } from '../../../src/shared/messenger';
import type {
  Envelope,
  HostEvent,
  HostMethodMap,
  WebviewEvent,
  WebviewMethodMap,
} from '../../../src/shared/protocol';
import {
  frameAt,
  sessionTime,
  spanOf,
  windowAround,
  type TimeChange,
} from '../../../media/viewer/sessionTime';

describe('webview session time', () => {
  it('sends what the user sets to the host and hears what the host relays', async () => {
    const toHost: Envelope[] = [];
    const api = new Messenger<WebviewMethodMap, HostMethodMap, WebviewEvent, HostEvent>({
      post: m => void toHost.push(m),
    });
    sessionTime.connect(api);
    const changes: TimeChange[] = [];
    const sub = sessionTime.subscribe(c => changes.push(c));
    try {
      sessionTime.setCursor(4.25);
      sessionTime.setSelection({ start: 1, end: 2 }, false); // a drag in progress: drawn, not sent
      sessionTime.setSelection({ start: 1, end: 3 });
      assert.deepEqual(
        toHost.map(m => (m.kind === 'event' ? m.event : m)),
        [
          { type: 'time/cursor', time: 4.25 },
          { type: 'time/selection', selection: { start: 1, end: 3 } },
        ],
      );
      api.handle({ tag: 'dandi-nwb', kind: 'event', event: { type: 'time/cursor', time: 9 } });
      assert.equal(sessionTime.cursor, 9);
      assert.deepEqual(changes, [
        { origin: 'here', what: 'cursor' },
        { origin: 'here', what: 'selection' },
        { origin: 'here', what: 'selection' },
        { origin: 'elsewhere', what: 'cursor' },
      ]);
      // What came from the host is not sent back.
      assert.equal(toHost.length, 2);
      sessionTime.setCursor(Number.NaN);
      assert.equal(sessionTime.cursor, 9);
    } finally {
      sub.dispose();
    }
  });

  it('re-centres a window on a cursor outside it, and only then', () => {
    const full = { start: 0, end: 100 };
    const current = { start: 10, end: 20 };
    assert.equal(windowAround(15, current, full), current);
    assert.deepEqual(windowAround(50, current, full), { start: 45, end: 55 });
    // Near the end the window keeps its width inside the data.
    assert.deepEqual(windowAround(99, current, full), { start: 90, end: 100 });
    assert.equal(windowAround(150, current, full), undefined);
    assert.equal(windowAround(Number.NaN, current, full), undefined);
  });

  it('makes a span of a drag in either direction, none of a click', () => {
    assert.deepEqual(spanOf(5, 2), { start: 2, end: 5 });
    assert.deepEqual(spanOf(2, 5), { start: 2, end: 5 });
    assert.equal(spanOf(3, 3), null);
  });

  it('finds the frame on screen at a session time', () => {
    const byRate = { kind: 'rate', start: 10, rate: 30, count: 300 } as const;
    assert.equal(frameAt(byRate, 10), 0);
    assert.equal(frameAt(byRate, 10 + 1 / 30 - 1e-6), 0);
    assert.equal(frameAt(byRate, 10 + 1 / 30), 1);
    assert.equal(frameAt(byRate, 19.99), 299);
    assert.equal(frameAt(byRate, 20.01), -1);
    assert.equal(frameAt(byRate, 9.9), -1);
    const byTimes = { kind: 'times', times: [1, 1.5, 2.5, 3] } as const;
    assert.equal(frameAt(byTimes, 0.9), -1);
    assert.equal(frameAt(byTimes, 1), 0);
    assert.equal(frameAt(byTimes, 2.4), 1);
    assert.equal(frameAt(byTimes, 3.5), 3);
    assert.equal(frameAt(byTimes, 10), -1);
    assert.equal(frameAt({ kind: 'times', times: [] }, 1), -1);
  });
});
