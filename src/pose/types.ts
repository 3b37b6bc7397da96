/**
 * The contract between pose readers (src/pose/: ndx-pose in NWB, SLEAP `.slp`) and the video
 * viewer. Plain Node, no `vscode`. Coordinates are in the pose file's pixels (x right, y down from
 * the top-left of the image), NaN where a keypoint is missing.
 */

export interface PoseSkeleton {
  /** Keypoint (node) names, in the order of every instance's arrays. */
  nodes: string[];
  /** Pairs of node indices. */
  edges: Array<[number, number]>;
}

export interface PoseInstance {
  /** Track or animal name (SLEAP tracks, ndx-pose 0.2 subjects); undefined when there is one. */
  track: string | undefined;
  x: Float32Array;
  y: Float32Array;
  /** Per-keypoint confidence 0..1 (or the tool's score); undefined when the file has none. */
  confidence: Float32Array | undefined;
}

export interface PoseFrame {
  /** Video frame index (presentation order). */
  frame: number;
  instances: PoseInstance[];
}

export interface PoseSource {
  /** For people: the file and, for NWB, the PoseEstimation path. */
  label: string;
  skeleton: PoseSkeleton;
  /** Image size the pose file says it was computed on, when it says so (DLC writes [[0,0]] = unknown). */
  dimensions: { width: number; height: number } | undefined;
  /** Video paths the file names (`original_videos`, `external_file`, SLEAP's video path). */
  videoHints: string[];
  /** Things the user should know (frame count and timestamps disagree, origin bottom-left claimed...). */
  warnings: string[];
  /** Pose at the given video frames (inclusive range), one entry per frame that has any. */
  framesBetween(first: number, last: number, signal?: AbortSignal): Promise<PoseFrame[]>;
  close(): Promise<void>;
}
