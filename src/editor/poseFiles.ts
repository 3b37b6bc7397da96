/**
 * The pose readers (src/pose) over VS Code URIs, for the video viewer: the pose files of a video's
 * session, the videos of a pose file, and a pose file opened for one video with the camera's clock
 * (from the pose file itself, or from the session's NWB file whose ImageSeries names the video).
 * Local files are matched within the folder above the file's (IBL keeps videos in a sibling
 * folder); `dandi-asset:` URIs within their Dandiset version.
 */
import { dirname, posix, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { ASSET_URI_SCHEME } from '../dandi/assetUri';
import { DandiClient } from '../dandi/client';
import type { NwbBackend } from '../nwb/backend';
import { findPoseForVideo, findVideosForPose } from '../pose/findVideo';
import { dandisetListing, localListing } from '../pose/listing';
import { inspectPoseFile, openPose, readCameraClock } from '../pose/open';
import type { Candidate, PoseSource, SiblingFile, SiblingListing, VideoTiming } from '../pose/types';
import type { ExtensionServices } from '../services';
import { assetRefOfUri } from './assetUriOf';
import { NwbDocument } from './nwbDocument';

interface Located {
  listing: SiblingListing;
  file: SiblingFile;
}

/** The listing around `uri` and the file's entry in it. */
async function locate(services: ExtensionServices, uri: vscode.Uri): Promise<Located> {
  if (uri.scheme === ASSET_URI_SCHEME) {
    const ref = assetRefOfUri(uri);
    const active = services.client();
    const client =
      active.apiUrl === ref.apiUrl.replace(/\/+$/, '')
        ? active
        : new DandiClient({
            instance: { name: new URL(ref.apiUrl).host, apiUrl: ref.apiUrl, webUrl: null },
            apiKey: await services.apiKey(ref.apiUrl),
          });
    return {
      listing: dandisetListing(client, ref.dandisetId, ref.version),
      file: { path: ref.path, size: ref.size, uri: uri.toString() },
    };
  }
  if (uri.scheme !== 'file') throw new Error(`cannot look for files next to a ${uri.scheme}: URI`);
  const root = dirname(dirname(uri.fsPath));
  return {
    listing: localListing(root),
    file: { path: relative(root, uri.fsPath).split(sep).join('/'), uri: uri.toString() },
  };
}

/** Opens an NWB or .slp file's HDF5 through the NWB viewer's sources (local or DANDI asset). */
async function openHdf5At(
  services: ExtensionServices,
  uri: vscode.Uri,
  signal?: AbortSignal,
): Promise<NwbBackend> {
  const doc = await NwbDocument.open(uri, services, signal);
  if (!doc.nwb) throw new Error(doc.error ?? `could not open ${uri.toString(true)}`);
  return doc.nwb.h5;
}

async function withHdf5<T>(
  services: ExtensionServices,
  uri: vscode.Uri,
  body: (h5: NwbBackend) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const h5 = await openHdf5At(services, uri, signal);
  try {
    return await body(h5);
  } finally {
    await h5.close().catch(() => undefined);
  }
}

const inspector = (services: ExtensionServices) => (file: SiblingFile, signal?: AbortSignal) =>
  withHdf5(services, vscode.Uri.parse(file.uri, true), h5 => inspectPoseFile(h5, signal), signal);

/**
 * The file an NWB file's `external_file` names (relative to the NWB file, as pynwb writes it), when
 * it is there: beside a local file, or an asset of the same Dandiset version.
 */
export async function externalFileUri(
  services: ExtensionServices,
  nwb: vscode.Uri,
  name: string,
  signal?: AbortSignal,
): Promise<vscode.Uri | undefined> {
  const { listing, file } = await locate(services, nwb);
  const target = posix.normalize(posix.join(posix.dirname(file.path), name.replace(/\\/g, '/')));
  if (target.startsWith('../') || posix.isAbsolute(target)) return undefined;
  const folder = posix.dirname(target);
  const { files } = await listing.list(folder === '.' ? '' : folder, signal);
  const hit = files.find(f => f.path === target);
  return hit ? vscode.Uri.parse(hit.uri, true) : undefined;
}

/** The pose files (NWB, .slp) of a video's session, best first. */
export async function poseCandidatesForVideo(
  services: ExtensionServices,
  video: vscode.Uri,
  frames: number | undefined,
  signal?: AbortSignal,
): Promise<Candidate[]> {
  const { listing, file } = await locate(services, video);
  return findPoseForVideo({ file, frames }, listing, { inspect: inspector(services), signal });
}

/** The videos a pose file (and, for NWB, one PoseEstimation) belongs to, best first. */
export async function videosForPoseFile(
  services: ExtensionServices,
  pose: vscode.Uri,
  path: string | undefined,
  signal?: AbortSignal,
): Promise<vscode.Uri[]> {
  const { listing, file } = await locate(services, pose);
  const facts = await inspector(services)(file, signal);
  const chosen = path ? facts.poses.filter(p => p.path === path) : facts.poses;
  const found = await findVideosForPose(
    { file, ...facts, cameras: chosen.flatMap(p => p.cameras) },
    listing,
    { signal },
  );
  return found.map(c => vscode.Uri.parse(c.file.uri, true));
}

/**
 * Opens `pose` for the video at `video` (its frame count, rate and size from the container index).
 * The camera's timestamps come from the session's NWB file whose ImageSeries names the video when
 * the pose file has none.
 */
export async function openPoseForVideo(
  services: ExtensionServices,
  pose: vscode.Uri,
  path: string | undefined,
  video: vscode.Uri,
  timing: VideoTiming,
  signal?: AbortSignal,
): Promise<PoseSource> {
  const relativeTo = (from: vscode.Uri) => videoNameFrom(from, video);
  const h5 = await openHdf5At(services, pose, signal);
  try {
    let camera = await readCameraClock(h5, relativeTo(pose), signal);
    if (!camera) {
      const namers = (await poseCandidatesForVideo(services, video, timing.frames, signal)).filter(
        c =>
          c.reason === 'external-file' && vscode.Uri.parse(c.file.uri, true).toString() !== pose.toString(),
      );
      for (const c of namers) {
        const namer = vscode.Uri.parse(c.file.uri, true);
        camera = await withHdf5(services, namer, other => readCameraClock(other, relativeTo(namer), signal));
        if (camera) break;
      }
    }
    return await openPose(h5, { path, video: timing, videoName: relativeTo(pose), camera, signal });
  } catch (e) {
    await h5.close().catch(() => undefined);
    throw e;
  }
}

/** The video's path as a file at `from` would name it: relative to its folder, else the file name. */
function videoNameFrom(from: vscode.Uri, video: vscode.Uri): string {
  if (from.scheme === 'file' && video.scheme === 'file')
    return relative(dirname(from.fsPath), video.fsPath).split(sep).join('/');
  if (from.scheme === ASSET_URI_SCHEME && video.scheme === ASSET_URI_SCHEME) {
    const [a, b] = [assetRefOfUri(from), assetRefOfUri(video)];
    if (a.dandisetId === b.dandisetId && a.version === b.version)
      return posix.relative(posix.dirname(a.path), b.path);
  }
  return posix.basename(video.path);
}
