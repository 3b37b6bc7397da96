/**
 * Video frames on the session clock: frame → time from the pose's frame map (camera timestamps,
 * the video rate, one sample per drifting frame; none for frame-index stamps), and time → the last
 * frame shown at or before it (src/pose/frameClock.ts), clamped at both ends, NaN frames skipped.
 */
import { strict as assert } from 'node:assert';
import { FrameClock } from '../../../src/pose/frameClock';
import { frameMap } from '../../../src/pose/frameTime';

const clockOf = (times: number[]) => new FrameClock(Float64Array.from(times));

describe('pose: frame clock', () => {
  it('shows the last frame whose time is at or before the cursor', () => {
    const clock = clockOf([10, 10.1, 10.2, 10.3]);
    assert.deepEqual(
      [10, 10.05, 10.1, 10.0999, 10.25, 10.3].map(t => clock.frameAt(t)),
      [0, 0, 1, 0, 2, 3],
    );
  });

  it('clamps times before the first frame and after the last', () => {
    const clock = clockOf([10, 10.1, 10.2]);
    assert.equal(clock.frameAt(-1e9), 0);
    assert.equal(clock.frameAt(9.99), 0);
    assert.equal(clock.frameAt(1e9), 2);
  });

  it('skips frames without a time, both ways', () => {
    const clock = clockOf([NaN, 1, NaN, 3, Infinity, 5, NaN]);
    assert.equal(clock.frameAt(0), 1, 'before the first timed frame: the first timed frame');
    assert.equal(clock.frameAt(2.5), 1);
    assert.equal(clock.frameAt(4), 3);
    assert.equal(clock.frameAt(100), 5, 'after the last timed frame: the last timed frame');
    assert.equal(clock.timeOf(0), undefined);
    assert.equal(clock.timeOf(4), undefined);
    assert.equal(clock.timeOf(3), 3);
    assert.equal(clock.timeOf(7), undefined, 'out of range');
    assert.equal(clock.timeOf(1.5), undefined, 'not a frame');
    assert.equal(clock.frameAt(NaN), undefined, 'no frame for a NaN cursor');
    assert.equal(clockOf([NaN, NaN]).hasTimes, false);
    assert.equal(clockOf([NaN, NaN]).frameAt(0), undefined);
  });

  it('maps a cursor to one frame even where the stamps run backwards', () => {
    // A camera reset: frame 2 is stamped before frame 1.
    const clock = clockOf([0, 2, 1, 3]);
    assert.equal(clock.frameAt(1.5), 2);
    assert.equal(clock.frameAt(2.5), 1);
    assert.equal(clock.frameAt(3), 3);
  });

  it("round-trips every frame of a drifting camera's timestamps", () => {
    const times = Float64Array.from({ length: 5000 }, (_, i) => 12.345 + (i / 60) * (1 + 5e-5));
    const clock = new FrameClock(times);
    for (let frame = 0; frame < times.length; frame += 7) {
      const t = clock.timeOf(frame);
      assert.ok(t !== undefined);
      assert.equal(clock.frameAt(t), frame);
      // Half a frame later is still this frame; just before it is the previous one.
      assert.equal(clock.frameAt(t + 0.5 / 60), frame);
      if (frame > 0) assert.equal(clock.frameAt(t - 1e-6), frame - 1);
    }
  });

  it('times the frames from the camera timestamps after starting_frame, NaN past them', () => {
    const camera = Float64Array.from({ length: 8 }, (_, i) => 100 + i / 10);
    const map = frameMap(
      { kind: 'rate', start: 100, rate: 10, count: 8 },
      { frames: 8, fps: 10, cameraTimestamps: camera, startingFrame: 2 },
    );
    assert.deepEqual([...(map.frameTimes ?? [])].slice(0, 6), [...camera.subarray(2)]);
    assert.ok(Number.isNaN(map.frameTimes?.[6]) && Number.isNaN(map.frameTimes?.[7]));
  });

  it('times the frames by the video rate from the first pose sample', () => {
    const map = frameMap({ kind: 'rate', start: 5, rate: 10, count: 50 }, { frames: 100, fps: 20 });
    assert.equal(map.mode, 'video-rate');
    assert.deepEqual([...(map.frameTimes ?? [])].slice(0, 3), [5, 5.05, 5.1]);
    assert.equal(map.frameTimes?.length, 100);
  });

  it('times one sample per drifting frame by the sample, and frame-index stamps not at all', () => {
    const drifting = Float64Array.from({ length: 600 }, (_, i) => 3 + (i / 30) * 1.01);
    const map = frameMap({ kind: 'timestamps', times: drifting }, { frames: 600, fps: 30 });
    assert.equal(map.mode, 'frame-index');
    assert.deepEqual([...(map.frameTimes ?? [])], [...drifting]);
    const indices = Float64Array.from({ length: 600 }, (_, i) => i);
    const stamped = frameMap({ kind: 'timestamps', times: indices }, { frames: 600, fps: 30 });
    assert.equal(stamped.mode, 'frame-index');
    assert.equal(stamped.frameTimes, undefined, 'frame numbers are not session seconds');
  });
});
