/**
 * Camera `ImageSeries` with `external_file`: the video files an NWB file names, and the per-frame
 * timestamps of the one that names a given video (IBL writes one per camera, on the session clock,
 * next to the MP4 it copies unchanged).
 */
import type { NwbFile } from '../nwb/nwbFile';
import { joinPath, toNumber, valueToStrings } from '../nwb/reader';
import { posixBasename } from './paths';

export interface ExternalVideo {
  /** The ImageSeries path. */
  seriesPath: string;
  /** As written, usually relative to the NWB file. */
  file: string;
  /** Index of this file's first frame in the series' timestamps (`starting_frame`). */
  startingFrame: number;
}

export interface CameraClock {
  seriesPath: string;
  startingFrame: number;
  /** Per-frame times of the whole series (all its files); undefined when it has starting_time + rate. */
  timestamps: Float64Array | undefined;
  rate: number | undefined;
}

/** Every ImageSeries `external_file` entry in acquisition, stimulus presentation and the processing modules. */
export async function externalVideos(nwb: NwbFile, signal?: AbortSignal): Promise<ExternalVideo[]> {
  const r = nwb.reader;
  const out: ExternalVideo[] = [];
  const visit = async (path: string, depth: number): Promise<void> => {
    if (!(await r.exists(path))) return;
    for (const child of await r.list(path)) {
      signal?.throwIfAborted();
      if (child.kind !== 'group') continue;
      const filePath = joinPath(child.path, 'external_file');
      if (child.neurodataType && (await nwb.isA(child.path, 'ImageSeries'))) {
        if ((await r.entry(filePath))?.kind !== 'dataset') continue;
        const files = valueToStrings(await r.scalar(filePath));
        const starts = valueToStrings(await r.attr(filePath, 'starting_frame')).map(s => toNumber(s) ?? 0);
        files.forEach((file, i) => out.push({ seriesPath: child.path, file, startingFrame: starts[i] ?? 0 }));
      } else if (depth > 0) await visit(child.path, depth - 1);
    }
  };
  await visit('/acquisition', 0);
  await visit('/stimulus/presentation', 0);
  // Modules hold series directly or in containers (ndx-pose's PoseTraining/source_videos).
  await visit('/processing', 3);
  return out;
}

/**
 * The clock of the camera that recorded `video` (a path relative to the NWB file's folder, or just a
 * file name): the ImageSeries whose `external_file` names it, by relative path first, then by name.
 */
export async function cameraClockFor(
  nwb: NwbFile,
  video: string,
  signal?: AbortSignal,
): Promise<CameraClock | undefined> {
  const all = await externalVideos(nwb, signal);
  const norm = (p: string) => p.replace(/^\.\//, '');
  const match =
    all.find(v => norm(v.file) === norm(video)) ??
    all.find(v => posixBasename(v.file) === posixBasename(video));
  if (!match) return undefined;
  const r = nwb.reader;
  const tsPath = joinPath(match.seriesPath, 'timestamps');
  const ts = await r.entry(tsPath);
  let timestamps: Float64Array | undefined;
  let rate: number | undefined;
  if (ts?.kind === 'dataset') timestamps = await r.readNumbers(ts.path, undefined, { signal });
  else rate = await r.attrNumber(joinPath(match.seriesPath, 'starting_time'), 'rate');
  return { seriesPath: match.seriesPath, startingFrame: match.startingFrame, timestamps, rate };
}
