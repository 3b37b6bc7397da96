/**
 * Video frame ↔ pose sample. Frame N's time is the camera's timestamp for it when the NWB file has
 * the camera `ImageSeries` (`timestamps[starting_frame + N]`), else N / fps after the pose's first
 * sample; the pose sample drawn is the nearest one in time, within half a frame period. Files that
 * disagree with their video are warned about, never silently misdrawn.
 */
import type { VideoTiming } from './types';

/** When the pose samples were taken: explicit timestamps, or a start and a rate. */
export type PoseClock =
  { kind: 'timestamps'; times: Float64Array } | { kind: 'rate'; start: number; rate: number; count: number };

export interface FrameMap {
  /** How frames were matched to samples (`frame-index`: sample i is frame i). */
  mode: 'camera-timestamps' | 'video-rate' | 'frame-index';
  /** The pose sample for a video frame, or -1 when none is within half a frame period. */
  sampleOf(frame: number): number;
  /**
   * Each video frame's time on the session clock (s), NaN where unknown; undefined when the pose
   * gives no session time (its stamps are frame indices).
   */
  frameTimes: Float64Array | undefined;
  warnings: string[];
}

export function sampleCount(clock: PoseClock): number {
  return clock.kind === 'timestamps' ? clock.times.length : clock.count;
}

function sampleTime(clock: PoseClock, i: number): number {
  return clock.kind === 'timestamps' ? clock.times[i] : clock.start + i / clock.rate;
}

/** The sample nearest to time t (timestamps ascending), or -1 for an empty clock. */
function nearestSample(clock: PoseClock, t: number): number {
  const n = sampleCount(clock);
  if (n === 0 || !Number.isFinite(t)) return -1;
  if (clock.kind === 'rate') return Math.min(n - 1, Math.max(0, Math.round((t - clock.start) * clock.rate)));
  const times = clock.times;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(times[lo - 1] - t) <= Math.abs(times[lo] - t) ? lo - 1 : lo;
}

/** Median spacing of up to 2000 consecutive values (robust to dropped frames). */
function medianStep(values: Float64Array, from = 0): number {
  const steps: number[] = [];
  for (let i = from + 1; i < values.length && steps.length < 2000; i++) steps.push(values[i] - values[i - 1]);
  if (!steps.length) return NaN;
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1];
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)));

export function frameMap(clock: PoseClock, video: VideoTiming): FrameMap {
  if (!(video.frames >= 0) || !(video.fps > 0))
    throw new Error(`bad video timing: ${video.frames} frames at ${video.fps} fps`);
  const warnings: string[] = [];
  const n = sampleCount(clock);
  const camera = video.cameraTimestamps;
  const first = video.startingFrame ?? 0;
  if (camera) {
    const cameraFrames = camera.length - first;
    if (cameraFrames !== video.frames) {
      warnings.push(
        `The video has ${video.frames} frames but the camera timestamps cover ${cameraFrames}` +
          `${first ? ` (from starting_frame ${first})` : ''}; frames past the shorter one have no pose.`,
      );
    }
    const step = medianStep(camera, first);
    const half = (Number.isFinite(step) && step > 0 ? step : 1 / video.fps) / 2;
    const times = new Float64Array(video.frames).fill(Number.NaN);
    times.set(camera.subarray(first, first + video.frames));
    return {
      mode: 'camera-timestamps',
      warnings,
      frameTimes: times,
      sampleOf: frame => {
        if (!Number.isInteger(frame) || frame < 0 || first + frame >= camera.length) return -1;
        return withinHalf(clock, camera[first + frame], half);
      },
    };
  }

  const period = 1 / video.fps;
  const start = n > 0 ? sampleTime(clock, 0) : 0;
  const poseSpan = n > 1 ? sampleTime(clock, n - 1) - start : 0;
  const videoSpan = Math.max(0, video.frames - 1) * period;
  const disagree = n > 1 && Math.abs(poseSpan - videoSpan) > Math.max(2 * period, 0.01 * videoSpan);
  if (disagree && clock.kind === 'timestamps' && looksLikeFrameIndices(clock.times)) {
    // DLC2NWB writes frame indices into `timestamps` and labels them seconds.
    warnings.push(
      `The pose timestamps run ${fmt(start)}…${fmt(start + poseSpan)} s in steps of 1 over ${n} samples, ` +
        `but the video's ${video.frames} frames at ${fmt(video.fps)} fps last ${fmt(videoSpan + period)} s: ` +
        `they look like frame indices, so the sample stamped i is drawn on frame i.`,
    );
    if (n !== video.frames) warnings.push(`The pose has ${n} samples and the video ${video.frames} frames.`);
    return {
      mode: 'frame-index',
      warnings,
      frameTimes: undefined,
      sampleOf: frame => (frame >= 0 && frame < video.frames ? withinHalf(clock, frame, 0.5) : -1),
    };
  }
  const drift = n > 1 ? Math.abs(poseSpan - videoSpan) : 0;
  if (n === video.frames && drift > period / 2 && !disagree) {
    // One pose sample per frame whose clock runs off the nominal rate (IBL's cameras drift): by
    // the nominal rate, late frames would get a neighbour's pose. Sample i is frame i.
    warnings.push(
      `No camera timestamps: the pose has one sample per video frame (${n}) but its clock differs from ` +
        `${fmt(video.fps)} fps by ${fmt(drift)} s over the video, so sample i is drawn on frame i.`,
    );
    return {
      mode: 'frame-index',
      warnings,
      frameTimes: Float64Array.from({ length: n }, (_, i) => sampleTime(clock, i)),
      sampleOf: frame => (Number.isInteger(frame) && frame >= 0 && frame < n ? frame : -1),
    };
  }
  if (disagree) {
    warnings.push(
      `The pose covers ${fmt(poseSpan)} s (${n} samples) but the video's ${video.frames} frames at ` +
        `${fmt(video.fps)} fps cover ${fmt(videoSpan)} s; frames are matched by time from the pose's first sample.`,
    );
  }
  return {
    mode: 'video-rate',
    warnings,
    frameTimes: Float64Array.from({ length: video.frames }, (_, i) => start + i * period),
    sampleOf: frame =>
      Number.isInteger(frame) && frame >= 0 && frame < video.frames
        ? withinHalf(clock, start + frame * period, period / 2)
        : -1,
  };
}

/** Nearest sample to t when it is at most `half` away (a hair of float slack), else -1. */
function withinHalf(clock: PoseClock, t: number, half: number): number {
  const i = nearestSample(clock, t);
  if (i < 0) return -1;
  return Math.abs(sampleTime(clock, i) - t) <= half * (1 + 1e-9) + 1e-12 ? i : -1;
}

/** Integers from (near) 0 in steps of exactly 1: frame numbers, not seconds. */
function looksLikeFrameIndices(times: Float64Array): boolean {
  if (times.length < 2 || !Number.isInteger(times[0]) || Math.abs(times[0]) > 1) return false;
  for (let i = 1; i < Math.min(times.length, 2000); i++) if (times[i] - times[i - 1] !== 1) return false;
  return Number.isInteger(times[times.length - 1]);
}
