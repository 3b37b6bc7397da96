/**
 * The pose readers (src/pose) wired to VS Code for the video viewer: the pose files of a video's
 * session (a local folder, or the Dandiset the asset belongs to), the videos of a pose file, and
 * opening a pose file paired with the video shown. The camera clock comes from the pose file when
 * it has the video's ImageSeries, else from the session's NWB file whose `external_file` names the
 * video (IBL keeps it in the raw file, the pose in the processed one).
 */
import { dirname, posix, relative } from 'node:path';
import * as vscode from 'vscode';
import { ASSET_URI_SCHEME } from '../dandi/assetUri';
import { openHdf5 } from '../hdf5/engine';
import { assetSourceSpec } from '../hdf5/sources/dandi';
import type { Hdf5File, SourceSpec } from '../hdf5/types';
import type { CameraClock } from '../pose/camera';
import { findPoseForVideo, findVideosForPose, type PoseInspection } from '../pose/findVideo';
import { dandisetListing, localListing } from '../pose/listing';
import { inspectPoseFile, openPose, readCameraClock } from '../pose/open';
import type { PoseSource, SiblingFile, SiblingListing } from '../pose/types';
import type { ExtensionServices } from '../services';
import type { VideoIndex } from '../video/types';
import { assetRefOfUri } from './assetUriOf';
import type { PoseCandidate, PoseProvider } from './videoEditorProvider';

const MiB = 1024 * 1024;

/** A file in a listing: where it sits (relative path) and the listing of its surroundings. */
interface Placed {
  listing: SiblingListing;
  file: SiblingFile;
}

export class VideoPoseProvider implements PoseProvider {
  constructor(private readonly _services: ExtensionServices) {}

  async candidates(video: vscode.Uri, signal?: AbortSignal): Promise<PoseCandidate[]> {
    const placed = this._place(video);
    if (!placed) return [];
    const found = await findPoseForVideo({ file: placed.file }, placed.listing, {
      inspect: (file, s) => this._inspect(file, s),
      signal,
    });
    return found.map(c => {
      const candidate: PoseCandidate = {
        uri: vscode.Uri.parse(c.file.uri, true),
        label: posix.basename(c.file.path),
        detail: c.detail,
      };
      if (c.posePath) candidate.path = c.posePath;
      return candidate;
    });
  }

  /** Videos a pose file belongs to, best first (for `dandi.openVideo` without a video). */
  async videosFor(pose: vscode.Uri, _path: string | undefined): Promise<vscode.Uri[]> {
    const placed = this._place(pose);
    if (!placed) return [];
    const facts = await this._inspect(placed.file);
    const found = await findVideosForPose(
      {
        file: placed.file,
        externalFiles: facts?.externalFiles,
        originalVideos: facts?.originalVideos,
        cameras: facts?.poses.flatMap(p => p.cameras),
        frameCount: facts?.frameCount,
      },
      placed.listing,
    );
    return found.map(c => vscode.Uri.parse(c.file.uri, true));
  }

  async open(
    uri: vscode.Uri,
    path: string | undefined,
    video: { uri: vscode.Uri; index: VideoIndex },
    signal?: AbortSignal,
  ): Promise<PoseSource> {
    const h5 = await this._openH5(uri, signal);
    try {
      const videoName = relativeName(uri, video.uri);
      const own = await readCameraClock(h5, videoName, signal).catch(() => undefined);
      const sibling = own ? undefined : await this._siblingClock(video.uri, signal);
      const camera = own ?? sibling?.clock;
      const { frames, fps, width, height } = video.index;
      const pose = await openPose(h5, {
        path,
        video: { frames, fps, width, height },
        videoName,
        camera,
        signal,
      });
      // For people: the file's name (a remote file's label is its download URL) and the group.
      const group = /\s(\/\S+)$/.exec(pose.label)?.[1];
      // Both files are on the session's clock: a cursor in either one's viewer moves the video.
      const sessionFiles = [uri.toString(), ...(sibling ? [sibling.uri.toString()] : [])];
      return {
        ...pose,
        label: group ? `${posix.basename(uri.path)} ${group}` : posix.basename(uri.path),
        sessionFiles,
      };
    } catch (e) {
      await h5.close().catch(() => undefined);
      throw e;
    }
  }

  /** The camera clock of the session's NWB file whose `external_file` names the video, and that file. */
  private async _siblingClock(
    video: vscode.Uri,
    signal?: AbortSignal,
  ): Promise<{ clock: CameraClock; uri: vscode.Uri } | undefined> {
    const placed = this._place(video);
    if (!placed) return undefined;
    const found = await findPoseForVideo({ file: placed.file }, placed.listing, {
      inspect: (file, s) => this._inspect(file, s),
      signal,
    }).catch(() => []);
    for (const candidate of found.filter(c => c.reason === 'external-file')) {
      const uri = vscode.Uri.parse(candidate.file.uri, true);
      const h5 = await this._openH5(uri, signal);
      try {
        const clock = await readCameraClock(h5, relativeName(uri, video), signal);
        if (clock) return { clock, uri };
      } finally {
        await h5.close().catch(() => undefined);
      }
    }
    return undefined;
  }

  private async _inspect(file: SiblingFile, signal?: AbortSignal): Promise<PoseInspection | undefined> {
    const h5 = await this._openH5(vscode.Uri.parse(file.uri, true), signal);
    try {
      return await inspectPoseFile(h5, signal);
    } finally {
      await h5.close().catch(() => undefined);
    }
  }

  /** The listing around `uri`: its Dandiset, or the workspace folder (else the folder two up) holding it. */
  private _place(uri: vscode.Uri): Placed | undefined {
    if (uri.scheme === ASSET_URI_SCHEME) {
      const ref = assetRefOfUri(uri);
      const client = this._services.client();
      if (client.apiUrl !== ref.apiUrl.replace(/\/+$/, '')) return undefined;
      return {
        listing: dandisetListing(client, ref.dandisetId, ref.version),
        file: { path: ref.path, uri: uri.toString() },
      };
    }
    if (uri.scheme !== 'file') return undefined;
    const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(dirname(uri.fsPath));
    const path = relative(root, uri.fsPath).split(/[\\/]/).join('/');
    return { listing: localListing(root), file: { path, uri: uri.toString() } };
  }

  private async _openH5(uri: vscode.Uri, signal?: AbortSignal): Promise<Hdf5File> {
    let spec: SourceSpec;
    if (uri.scheme === ASSET_URI_SCHEME) {
      const ref = assetRefOfUri(uri);
      spec = assetSourceSpec(ref, await this._services.apiKey(ref.apiUrl));
    } else if (uri.scheme === 'file') spec = { kind: 'local', path: uri.fsPath };
    else throw new Error(`cannot read pose from ${uri.scheme}: files`);
    const extension = this._services.context.extensionUri;
    return openHdf5(spec, {
      cacheBytes: 64 * MiB,
      workerPath: vscode.Uri.joinPath(extension, 'dist', 'hdf5Worker.js').fsPath,
      signal,
    });
  }
}

/** `video`'s path relative to the folder of `from` (`/`-separated), as NWB files name videos. */
function relativeName(from: vscode.Uri, video: vscode.Uri): string {
  if (from.scheme === ASSET_URI_SCHEME && video.scheme === ASSET_URI_SCHEME)
    return posix.relative(posix.dirname(assetRefOfUri(from).path), assetRefOfUri(video).path);
  if (from.scheme === 'file' && video.scheme === 'file')
    return relative(dirname(from.fsPath), video.fsPath).split(/[\\/]/).join('/');
  return posix.basename(video.path);
}
