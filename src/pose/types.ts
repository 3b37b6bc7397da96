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
  /**
   * Each video frame's time on the NWB session clock (s), NaN where unknown; absent when the pose
   * puts the frames on no session clock (SLEAP files, NWB stamps that are frame indices).
   */
  frameTimes?: Float64Array;
  /** URIs of the NWB files whose session clock `frameTimes` are on (set by whoever opened the files). */
  sessionFiles?: string[];
  /** Pose at the given video frames (inclusive range), one entry per frame that has any. */
  framesBetween(first: number, last: number, signal?: AbortSignal): Promise<PoseFrame[]>;
  close(): Promise<void>;
}

/**
 * What the pose readers need to know about the video they are paired with, to turn its frames into
 * times. `cameraTimestamps` are the camera `ImageSeries`' timestamps (session clock) when the NWB
 * file has them; frame N's time is then `cameraTimestamps[startingFrame + N]`.
 */
export interface VideoTiming {
  frames: number;
  fps: number;
  width?: number;
  height?: number;
  cameraTimestamps?: Float64Array;
  /** The ImageSeries' `starting_frame` for this video file (several files share one timestamps array). */
  startingFrame?: number;
}

/** One ndx-pose `PoseEstimation` group, as read before pairing it with a video. */
export interface PoseEstimationInfo {
  /** Absolute HDF5 path, e.g. `/processing/pose_estimation/LeftCamera`. */
  path: string;
  /** The group's name; IBL names it after the camera. */
  name: string;
  /** `PoseEstimationSeries` children, ordered like the skeleton's nodes when there is one. */
  seriesPaths: string[];
  skeleton: PoseSkeleton;
  /** Where the skeleton came from: `nodes` datasets (0.1), a linked `Skeleton` (0.2+), or the series names. */
  skeletonSource: 'nodes' | 'skeleton' | 'series';
  originalVideos: string[];
  labeledVideos: string[];
  /** One entry per video; undefined where the file says [0, 0] (unknown). */
  dimensions: Array<{ width: number; height: number } | undefined>;
  /** Device (camera) names linked from the group (ndx-pose 0.2 `devices`, or links to Device objects). */
  cameras: string[];
  sourceSoftware: string | undefined;
  sourceSoftwareVersion: string | undefined;
  scorer: string | undefined;
  /** The series' `reference_frame` text (the first one given). */
  referenceFrame: string | undefined;
}

/** A file next to the pose or video file: in a local folder or a Dandiset. */
export interface SiblingFile {
  /** Path relative to the listing's root, `/`-separated (a Dandiset asset path, or relative to the folder). */
  path: string;
  size?: number;
  /** Where to open it: a `file:` URI or a `dandi-asset:` URI, for the caller to use as it is. */
  uri: string;
}

/** The files around a pose or video file, listed lazily by folder. */
export interface SiblingListing {
  /** Files directly in `folder` (`''` for the root), no subfolders; folders as `{ folders }`. */
  list(folder: string, signal?: AbortSignal): Promise<{ files: SiblingFile[]; folders: string[] }>;
}

/** Why a file was offered, strongest first. */
export type MatchReason = 'external-file' | 'original-video' | 'ibl-session' | 'same-stem' | 'frame-count';

export interface Candidate {
  file: SiblingFile;
  reason: MatchReason;
  /** For people: "original_videos names it", "IBL session folder, camera LeftCamera"... */
  detail: string;
  /** For pose candidates from NWB files: the PoseEstimation path that matched, when known. */
  posePath?: string;
}
