/**
 * Pose coordinates → the video canvas's pixels, and the colour of each keypoint. Free of the DOM
 * (the host's unit tests run it).
 */
export interface Size {
  width: number;
  height: number;
}

/** Scale from the pose file's pixels to the video's: 1 unless the file names a different image size. */
export function poseScale(poseDims: Size | undefined, video: Size): { sx: number; sy: number } {
  if (!poseDims || poseDims.width <= 0 || poseDims.height <= 0) return { sx: 1, sy: 1 };
  return { sx: video.width / poseDims.width, sy: video.height / poseDims.height };
}

/** Colour-blind-safe palette (Okabe–Ito, then Tol's bright) for keypoints and tracks. */
export const PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#EE6677',
  '#228833',
  '#CCBB44',
  '#66CCEE',
  '#AA3377',
];

/**
 * How keypoints are coloured: by node when there is one animal (the legend names body parts),
 * by track when there are several (the legend names animals).
 */
export function colourKey(tracks: ReadonlyArray<string | undefined>): 'node' | 'track' {
  return new Set(tracks).size > 1 ? 'track' : 'node';
}

/** Whether a keypoint is drawn: it exists and its confidence (when known) reaches the threshold. */
export function visible(x: number, y: number, confidence: number | undefined, threshold: number): boolean {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return confidence === undefined || Number.isNaN(confidence) || confidence >= threshold;
}
