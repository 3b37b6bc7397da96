/**
 * The read-only custom editor `dandi.videoViewer` (MP4, MOV, WebM, MKV, AVI; local files and
 * `dandi-asset:` URIs). Documents own the open video; each panel gets its own messenger. Tracks
 * what is open so commands and tests can reach the active panel.
 */
import * as vscode from 'vscode';
import { ViewTypes } from '../constants';
import type { PoseSource } from '../pose/types';
import type { ExtensionServices } from '../services';
import { plainText } from '../util/plainText';
import type { VideoIndex } from '../video/types';
import { abortOnCancel } from '../util/abortOnCancel';
import { Disposable } from '../util/disposable';
import type { SessionClocks } from './sessionClock';
import { VideoDocument, type VideoIndexer } from './videoDocument';
import { VideoPanel } from './videoPanel';
import type { WebviewChannel } from './viewerPanel';
import { showPage, webviewOptions } from './webviewHtml';

/** A pose file the viewer can offer for a video. */
export interface PoseCandidate {
  uri: vscode.Uri;
  /** For NWB: the PoseEstimation group; absent = the file's first (or only) one. */
  path?: string;
  label: string;
  detail?: string;
}

/** What the viewer needs from the pose readers (src/pose): find the session's pose files, open one. */
export interface PoseProvider {
  candidates(video: vscode.Uri, signal?: AbortSignal): Promise<PoseCandidate[]>;
  /** Videos a pose file belongs to, best first. */
  videosFor(pose: vscode.Uri, path: string | undefined): Promise<vscode.Uri[]>;
  /** Opens a pose file paired with the video (its frame count, rate and size; its camera clock). */
  open(
    uri: vscode.Uri,
    path: string | undefined,
    video: { uri: vscode.Uri; index: VideoIndex },
    signal?: AbortSignal,
  ): Promise<PoseSource>;
}

/** What `dandi.openVideo` asked for, applied when the document opens. */
interface PendingOpen {
  frame?: number;
  pose?: { uri: vscode.Uri; path?: string };
}

export class VideoEditorProvider
  extends Disposable
  implements vscode.CustomReadonlyEditorProvider<VideoDocument>
{
  private readonly _documents = new Set<VideoDocument>();
  private readonly _panels = new Set<VideoPanel>();
  private _active: VideoPanel | undefined;
  private readonly _onDidOpenPanel = new vscode.EventEmitter<VideoPanel>();
  /** Fires for each new panel (after its HTML is set). */
  readonly onDidOpenPanel = this._onDidOpenPanel.event;
  private readonly _channelWrappers = new Set<(channel: WebviewChannel) => WebviewChannel>();
  /** Applied to the next document opened for that URI (`dandi.openVideo` with a frame or a pose). */
  private readonly _pendingOpen = new Map<string, PendingOpen>();

  constructor(
    private readonly _services: ExtensionServices,
    private readonly _indexer: VideoIndexer,
    readonly poses: PoseProvider,
    /** Runs "Show pose from…" for a panel; returns whether a pose was attached. */
    private readonly _choosePose: (panel: VideoPanel) => Promise<boolean>,
    /** The NWB viewer's session clocks: a video timed by a session's NWB file joins that file's clock. */
    private readonly _clocks?: SessionClocks,
  ) {
    super();
    this._register(this._onDidOpenPanel);
    this._register(
      vscode.window.registerCustomEditorProvider(ViewTypes.videoViewer, this, {
        supportsMultipleEditorsPerDocument: true,
      }),
    );
  }

  /** Wraps the webview channel of every panel opened from now on (the VS Code tests record traffic). */
  wrapChannels(wrap: (channel: WebviewChannel) => WebviewChannel): vscode.Disposable {
    this._channelWrappers.add(wrap);
    return new vscode.Disposable(() => this._channelWrappers.delete(wrap));
  }

  get documents(): readonly VideoDocument[] {
    return [...this._documents];
  }

  get panels(): readonly VideoPanel[] {
    return [...this._panels];
  }

  /** The panel of the active video tab, or the only one open. */
  get activePanel(): VideoPanel | undefined {
    if (this._active?.webviewPanel.active) return this._active;
    const active = [...this._panels].find(p => p.webviewPanel.active);
    return active ?? (this._panels.size === 1 ? [...this._panels][0] : undefined);
  }

  /** The panel showing `uri`, if one is open. */
  panelOf(uri: vscode.Uri): VideoPanel | undefined {
    return [...this._panels].find(p => p.document.uri.toString() === uri.toString());
  }

  /** The next open of `uri` starts at `frame` and/or with `pose` attached. */
  prepareOpen(uri: vscode.Uri, options: PendingOpen): void {
    this._pendingOpen.set(uri.toString(), options);
  }

  async openCustomDocument(
    uri: vscode.Uri,
    _context: vscode.CustomDocumentOpenContext,
    token: vscode.CancellationToken,
  ): Promise<VideoDocument> {
    const abort = abortOnCancel(token);
    try {
      const document = await VideoDocument.open(uri, this._services, this._indexer, abort.signal);
      const pending = this._pendingOpen.get(uri.toString());
      this._pendingOpen.delete(uri.toString());
      if (pending?.frame !== undefined) document.startFrame = pending.frame;
      if (pending?.pose && document.index) {
        const { uri: poseUri, path } = pending.pose;
        try {
          await document.attachPose(
            await this.poses.open(poseUri, path, { uri, index: document.index }, abort.signal),
          );
        } catch (e) {
          void vscode.window.showWarningMessage(
            plainText(
              `Could not read pose from ${poseUri.path}: ${e instanceof Error ? e.message : String(e)}`,
            ),
          );
        }
      }
      this._documents.add(document);
      document.onDidDispose(() => this._documents.delete(document));
      return document;
    } finally {
      abort.dispose();
    }
  }

  async resolveCustomEditor(
    document: VideoDocument,
    webviewPanel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const extensionUri = this._services.context.extensionUri;
    webviewPanel.webview.options = webviewOptions(extensionUri);
    let channel: WebviewChannel = webviewPanel.webview;
    for (const wrap of this._channelWrappers) channel = wrap(channel);
    const panel = new VideoPanel(
      document,
      webviewPanel,
      this._services.log,
      channel,
      this._choosePose,
      this._clocks,
    );
    this._panels.add(panel);
    this._active = panel;
    webviewPanel.onDidChangeViewState(e => {
      if (e.webviewPanel.active) this._active = panel;
    });
    webviewPanel.onDidDispose(() => {
      panel.dispose();
      this._panels.delete(panel);
      if (this._active === panel) this._active = undefined;
    });
    showPage(webviewPanel, extensionUri, { bundle: 'video', title: document.fileName }, this._services.log);
    this._onDidOpenPanel.fire(panel);
  }

  override dispose(): void {
    for (const panel of this._panels) panel.dispose();
    this._panels.clear();
    this._pendingOpen.clear();
    super.dispose();
  }
}
