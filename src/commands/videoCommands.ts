/**
 * The video viewer feature: the custom editor and its commands — open a video (optionally at a
 * frame, with a pose file attached: the NWB viewer's "Show on video"), "Show pose from…", export
 * the shown frame as PNG and copy a Python snippet that opens the same frame.
 */
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../constants';
import { externalFileUri } from '../editor/poseFiles';
import { saveBytes } from '../editor/saveFile';
import type { SessionClocks } from '../editor/sessionClock';
import type { VideoIndexer } from '../editor/videoDocument';
import { VideoEditorProvider, type PoseCandidate, type PoseProvider } from '../editor/videoEditorProvider';
import type { VideoPanel } from '../editor/videoPanel';
import type { ExtensionServices } from '../services';
import { plainText } from '../util/plainText';

export interface VideoFeature {
  provider: VideoEditorProvider;
}

/** What `dandi.openVideo` accepts besides the video (the NWB viewer's pose view sends it). */
export interface OpenVideoOptions {
  pose?: { uri: string; path?: string };
  frame?: number;
}

const VIDEO_FILTERS = { Videos: ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi'] };
const POSE_FILTERS = { 'Pose files': ['nwb', 'slp'] };

export function registerVideo(
  services: ExtensionServices,
  indexer: VideoIndexer,
  poses: PoseProvider,
  /** The NWB viewer's session clocks, which videos timed by a session's NWB file join. */
  clocks?: SessionClocks,
): VideoFeature {
  const context = services.context;
  const provider: VideoEditorProvider = new VideoEditorProvider(
    services,
    indexer,
    poses,
    (panel: VideoPanel): Promise<boolean> => choosePose(provider, panel),
    clocks,
  );
  context.subscriptions.push(provider);

  const activePanel = (): VideoPanel | undefined => {
    const panel = provider.activePanel;
    if (!panel) void vscode.window.showInformationMessage('Open a video in the DANDI video viewer first.');
    return panel;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(
      Commands.openVideo,
      async (videoUri?: unknown, options?: OpenVideoOptions): Promise<boolean> => {
        const poseUri = options?.pose ? vscode.Uri.parse(options.pose.uri, true) : undefined;
        let video = videoUri instanceof vscode.Uri ? videoUri : undefined;
        if (!video && poseUri) video = (await poses.videosFor(poseUri, options?.pose?.path))[0];
        video ??= await pickFile('Choose the video to show', VIDEO_FILTERS);
        if (!video) return false;
        const frame = Number.isInteger(options?.frame) ? options?.frame : undefined;
        const pose = poseUri ? { uri: poseUri, path: options?.pose?.path } : undefined;
        const open = provider.panelOf(video);
        if (open) {
          const index = open.document.index;
          if (pose && index)
            await open.document.attachPose(await poses.open(pose.uri, pose.path, { uri: video, index }));
          if (frame !== undefined) open.seek(frame);
          open.webviewPanel.reveal();
          return true;
        }
        provider.prepareOpen(video, { frame, pose });
        await vscode.commands.executeCommand('vscode.openWith', video, ViewTypes.videoViewer);
        return true;
      },
    ),
    // An ImageSeries' external_file, from the NWB viewer: the video beside the NWB file.
    vscode.commands.registerCommand(
      Commands.videoOpenExternalFile,
      async (nwb: unknown, name: unknown): Promise<boolean> => {
        if (!(nwb instanceof vscode.Uri) || typeof name !== 'string') return false;
        const video = await externalFileUri(services, nwb, name);
        if (!video) throw new Error(`${name} is not next to ${nwb.path.split('/').pop() ?? 'the NWB file'}`);
        return (await vscode.commands.executeCommand<boolean>(Commands.openVideo, video)) === true;
      },
    ),
    // A pose file (SLEAP .slp, or NWB with ndx-pose) opens on the video it belongs to.
    vscode.commands.registerCommand(Commands.videoOpenPoseFile, async (uri?: unknown): Promise<boolean> => {
      const pose = uri instanceof vscode.Uri ? uri : await pickFile('Choose a pose file', POSE_FILTERS);
      if (!pose) return false;
      const options: OpenVideoOptions = { pose: { uri: pose.toString() } };
      return (await vscode.commands.executeCommand<boolean>(Commands.openVideo, undefined, options)) === true;
    }),
    vscode.commands.registerCommand(Commands.videoShowPoseFrom, async (): Promise<boolean> => {
      const panel = activePanel();
      return panel ? choosePose(provider, panel) : false;
    }),
    vscode.commands.registerCommand(Commands.videoExportPng, async (): Promise<string | undefined> => {
      const panel = activePanel();
      if (!panel) return undefined;
      const { png, frame } = await panel.framePng();
      const stem = panel.document.fileName.replace(/\.[^.]+$/, '');
      return saveBytes(`${stem}_frame${frame}.png`, png);
    }),
    vscode.commands.registerCommand(
      Commands.videoCopyPythonSnippet,
      async (): Promise<string | undefined> => {
        const panel = activePanel();
        if (!panel) return undefined;
        const code = panel.pythonSnippet();
        await vscode.env.clipboard.writeText(code);
        void vscode.window.setStatusBarMessage('Python snippet copied', 3000);
        return code;
      },
    ),
  );
  return { provider };
}

/** "Show pose from…": the session's pose files first, then a file picker. */
async function choosePose(provider: VideoEditorProvider, panel: VideoPanel): Promise<boolean> {
  let candidates: PoseCandidate[] = [];
  try {
    candidates = await provider.poses.candidates(panel.document.uri);
  } catch (e) {
    void vscode.window.showWarningMessage(
      plainText(`Could not list the session's pose files: ${message(e)}`),
    );
  }
  const browse = { label: '$(folder-opened) Choose a file…', candidate: undefined };
  const picked = await vscode.window.showQuickPick(
    [...candidates.map(c => ({ label: c.label, detail: c.detail, candidate: c })), browse],
    { title: `Show pose on ${panel.document.fileName}`, placeHolder: 'NWB (ndx-pose) or SLEAP .slp files' },
  );
  if (!picked) return false;
  const chosen = picked.candidate ?? (await pickFile('Choose a pose file', POSE_FILTERS));
  if (!chosen) return false;
  const uri = chosen instanceof vscode.Uri ? chosen : chosen.uri;
  const path = chosen instanceof vscode.Uri ? undefined : chosen.path;
  const index = panel.document.index;
  if (!index) return false;
  try {
    await panel.document.attachPose(await provider.poses.open(uri, path, { uri: panel.document.uri, index }));
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(plainText(`Could not read pose from ${uri.path}: ${message(e)}`));
    return false;
  }
}

async function pickFile(title: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, filters, canSelectMany: false });
  return picked?.[0];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}
