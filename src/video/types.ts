/**
 * The contract between the video container index (src/video/, owned by the index work) and its
 * users (the video editor, `npm run inspect`, the benchmarks). Plain Node, no `vscode`.
 *
 * Sample arrays are in decode order (the order of the file's sample table). A "frame" is a
 * presentation-order index, 0-based, after the edit list is applied: frame N is the N-th picture a
 * player shows, the same N as ffprobe's N-th decoded frame and OpenCV's CAP_PROP_POS_FRAMES.
 */

export type VideoContainer = 'mp4' | 'mov' | 'fmp4' | 'webm' | 'mkv' | 'avi' | 'unknown';

export interface VideoIndex {
  container: VideoContainer;
  /** WebCodecs codec string (`avc1.64001f`, `vp09.00.10.08`...), or undefined when none applies. */
  codec: string | undefined;
  /** For people: "H.264 High 4:4:4 Predictive", "VP9 Profile 0", "MPEG-4 Part 2 (DIVX)". */
  codecName: string;
  /** The decoder configuration record (`avcC`/`hvcC`/`vpcC` payload) WebCodecs wants as `description`. */
  description: Uint8Array | undefined;
  width: number;
  height: number;
  /** Frames in presentation order (after the edit list). */
  frames: number;
  /** Nominal rate (frames / duration); exact for the constant-rate files DANDI holds. */
  fps: number;
  durationSeconds: number;
  /** MP4: the `moov` box comes after `mdat`. False for containers without `moov`. */
  moovAtEnd: boolean;
  /** Per sample, decode order. Byte offset in the file and size. */
  offsets: Float64Array;
  sizes: Uint32Array;
  /** Per sample, decode order: presentation time in seconds after the edit list (frame 0 at 0). */
  presentationSeconds: Float64Array;
  /** Per sample, decode order: decode time in seconds. */
  decodeSeconds: Float64Array;
  /** Per sample, decode order: 1 for a sync sample (keyframe). */
  keyframe: Uint8Array;
  /** frame (presentation order) → sample index (decode order). Length `frames`. */
  frameToSample: Uint32Array;
  /** Keyframes as frame indices in presentation order, ascending. */
  keyframeFrames: number[];
  /**
   * H.264: the SEI NAL units of sample 0, length-prefixed like a sample's units. Send them ahead of
   * a keyframe that is not sample 0: x264 writes its version there, and ffmpeg-based decoders fix
   * old x264 builds' 4:4:4 streams only after seeing it (see src/video/h264.ts). Added by the index
   * work (not in the first contract).
   */
  seiPrelude?: Uint8Array;
  /** Why this file cannot be decoded from this index (no sample table, unknown codec...); absent when it can. */
  undecodable?: string;
}

/** What to fetch and feed a decoder to show one frame: one contiguous byte range when possible. */
export interface FramePlan {
  frame: number;
  /** Samples to decode, decode order, from the keyframe at or before `frame` through the last one needed. */
  samples: number[];
  /** Byte ranges [start, end) covering those samples, coalesced. */
  ranges: { start: number; end: number }[];
  /** Decode-order position in `samples` of the sample that presents as `frame`. */
  target: number;
}
