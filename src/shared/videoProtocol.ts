/**
 * The typed contract between the video viewer's host side (src/editor/video*) and its webview
 * (media/video). No `vscode`, no DOM. Envelopes, cancellation and the ready handshake are the NWB
 * viewer's (protocol.ts, messenger.ts): the webview calls `init`, then asks for frames.
 *
 * The webview never fetches: for a frame the host sends the decoder configuration and the bytes
 * of the samples to decode (keyframe first, decode order), each as its own ArrayBuffer.
 *
 * Render completion (tests): `#video` carries `data-state` (`loading`, `ready`, `error`,
 * `unsupported`), `data-frame` (the frame on the canvas) and `data-keypoints` (keypoints drawn),
 * and the webview sends `shown`.
 */

/** Bumped on any incompatible change; the host refuses a mismatch. */
export const VIDEO_PROTOCOL_VERSION = 1;

/** What the viewer shows about the video and needs to step through it. */
export interface VideoInfo {
  name: string;
  /** A path, or "DANDI <dandiset>/<version> <path>". */
  sourceLabel: string;
  container: string;
  /** WebCodecs codec string, when the container names one WebCodecs knows. */
  codec: string | undefined;
  /** For people: "H.264 High", "VP9 Profile 0", "MPEG-4 Part 2 (DIVX)". */
  codecName: string;
  width: number;
  height: number;
  frames: number;
  fps: number;
  durationSeconds: number;
  /** Keyframes as frame indices in presentation order, ascending. */
  keyframeFrames: number[];
  /** Why the index cannot feed a decoder (the host's reason); absent when it can. */
  undecodable?: string;
}

/** The WebCodecs `VideoDecoderConfig` the host derives from the container. */
export interface DecoderConfigMessage {
  codec: string;
  /** The `avcC`/`vpcC` payload (bytes), when the codec needs one. */
  description?: ArrayBuffer;
  codedWidth: number;
  codedHeight: number;
}

/** One compressed sample, decode order. */
export interface EncodedSample {
  /** Exactly the sample's bytes (transferred). */
  data: ArrayBuffer;
  /** Presentation time after the edit list, microseconds (frame 0 at 0). */
  timestampUs: number;
  /** The presentation-order frame this sample shows as. */
  frame: number;
  key: boolean;
}

export interface SamplesParams {
  /** The frame to show. */
  frame: number;
  /** Decode on through this frame too (same GOP), so stepping forward is warm. */
  through?: number;
}

export interface SamplesResult {
  frame: number;
  config: DecoderConfigMessage;
  /** Keyframe first, decode order. */
  samples: EncodedSample[];
  /** Bytes read from the source for this answer (0 when cached). */
  bytesRead: number;
  /**
   * Bytes to put before the first (key) sample's: the encoder's version SEI from the file's first
   * sample, which the decoder needs for some streams (x264 < r151 4:4:4) when starting later.
   */
  keyPrefix?: ArrayBuffer;
}

export interface PoseSkeletonMessage {
  nodes: string[];
  edges: Array<[number, number]>;
}

export interface PoseInfo {
  label: string;
  skeleton: PoseSkeletonMessage;
  /** Image size the pose file claims, when it does. */
  dimensions: { width: number; height: number } | undefined;
  /** For people, shown above the picture: dimension mismatch, timing caveats. */
  warnings: string[];
}

/**
 * Pose at a range of frames, one row per (frame, instance), packed into a few flat arrays (one
 * message of thousands of small buffers does not survive the webview's message transport).
 */
export interface PoseFramesMessage {
  /** Keypoints per instance (the skeleton's node count). */
  nodes: number;
  /** Per row: the video frame. */
  frames: number[];
  /** Per row: the track, null when the file has none. */
  tracks: Array<string | null>;
  /** Float32 ArrayBuffers, row-major (row r's node n at r × nodes + n); NaN where missing. */
  x: ArrayBuffer;
  y: ArrayBuffer;
  /** Float32 ArrayBuffer like `x`; NaN where the file gives no confidence. */
  confidence: ArrayBuffer;
}

export interface VideoInitResult {
  protocol: number;
  video: VideoInfo;
  pose: PoseInfo | undefined;
  /** The frame to show first. */
  startFrame: number;
  settings: { maxDecodedFrames: number };
}

/** Webview → host requests. */
export interface VideoHostMethods {
  init: { params: { protocol: number }; result: VideoInitResult };
  'video/samples': { params: SamplesParams; result: SamplesResult };
  /** Pose at frames [first, last]; empty without a pose source. */
  'pose/frames': { params: { first: number; last: number }; result: PoseFramesMessage };
  /** Save the shown frame (with the overlay) as PNG: asks where. */
  'export/png': {
    params: { suggestedName: string; png: ArrayBuffer };
    result: { savedTo: string | undefined };
  };
  /** Runs "Show pose from…" for this panel. */
  'pose/choose': { params: Record<string, never>; result: { attached: boolean } };
  /** Copies the Python snippet for the frame shown. */
  'snippet/copy': { params: { frame: number }; result: { text: string } };
}

export type VideoHostMethodMap = { [M in keyof VideoHostMethods]: VideoHostMethods[M] };

/** Host → webview requests (the host's commands act on the panel through these). */
export interface VideoWebviewMethods {
  /** The shown frame with its overlay, as PNG bytes. */
  'frame/png': { params: Record<string, never>; result: { png: ArrayBuffer; frame: number } };
}

export type VideoWebviewMethodMap = { [M in keyof VideoWebviewMethods]: VideoWebviewMethods[M] };

/** Host → webview notifications. */
export type VideoHostEvent =
  /** A pose source was attached (or replaced); the webview asks for its frames. */
  | { type: 'pose'; pose: PoseInfo | undefined }
  /** Show this frame (a command asked). */
  | { type: 'seek'; frame: number };

/** Webview → host notifications. */
export type VideoWebviewEvent =
  /** The canvas shows `frame` (the picture, or a blank frame when the codec cannot be decoded). */
  | {
      type: 'shown';
      frame: number;
      decoded: boolean;
      ms: number;
      /** The message shown above the picture (why it cannot be decoded), when there is one. */
      message?: string;
    }
  | { type: 'error'; message: string };
