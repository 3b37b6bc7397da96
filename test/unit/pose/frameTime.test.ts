/** Video frame → pose sample: the rules of frameTime.ts on small clocks whose answers are known. */
import { strict as assert } from 'node:assert';
import { frameMap, type PoseClock } from '../../../src/pose/frameTime';

const samples = (map: ReturnType<typeof frameMap>, frames: number[]) => frames.map(f => map.sampleOf(f));

describe('pose: frame to sample', () => {
  it('by the video rate from the pose start, nearest sample within half a frame', () => {
    // Pose at 10 Hz from t = 5 s; video at 20 fps: odd frames fall between samples (exactly half a frame away).
    const clock: PoseClock = { kind: 'rate', start: 5, rate: 10, count: 50 };
    const map = frameMap(clock, { frames: 100, fps: 20 });
    assert.equal(map.mode, 'video-rate');
    assert.deepEqual(samples(map, [0, 2, 4, 98, 99, 100, -1, 1.5]), [0, 1, 2, 49, -1, -1, -1, -1]);
    // A 10 fps video of 50 frames covers the pose exactly.
    assert.deepEqual(samples(frameMap(clock, { frames: 50, fps: 10 }), [0, 25, 49]), [0, 25, 49]);
  });

  it('by the camera timestamps from starting_frame, none where the pose has a gap', () => {
    const times = Float64Array.from([0, 0.1, 0.2, 0.5, 0.6]);
    const camera = Float64Array.from({ length: 12 }, (_, i) => i * 0.1 - 0.2);
    const map = frameMap(
      { kind: 'timestamps', times },
      { frames: 10, fps: 10, cameraTimestamps: camera, startingFrame: 2 },
    );
    assert.equal(map.mode, 'camera-timestamps');
    assert.deepEqual(map.warnings, []);
    // Frame N is camera[2 + N] = N × 0.1 s; samples at 0.3 and 0.4 s are missing.
    assert.deepEqual(samples(map, [0, 1, 2, 3, 4, 5, 6, 9, 10]), [0, 1, 2, -1, -1, 3, 4, -1, -1]);
  });

  it('warns when the camera timestamps and the video disagree on the frame count', () => {
    const map = frameMap(
      { kind: 'rate', start: 0, rate: 30, count: 300 },
      { frames: 300, fps: 30, cameraTimestamps: Float64Array.from({ length: 290 }, (_, i) => i / 30) },
    );
    assert.match(map.warnings.join('\n'), /300 frames but the camera timestamps cover 290/);
    assert.equal(map.sampleOf(289), 289);
    assert.equal(map.sampleOf(295), -1);
  });

  it('takes frame indices stored as seconds for what they are, and says so', () => {
    const times = Float64Array.from({ length: 600 }, (_, i) => i);
    const map = frameMap({ kind: 'timestamps', times }, { frames: 600, fps: 30 });
    assert.equal(map.mode, 'frame-index');
    assert.match(map.warnings[0], /look like frame indices/);
    assert.deepEqual(samples(map, [0, 300, 599, 600]), [0, 300, 599, -1]);
  });

  it('matches by time and warns when the pose and the video cover different spans', () => {
    const times = Float64Array.from({ length: 100 }, (_, i) => 2 + i / 10);
    const map = frameMap({ kind: 'timestamps', times }, { frames: 100, fps: 20 });
    assert.equal(map.mode, 'video-rate');
    assert.match(
      map.warnings[0],
      /covers 9\.9 s \(100 samples\) but the video's 100 frames at 20 fps cover 4\.95 s/,
    );
    assert.deepEqual(samples(map, [0, 2, 98]), [0, 1, 49]);
  });

  it('refuses a video without frames per second', () => {
    assert.throws(
      () => frameMap({ kind: 'rate', start: 0, rate: 1, count: 1 }, { frames: 10, fps: 0 }),
      /bad video timing/,
    );
  });
});
