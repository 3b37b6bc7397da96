/**
 * One entry point for the video viewer: open any pose file (NWB with ndx-pose, or SLEAP `.slp`)
 * over an open HDF5 file, paired with the video being shown, and the facts the video/pose matching
 * needs from a pose file. The returned source owns the HDF5 file: `close()` closes it.
 */
import type { Hdf5File } from '../hdf5/types';
import { NwbFile, type NwbLimits } from '../nwb/nwbFile';
import { cameraClockFor, externalVideos, type CameraClock } from './camera';
import type { PoseInspection } from './findVideo';
import { findPoseEstimations, readPoseEstimation } from './ndxPose';
import { openNwbPose } from './nwbPoseSource';
import { posixBasename } from './paths';
import { openSlp } from './slp';
import type { PoseSource, VideoTiming } from './types';

export interface OpenPoseOptions {
  /** NWB: the PoseEstimation to show; by default the one named after the video's camera, else the first. */
  path?: string;
  /** The video the pose is drawn on (frame count, rate, size). */
  video: VideoTiming;
  /** The video's file name or path relative to the pose file: finds the camera's timestamps and name. */
  videoName?: string;
  /**
   * The camera's timestamps when another file holds them (IBL: the raw NWB file's ImageSeries,
   * read with {@link readCameraClock}); otherwise the pose file's own ImageSeries naming the video.
   */
  camera?: CameraClock;
  limits?: NwbLimits;
  signal?: AbortSignal;
}

async function isSlp(h5: Hdf5File): Promise<boolean> {
  const attrs = await h5.attributes('/metadata').catch(() => []);
  return attrs.some(a => a.name === 'format_id') && attrs.some(a => a.name === 'json');
}

export async function openPose(h5: Hdf5File, options: OpenPoseOptions): Promise<PoseSource> {
  const { video, signal } = options;
  if (await isSlp(h5)) {
    const labels = await openSlp(h5, signal);
    const source = labels.source(0);
    const span = labels.frameSpan[0] ?? 0;
    const warnings = [...source.warnings];
    if (span > video.frames)
      warnings.push(
        `${h5.info.label} labels frames up to ${span - 1}; the video has ${video.frames} frames.`,
      );
    return { ...source, warnings, close: () => labels.close() };
  }
  const nwb = new NwbFile(h5, options.limits);
  const poses = await findPoseEstimations(nwb, signal);
  if (!poses.length)
    throw new Error(`${h5.info.label} holds no ndx-pose PoseEstimation and is not a SLEAP file`);
  const camera = options.videoName
    ? /_Video([A-Za-z0-9]+)\./.exec(posixBasename(options.videoName))?.[1]
    : undefined;
  const path =
    options.path ??
    poses.find(p => camera !== undefined && posixBasename(p).toLowerCase() === camera.toLowerCase()) ??
    poses[0];
  const info = await readPoseEstimation(nwb, path);
  const clock =
    options.camera ?? (options.videoName ? await cameraClockFor(nwb, options.videoName, signal) : undefined);
  const timing: VideoTiming = clock?.timestamps
    ? { ...video, cameraTimestamps: clock.timestamps, startingFrame: clock.startingFrame }
    : video;
  const source = await openNwbPose(nwb, info, timing, signal);
  return { ...source, close: () => h5.close() };
}

/** What matching needs from a pose file: the videos it names, its PoseEstimations, its frame count. */
export async function inspectPoseFile(h5: Hdf5File, signal?: AbortSignal): Promise<PoseInspection> {
  if (await isSlp(h5)) {
    const labels = await openSlp(h5, signal);
    // Predictions on every frame give the video's frame count; sparse user labels do not.
    const full = labels.labeledFrames[0] !== undefined && labels.labeledFrames[0] === labels.frameSpan[0];
    return {
      externalFiles: [],
      originalVideos: labels.videos,
      poses: [],
      frameCount: full ? labels.frameSpan[0] : undefined,
    };
  }
  const nwb = new NwbFile(h5);
  const external = await externalVideos(nwb, signal);
  const poses: PoseInspection['poses'] = [];
  const originalVideos: string[] = [];
  let frameCount: number | undefined;
  for (const path of await findPoseEstimations(nwb, signal)) {
    const info = await readPoseEstimation(nwb, path);
    poses.push({ path, cameras: [info.name, ...info.cameras] });
    originalVideos.push(...info.originalVideos);
    const first = info.seriesPaths[0];
    if (first && frameCount === undefined) {
      const data = await nwb.reader.entry(`${first}/data`);
      frameCount = data?.shape?.[0];
    }
  }
  return { externalFiles: external.map(e => e.file), originalVideos, poses, frameCount };
}

/** The clock of the camera whose ImageSeries names `videoName` in this NWB file (undefined when none does). */
export function readCameraClock(
  h5: Hdf5File,
  videoName: string,
  signal?: AbortSignal,
): Promise<CameraClock | undefined> {
  return cameraClockFor(new NwbFile(h5), videoName, signal);
}
