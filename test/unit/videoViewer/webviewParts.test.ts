// The video webview's DOM-free parts: the bounded decoded-frame store (closes what it drops) and
// the pose geometry (scale to the video, confidence threshold, colouring by node or track).
import * as assert from 'node:assert/strict';
import { FrameStore } from '../../../media/video/frameStore';
import { colourKey, poseScale, visible } from '../../../media/video/poseGeometry';

class StandIn {
  closed = false;
  constructor(readonly frame: number) {}
  close(): void {
    this.closed = true;
  }
}

describe('video viewer: decoded-frame store', () => {
  it('keeps at most its limit, closing the frames farthest from the one shown', () => {
    const store = new FrameStore<StandIn>(4);
    const all = Array.from({ length: 10 }, (_, f) => new StandIn(f));
    for (const frame of all) store.put(frame.frame, frame, 5);
    assert.equal(store.size, 4);
    const kept = all.filter(f => store.has(f.frame)).map(f => f.frame);
    // Ahead of the focus wins ties: 5, 6, 4, 7 (4 and 6 are both one away; 6 is ahead).
    assert.deepEqual(kept, [4, 5, 6, 7]);
    for (const frame of all) assert.equal(frame.closed, !kept.includes(frame.frame), `frame ${frame.frame}`);
  });

  it('closes a frame it replaces, and everything on clear', () => {
    const store = new FrameStore<StandIn>(3);
    const first = new StandIn(1);
    const second = new StandIn(1);
    store.put(1, first, 1);
    store.put(1, second, 1);
    assert.ok(first.closed);
    assert.equal(store.get(1), second);
    store.clear();
    assert.ok(second.closed);
    assert.equal(store.size, 0);
  });

  it('finds the next frame to prefetch', () => {
    const store = new FrameStore<StandIn>(10);
    for (const f of [3, 4, 5, 7]) store.put(f, new StandIn(f), 3);
    assert.equal(store.firstMissingAfter(3, 10), 6);
    assert.equal(store.firstMissingAfter(3, 2), undefined);
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new FrameStore<StandIn>(0), /at least 1/);
  });
});

describe('video viewer: pose geometry', () => {
  it('scales pose pixels to the video only when the file names another size', () => {
    assert.deepEqual(poseScale(undefined, { width: 640, height: 480 }), { sx: 1, sy: 1 });
    assert.deepEqual(poseScale({ width: 0, height: 0 }, { width: 640, height: 480 }), { sx: 1, sy: 1 });
    assert.deepEqual(poseScale({ width: 320, height: 240 }, { width: 640, height: 480 }), { sx: 2, sy: 2 });
  });

  it('hides missing keypoints and those below the confidence threshold', () => {
    assert.equal(visible(1, 2, undefined, 0.9), true);
    assert.equal(visible(1, 2, 0.5, 0.6), false);
    assert.equal(visible(1, 2, 0.6, 0.6), true);
    assert.equal(visible(Number.NaN, 2, 1, 0), false);
    assert.equal(visible(1, 2, Number.NaN, 0.5), true);
  });

  it('colours by node for one animal and by track for several', () => {
    assert.equal(colourKey([undefined]), 'node');
    assert.equal(colourKey(['a', 'a']), 'node');
    assert.equal(colourKey(['a', 'b']), 'track');
  });
});
