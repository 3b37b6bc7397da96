/**
 * Per-sample arrays in decode order, grown without per-sample objects, and the step that turns
 * them into a VideoIndex: presentation order (frame → sample), keyframes as frames, times in
 * seconds with the edit list's shift applied (frame 0 at 0, as ffprobe and OpenCV count).
 */
import { VideoError } from './errors';
import type { VideoContainer, VideoIndex } from './types';
import type { CodecInfo } from './codecs';

/** More samples than this is not a video this index can hold in memory (about 40 bytes each). */
export const MAX_SAMPLES = 20_000_000;

export class SampleArrays {
  length = 0;
  offsets = new Float64Array(1024);
  sizes = new Uint32Array(1024);
  /** Decode and composition times in the track's timescale, before the edit list's shift. */
  dts = new Float64Array(1024);
  cts = new Float64Array(1024);
  keyframe = new Uint8Array(1024);

  /** Makes room for `more` samples. */
  reserve(more: number): void {
    const need = this.length + more;
    if (need > MAX_SAMPLES) throw new VideoError('too-large', `the sample tables claim ${need} samples`);
    if (need <= this.offsets.length) return;
    const capacity = Math.max(need, this.offsets.length * 2);
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old.subarray(0, this.length) as never);
      return next;
    };
    this.offsets = grow(this.offsets, n => new Float64Array(n));
    this.sizes = grow(this.sizes, n => new Uint32Array(n));
    this.dts = grow(this.dts, n => new Float64Array(n));
    this.cts = grow(this.cts, n => new Float64Array(n));
    this.keyframe = grow(this.keyframe, n => new Uint8Array(n));
  }

  push(offset: number, size: number, dts: number, cts: number, key: boolean): void {
    if (this.length === this.offsets.length) this.reserve(1);
    const i = this.length++;
    this.offsets[i] = offset;
    this.sizes[i] = size;
    this.dts[i] = dts;
    this.cts[i] = cts;
    this.keyframe[i] = key ? 1 : 0;
  }
}

export interface TrackFacts {
  container: VideoContainer;
  codec: CodecInfo;
  width: number;
  height: number;
  timescale: number;
  /** Media time the edit list starts presenting at (elst media_time), in the timescale. */
  shift: number;
  /** Sum of sample durations, in the timescale. */
  durationTicks: number;
  moovAtEnd: boolean;
}

/** The index of a track whose samples are all in `samples`; checks they lie inside the file. */
export function finishIndex(facts: TrackFacts, samples: SampleArrays, fileSize: number): VideoIndex {
  const n = samples.length;
  for (let i = 0; i < n; i++) {
    if (samples.offsets[i] + samples.sizes[i] > fileSize)
      throw new VideoError(
        'corrupt',
        `sample ${i} (${samples.sizes[i]} bytes at ${samples.offsets[i]}) lies past the end of the file (${fileSize} bytes): the file is cut short or its sample table is damaged`,
      );
  }
  const scale = facts.timescale;
  const presentationSeconds = new Float64Array(n);
  const decodeSeconds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    presentationSeconds[i] = (samples.cts[i] - facts.shift) / scale;
    decodeSeconds[i] = (samples.dts[i] - facts.shift) / scale;
  }
  const frameToSample = new Uint32Array(n);
  for (let i = 0; i < n; i++) frameToSample[i] = i;
  const cts = samples.cts;
  frameToSample.sort((a, b) => cts[a] - cts[b] || a - b);
  const keyframe = samples.keyframe.slice(0, n);
  const keyframeFrames: number[] = [];
  for (let f = 0; f < n; f++) if (keyframe[frameToSample[f]]) keyframeFrames.push(f);
  const durationSeconds = facts.durationTicks / scale;
  const index: VideoIndex = {
    container: facts.container,
    codec: facts.codec.codec,
    codecName: facts.codec.codecName,
    description: facts.codec.description,
    width: facts.width,
    height: facts.height,
    frames: n,
    fps: durationSeconds > 0 ? n / durationSeconds : 0,
    durationSeconds,
    moovAtEnd: facts.moovAtEnd,
    offsets: samples.offsets.slice(0, n),
    sizes: samples.sizes.slice(0, n),
    presentationSeconds,
    decodeSeconds,
    keyframe,
    frameToSample,
    keyframeFrames,
  };
  const undecodable = facts.codec.undecodable ?? (n === 0 ? 'it has no video samples' : undefined);
  if (undecodable) index.undecodable = undecodable;
  return index;
}
