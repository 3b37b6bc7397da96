/**
 * Pairing pose files with videos over a listing of sibling files (a local folder or a Dandiset),
 * strongest evidence first: the paths the NWB file itself names (`external_file`, then
 * `original_videos`, relative to the NWB file), IBL's session layout (videos in the session's
 * `..._ecephys+image/` folder named `..._Video<Camera>.mp4`, pose in `..._desc-processed_behavior+ecephys.nwb`
 * under `processing/pose_estimation/<Camera>`), same-stem names (SLEAP's `<video>.predictions.slp`,
 * DeepLabCut's `<video>DLC_...`), then equal frame counts.
 */
import { isVideoPath, posixBasename, posixDirname, resolveRelative, stem } from './paths';
import type { Candidate, MatchReason, SiblingFile, SiblingListing } from './types';

const RANK: Record<MatchReason, number> = {
  'external-file': 0,
  'original-video': 1,
  'ibl-session': 2,
  'same-stem': 3,
  'frame-count': 4,
};

/** `sub-X_ses-Y` of an IBL/BIDS-style asset name, when it has one. */
function sessionOf(name: string): string | undefined {
  return /^(sub-[^_/]+_ses-[^_/]+)_/.exec(posixBasename(name))?.[1];
}

/** The camera of an IBL video name: `..._VideoLeftCamera.mp4` → `LeftCamera`. */
function cameraOfVideo(name: string): string | undefined {
  return /_Video([A-Za-z0-9]+)\.[a-z0-9]+$/i.exec(posixBasename(name))?.[1];
}

export interface PoseFileFacts {
  /** The pose file in the listing. */
  file: SiblingFile;
  /** ImageSeries `external_file` entries of the NWB file. */
  externalFiles?: string[];
  /** `original_videos` of its PoseEstimation groups, and SLEAP's recorded video paths. */
  originalVideos?: string[];
  /** PoseEstimation names/cameras (IBL names them after the camera: `LeftCamera`). */
  cameras?: string[];
  /** Pose samples or last labelled frame + 1, to compare with the videos' frame counts. */
  frameCount?: number;
}

export interface FindOptions {
  /** A video's frame count (reads its index); only asked when nothing stronger matched. */
  videoFrames?: (file: SiblingFile, signal?: AbortSignal) => Promise<number | undefined>;
  signal?: AbortSignal;
}

/** Candidate videos for a pose file, best first, each with why. */
export async function findVideosForPose(
  facts: PoseFileFacts,
  listing: SiblingListing,
  options: FindOptions = {},
): Promise<Candidate[]> {
  const { signal } = options;
  const folder = posixDirname(facts.file.path);
  const byPath = new Map<string, SiblingFile>();
  const listed = new Set<string>();
  const listFolder = async (f: string) => {
    if (listed.has(f)) return [];
    listed.add(f);
    const { files, folders } = await listing.list(f, signal);
    for (const file of files) byPath.set(file.path, file);
    return folders;
  };
  const subfolders = await listFolder(folder);
  const found: Candidate[] = [];
  const add = (file: SiblingFile | undefined, reason: MatchReason, detail: string, posePath?: string) => {
    if (file && isVideoPath(file.path))
      found.push({ file, reason, detail, ...(posePath ? { posePath } : {}) });
  };
  const named = async (paths: string[] | undefined, reason: MatchReason, what: string) => {
    for (const p of paths ?? []) {
      const rel = resolveRelative(folder, p);
      if (rel !== undefined) {
        await listFolder(posixDirname(rel));
        add(byPath.get(rel), reason, `${what} names ${p}`);
      }
      // Tools record the path on the machine that ran them; the same name beside the file still counts.
      const sameName = byPath.get(folder ? `${folder}/${posixBasename(p)}` : posixBasename(p));
      if (sameName && sameName.path !== rel)
        add(sameName, reason, `${what} names ${p} (matched by file name)`);
    }
  };
  await named(facts.externalFiles, 'external-file', 'external_file');
  await named(facts.originalVideos, 'original-video', 'original_videos');

  const session = sessionOf(facts.file.path);
  if (session) {
    for (const sub of subfolders.filter(
      f => posixBasename(f).startsWith(session) && /image/.test(posixBasename(f)),
    ))
      await listFolder(sub);
    for (const file of byPath.values()) {
      const camera = cameraOfVideo(file.path);
      if (!camera || sessionOf(file.path) !== session) continue;
      const matches = (facts.cameras ?? []).filter(c => c.toLowerCase() === camera.toLowerCase());
      if (matches.length) add(file, 'ibl-session', `same session ${session}, camera ${camera}`);
    }
  }

  const poseName = posixBasename(facts.file.path);
  for (const file of byPath.values()) {
    if (posixDirname(file.path) !== folder || !isVideoPath(file.path)) continue;
    const name = posixBasename(file.path);
    const s = stem(file.path);
    if (poseName.startsWith(`${name}.`) || new RegExp(`^${escape(s)}(\\.|_|DLC)`).test(poseName))
      add(file, 'same-stem', `${poseName} is named after ${name}`);
  }

  if (!found.length && facts.frameCount !== undefined && options.videoFrames) {
    for (const file of byPath.values()) {
      if (posixDirname(file.path) !== folder || !isVideoPath(file.path)) continue;
      const frames = await options.videoFrames(file, signal);
      if (frames === facts.frameCount) add(file, 'frame-count', `${frames} frames, as many as the pose has`);
    }
  }
  return ranked(found);
}

export interface VideoFileFacts {
  file: SiblingFile;
  frames?: number;
}

export interface PoseInspection {
  externalFiles: string[];
  originalVideos: string[];
  /** PoseEstimation path → its name and cameras. */
  poses: Array<{ path: string; cameras: string[] }>;
  frameCount?: number;
}

export interface FindPoseOptions {
  /** Reads an NWB or .slp file's facts; without it, files are matched by name alone. */
  inspect?: (file: SiblingFile, signal?: AbortSignal) => Promise<PoseInspection | undefined>;
  signal?: AbortSignal;
}

const isPoseFile = (path: string) => /\.(nwb|slp)$/i.test(path);

/** Candidate pose files (NWB, .slp) for a video: its folder and, for IBL, the session's folder above. */
export async function findPoseForVideo(
  video: VideoFileFacts,
  listing: SiblingListing,
  options: FindPoseOptions = {},
): Promise<Candidate[]> {
  const { signal } = options;
  const folder = posixDirname(video.file.path);
  const files = (await listing.list(folder, signal)).files.filter(f => isPoseFile(f.path));
  const camera = cameraOfVideo(video.file.path);
  const session = sessionOf(video.file.path);
  if (folder && session && posixBasename(folder).startsWith(session)) {
    const parent = (await listing.list(posixDirname(folder), signal)).files;
    files.push(...parent.filter(f => isPoseFile(f.path) && sessionOf(f.path) === session));
  }
  const found: Candidate[] = [];
  const videoName = posixBasename(video.file.path);
  const videoStem = stem(video.file.path);
  for (const file of files) {
    signal?.throwIfAborted();
    const name = posixBasename(file.path);
    const facts = options.inspect ? await options.inspect(file, signal).catch(() => undefined) : undefined;
    const base = posixDirname(file.path);
    const names = (list: string[]) =>
      list.some(p => resolveRelative(base, p) === video.file.path || posixBasename(p) === videoName);
    if (facts && names(facts.externalFiles)) {
      found.push({ file, reason: 'external-file', detail: `its external_file names ${videoName}` });
      continue;
    }
    if (facts && names(facts.originalVideos)) {
      found.push({ file, reason: 'original-video', detail: `its original_videos names ${videoName}` });
      continue;
    }
    if (camera && session && sessionOf(name) === session && /behavior/i.test(name)) {
      const pose = facts?.poses.find(p => p.path.split('/').pop()?.toLowerCase() === camera.toLowerCase());
      if (!facts || pose) {
        const posePath = pose?.path ?? `/processing/pose_estimation/${camera}`;
        found.push({
          file,
          reason: 'ibl-session',
          detail: `same session ${session}, camera ${camera}`,
          posePath,
        });
        continue;
      }
    }
    if (name.startsWith(`${videoName}.`) || new RegExp(`^${escape(videoStem)}(\\.|_|DLC)`).test(name)) {
      found.push({ file, reason: 'same-stem', detail: `${name} is named after ${videoName}` });
      continue;
    }
    if (facts?.frameCount !== undefined && facts.frameCount === video.frames)
      found.push({ file, reason: 'frame-count', detail: `${video.frames} frames, as many as the video has` });
  }
  return ranked(found);
}

/** Strongest reason first; a file appears once, with its strongest reason. */
function ranked(found: Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of found) {
    const key = `${c.file.path}\0${c.posePath ?? ''}`;
    const had = best.get(key);
    if (!had || RANK[c.reason] < RANK[had.reason]) best.set(key, c);
  }
  return [...best.values()].sort(
    (a, b) => RANK[a.reason] - RANK[b.reason] || a.file.path.localeCompare(b.file.path),
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
