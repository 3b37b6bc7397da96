/**
 * How positions are drawn, decided from what they are. Keypoints in video pixels (ndx-pose,
 * DeepLabCut, SLEAP) are image coordinates: y grows downward from the frame's top-left corner, as
 * on the video. Positions in metres (an animal in an arena, SpatialSeries) keep y up. The frame
 * size comes from the PoseEstimation's `dimensions` when it states one.
 */
import type { TrajectorySet } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath } from './reader';

const PIXEL_UNIT = /^\s*(pixels?|px)\s*$/i;
/** Units that say nothing (ndx-pose series written without a unit). */
const NO_UNIT = /^\s*(|unknown|none|n\/a|no unit|arbitrary|a\.?u\.?)\s*$/i;

type Coordinates = Pick<TrajectorySet, 'coordinates' | 'frame'>;

/**
 * `image` when every series is in pixels, or is an ndx-pose keypoint series without a unit (pose
 * estimators work in the video's pixels); `arena` otherwise.
 */
export async function positionCoordinates(
  nwb: NwbFile,
  path: string,
  series: readonly { path: string; unit: string }[],
): Promise<Coordinates> {
  let image = series.length > 0;
  for (const s of series) {
    if (PIXEL_UNIT.test(s.unit)) continue;
    if (NO_UNIT.test(s.unit) && (await nwb.isA(s.path, 'PoseEstimationSeries'))) continue;
    image = false;
  }
  if (!image) return { coordinates: 'arena' };
  const frame = await frameSize(nwb, path);
  return frame ? { coordinates: 'image', frame } : { coordinates: 'image' };
}

/** The PoseEstimation holding `path` (itself or its parent), if any. */
async function poseEstimationOf(nwb: NwbFile, path: string): Promise<string | undefined> {
  if (await nwb.isA(path, 'PoseEstimation')) return path;
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  return parent !== path && (await nwb.isA(parent, 'PoseEstimation')) ? parent : undefined;
}

/** The first video size the PoseEstimation's `dimensions` (videos × [width, height]) states. */
async function frameSize(nwb: NwbFile, path: string): Promise<Coordinates['frame']> {
  const pose = await poseEstimationOf(nwb, path);
  if (!pose) return undefined;
  const dims = joinPath(pose, 'dimensions');
  if ((await nwb.reader.entry(dims))?.kind !== 'dataset') return undefined;
  const flat = await nwb.reader.readNumbers(dims, undefined, { maxElements: 10_000 });
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [width, height] = [flat[i], flat[i + 1]];
    // DLC2NWB writes [[0, 0]] when it does not know the video: no frame then.
    if (Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)
      return { width, height, source: `${pose.split('/').pop() ?? pose}/dimensions` };
  }
  return undefined;
}
