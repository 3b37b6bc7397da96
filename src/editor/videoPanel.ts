/**
 * One video viewer panel: its messenger and the handlers that answer the webview from the
 * document (index, sample bytes, pose). Lives as long as the panel; released in dispose().
 */
import * as vscode from 'vscode';
import { Settings } from '../constants';
import type { PoseFrame, PoseSource } from '../pose/types';
import { Messenger } from '../shared/messenger';
import {
  VIDEO_PROTOCOL_VERSION,
  type PoseFramesMessage,
  type PoseInfo,
  type VideoHostEvent,
  type VideoHostMethodMap,
  type VideoInitResult,
  type VideoWebviewEvent,
  type VideoWebviewMethodMap,
} from '../shared/videoProtocol';
import { FrameClock } from '../pose/frameClock';
import { DisposableStore, toDisposable } from '../util/disposable';
import type { SessionClocks } from './sessionClock';
import { VideoClockRelay } from './videoClock';
import type { VideoDocument } from './videoDocument';
import { saveBytes } from './saveFile';
import type { WebviewChannel } from './viewerPanel';
import { videoPythonSnippet } from './videoSnippet';

type VideoMessenger = Messenger<VideoHostMethodMap, VideoWebviewMethodMap, VideoHostEvent, VideoWebviewEvent>;

/** Frames of pose one request may ask for (trails and prefetch stay far below it). */
const MAX_POSE_FRAMES = 2000;

export class VideoPanel {
  private readonly _store = new DisposableStore();
  private readonly _messenger: VideoMessenger;
  private _initId = -1;
  /** The frame on the canvas (from the webview's `shown` events; before the first, the one it opens at). */
  shownFrame: number;
  /** The seat at the session clocks of the NWB files the pose times the frames by (none without). */
  private _clock: VideoClockRelay | undefined;
  /** Every `shown` and `error` event of the webview (the tests wait on them). */
  readonly onDidRender: vscode.Event<VideoWebviewEvent>;

  constructor(
    readonly document: VideoDocument,
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly _log: vscode.LogOutputChannel,
    readonly channel: WebviewChannel,
    /** Runs "Show pose from…" for this panel's document. */
    private readonly _choosePose: (panel: VideoPanel) => Promise<boolean>,
    /** The session clocks the NWB viewer's panels share (none: the video keeps its own time). */
    private readonly _clocks?: SessionClocks,
  ) {
    this.shownFrame = document.startFrame;
    this._messenger = new Messenger({
      post: message => {
        void channel.postMessage(message);
        if (message.kind !== 'req' && message.kind !== 'event' && message.kind !== 'cancel') {
          if (message.id === this._initId) this._messenger.releaseEvents();
        }
      },
      holdEvents: true,
      onDiagnostic: text => this._log.debug(`Video viewer: ${text}`),
    });
    this._store.add(this._messenger);
    this._store.add(channel.onDidReceiveMessage(message => this._messenger.handle(message)));
    const rendered = new vscode.EventEmitter<VideoWebviewEvent>();
    this._store.add(rendered);
    this.onDidRender = rendered.event;
    this._store.add(
      this._messenger.onEvent('shown', e => {
        this.shownFrame = e.frame;
        this._clock?.shown(e.frame);
        rendered.fire(e);
      }),
    );
    this._store.add(
      this._messenger.onEvent('error', e => {
        this._log.warn(`Video viewer: ${this.document.fileName}: ${e.message}`);
        rendered.fire(e);
      }),
    );
    this._store.add(
      document.onDidChangePose(() => {
        this._messenger.notify({ type: 'pose', pose: poseInfo(document) });
        this._joinClock();
      }),
    );
    this._store.add(toDisposable(() => this._clock?.dispose()));
    this._registerHandlers();
    this._joinClock();
  }

  /** The NWB files whose session clock this video follows and sets (empty when it is on none). */
  get clockFiles(): readonly string[] {
    return this._clock ? (this.document.pose?.sessionFiles ?? []) : [];
  }

  /** (Re)joins the clocks of the attached pose's NWB files, when the pose times the frames. */
  private _joinClock(): void {
    this._clock?.dispose();
    this._clock = undefined;
    const pose = this.document.pose;
    if (!this._clocks || !pose?.frameTimes || !pose.sessionFiles?.length) return;
    const frames = new FrameClock(pose.frameTimes);
    if (!frames.hasTimes) return;
    this._clock = new VideoClockRelay(
      this._clocks,
      pose.sessionFiles,
      frames,
      frame => this.seek(frame),
      this.shownFrame,
    );
  }

  /** Shows `frame` (clamped by the webview). */
  seek(frame: number): void {
    this._messenger.notify({ type: 'seek', frame });
  }

  /** The shown frame with its overlay, as PNG bytes. */
  framePng(): Promise<{ png: ArrayBuffer; frame: number }> {
    return this._messenger.request('frame/png', {}, { timeoutMs: 30_000 });
  }

  pythonSnippet(): string {
    return videoPythonSnippet(this.document.source, this.shownFrame);
  }

  dispose(): void {
    this._store.dispose();
  }

  private _registerHandlers(): void {
    const m = this._messenger;
    const doc = this.document;
    this._store.add(
      m.onRequest('init', (params, ctx) => {
        this._initId = ctx.id;
        return this._init(params.protocol);
      }),
    );
    this._store.add(m.onRequest('video/samples', (p, ctx) => doc.samples(p.frame, p.through, ctx.signal)));
    this._store.add(
      m.onRequest('pose/frames', async ({ first, last }, ctx) => {
        const pose = doc.pose;
        if (!pose) return packPoseFrames([], 0);
        if (!Number.isInteger(first) || !Number.isInteger(last) || last < first)
          throw new Error(`bad pose frame range ${first}…${last}`);
        const to = Math.min(last, first + MAX_POSE_FRAMES - 1);
        const frames = await pose.framesBetween(Math.max(0, first), to, ctx.signal);
        return packPoseFrames(frames, pose.skeleton.nodes.length);
      }),
    );
    this._store.add(
      m.onRequest('export/png', async ({ suggestedName, png }) => ({
        savedTo: await saveBytes(suggestedName, png),
      })),
    );
    this._store.add(m.onRequest('pose/choose', async () => ({ attached: await this._choosePose(this) })));
    this._store.add(
      m.onRequest('snippet/copy', async ({ frame }) => {
        const text = videoPythonSnippet(doc.source, frame);
        await vscode.env.clipboard.writeText(text);
        return { text };
      }),
    );
  }

  private _init(protocol: number): VideoInitResult {
    if (protocol !== VIDEO_PROTOCOL_VERSION) {
      throw new Error(
        `the video viewer speaks protocol ${protocol}, the extension ${VIDEO_PROTOCOL_VERSION}; reload the window`,
      );
    }
    const doc = this.document;
    const config = vscode.workspace.getConfiguration(Settings.section);
    return {
      protocol: VIDEO_PROTOCOL_VERSION,
      video: doc.info(),
      pose: poseInfo(doc),
      startFrame: doc.startFrame,
      settings: { maxDecodedFrames: config.get<number>(Settings.videoMaxDecodedFrames, 120) },
    };
  }
}

/** The pose's description for the webview, with a warning when its image size is not the video's. */
export function poseInfo(doc: VideoDocument): PoseInfo | undefined {
  const pose: PoseSource | undefined = doc.pose;
  if (!pose || !doc.index) return undefined;
  const warnings = [...pose.warnings];
  const dims = pose.dimensions;
  const { width, height } = doc.index;
  if (dims && dims.width > 0 && dims.height > 0 && (dims.width !== width || dims.height !== height)) {
    warnings.push(
      `The pose file says it was computed on ${dims.width}×${dims.height} images but the video is ${width}×${height}: keypoints are scaled to the video, check they line up.`,
    );
  }
  return {
    label: pose.label,
    skeleton: { nodes: pose.skeleton.nodes, edges: pose.skeleton.edges },
    dimensions: dims,
    warnings,
  };
}

/** Packs pose frames into the flat rows of {@link PoseFramesMessage}. */
export function packPoseFrames(frames: PoseFrame[], nodes: number): PoseFramesMessage {
  const rows = frames.reduce((sum, f) => sum + f.instances.length, 0);
  const x = new Float32Array(rows * nodes).fill(Number.NaN);
  const y = new Float32Array(rows * nodes).fill(Number.NaN);
  const confidence = new Float32Array(rows * nodes).fill(Number.NaN);
  const frameOf: number[] = [];
  const tracks: Array<string | null> = [];
  let row = 0;
  for (const frame of frames) {
    for (const instance of frame.instances) {
      const n = Math.min(nodes, instance.x.length);
      x.set(instance.x.subarray(0, n), row * nodes);
      y.set(instance.y.subarray(0, n), row * nodes);
      if (instance.confidence) confidence.set(instance.confidence.subarray(0, n), row * nodes);
      frameOf.push(frame.frame);
      tracks.push(instance.track ?? null);
      row++;
    }
  }
  return { nodes, frames: frameOf, tracks, x: x.buffer, y: y.buffer, confidence: confidence.buffer };
}
