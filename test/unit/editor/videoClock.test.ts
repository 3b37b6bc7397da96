/**
 * The video's seat at the session clock (src/editor/videoClock.ts), with the real clocks: a cursor
 * set in an NWB view seeks the video to the frame shown at that time and is not echoed back when
 * the video shows it; frames the video shows by itself set the cursor in every NWB view, throttled
 * while playing with the last frame always delivered; the video never hears its own cursor.
 */
import * as assert from 'node:assert/strict';
import { SessionClocks } from '../../../src/editor/sessionClock';
import { VideoClockRelay } from '../../../src/editor/videoClock';
import { FrameClock } from '../../../src/pose/frameClock';
import type { SessionTimeEvent } from '../../../src/shared/protocol';

const RAW = 'file:///s/raw.nwb';
const PROCESSED = 'file:///s/processed.nwb';
/** 100 frames at 10 fps from t = 50 s. */
const frames = new FrameClock(Float64Array.from({ length: 100 }, (_, i) => 50 + i / 10));

function setup(options: { intervalMs?: number; now?: () => number } = {}) {
  const clocks = new SessionClocks();
  const raw: SessionTimeEvent[] = [];
  const processed: SessionTimeEvent[] = [];
  const rawView = clocks.join(RAW, e => raw.push(e));
  clocks.join(PROCESSED, e => processed.push(e));
  const seeks: number[] = [];
  const relay = new VideoClockRelay(clocks, [PROCESSED, RAW], frames, f => seeks.push(f), 0, options);
  return { clocks, raw, processed, rawView, seeks, relay };
}

const cursorTimes = (events: SessionTimeEvent[]) =>
  events.flatMap(e => (e.type === 'time/cursor' ? [e.time] : []));

describe('video on the session clock', () => {
  it('seeks the video to the frame at a cursor set in an NWB view, without echoing it', () => {
    const { raw, processed, rawView, seeks, relay } = setup();
    rawView.set({ type: 'time/cursor', time: 53.25 });
    assert.deepEqual(seeks, [32]);
    relay.shown(32);
    assert.deepEqual(cursorTimes(raw), [], 'the view that set the cursor hears nothing back');
    assert.deepEqual(cursorTimes(processed), [], "a clock's seek is not relayed to the other file");
    // Out of range: clamped to the last frame; a selection does not move the video.
    rawView.set({ type: 'time/cursor', time: 1e6 });
    rawView.set({ type: 'time/selection', selection: { start: 50, end: 51 } });
    assert.deepEqual(seeks, [32, 99]);
    relay.dispose();
  });

  it('does not seek when the cursor falls on the frame already shown', () => {
    const { rawView, seeks, relay } = setup();
    rawView.set({ type: 'time/cursor', time: 50.05 });
    assert.deepEqual(seeks, []);
    relay.dispose();
  });

  it('joins at the current cursor: a video opened later shows the frame at it', () => {
    const clocks = new SessionClocks();
    const view = clocks.join(RAW, () => undefined);
    view.set({ type: 'time/cursor', time: 52 });
    const seeks: number[] = [];
    const relay = new VideoClockRelay(clocks, [RAW], frames, f => seeks.push(f), 0);
    assert.deepEqual(seeks, [20]);
    relay.dispose();
  });

  it('sets the cursor of every NWB view to the time of a frame the user steps to', () => {
    const { raw, processed, seeks, relay } = setup({ intervalMs: 0 });
    relay.shown(0); // the frame it opened on, redrawn: not a move
    relay.shown(7);
    relay.shown(8);
    assert.deepEqual(cursorTimes(raw), [50.7, 50.8]);
    assert.deepEqual(cursorTimes(processed), [50.7, 50.8]);
    assert.deepEqual(seeks, [], 'the video is never sent its own cursor');
    relay.dispose();
    relay.shown(9);
    assert.deepEqual(cursorTimes(raw), [50.7, 50.8], 'nothing after leaving');
  });

  it('throttles the cursor while playing and delivers the last frame', async () => {
    let now = 0;
    const { raw, relay } = setup({ intervalMs: 40, now: () => now });
    relay.shown(1);
    for (let f = 2; f <= 5; f++) {
      now += 5;
      relay.shown(f);
    }
    assert.deepEqual(cursorTimes(raw), [50.1], 'frames 2…5 came within the interval');
    now += 40;
    await new Promise(resolve => setTimeout(resolve, 60));
    assert.deepEqual(cursorTimes(raw), [50.1, 50.5], 'the last frame played went out after it');
    relay.dispose();
  });

  it('drops a pending frame time when a cursor comes from an NWB view', async () => {
    let now = 0;
    const { raw, rawView, seeks, relay } = setup({ intervalMs: 30, now: () => now });
    relay.shown(1);
    relay.shown(2); // held back by the throttle
    rawView.set({ type: 'time/cursor', time: 58 });
    now += 100;
    await new Promise(resolve => setTimeout(resolve, 50));
    assert.deepEqual(cursorTimes(raw), [50.1], "the stale frame 2 does not undo the view's cursor");
    assert.deepEqual(seeks, [80]);
    relay.dispose();
  });
});
