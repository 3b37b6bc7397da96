/**
 * The video viewer webview: asks the host for the samples of a frame's GOP, decodes them with
 * WebCodecs, keeps a bounded set of decoded frames for stepping and playing, and draws the pose
 * over the picture. The webview never fetches: the host sends the bytes.
 */
import './video.css';
import { Messenger } from '../../src/shared/messenger';
import {
  VIDEO_PROTOCOL_VERSION,
  type PoseInfo,
  type VideoHostEvent,
  type VideoHostMethodMap,
  type VideoInfo,
  type VideoWebviewEvent,
  type VideoWebviewMethodMap,
} from '../../src/shared/videoProtocol';
import { DecoderFailure, FrameDecoder, decoderSupport, supportedCodecs } from './decoder';
import { FrameStore } from './frameStore';
import { PoseOverlay, unpackPoseFrames, type PoseInstanceData } from './overlay';
import { buildView, renderLegend, type VideoView } from './view';

type Api = Messenger<VideoWebviewMethodMap, VideoHostMethodMap, VideoWebviewEvent, VideoHostEvent>;

const vscodeApi = acquireVsCodeApi<unknown>();
const api: Api = new Messenger({
  post: message => vscodeApi.postMessage(message),
  onDiagnostic: text => console.debug(`[video viewer] ${text}`),
});
window.addEventListener('message', (event: MessageEvent<unknown>) => api.handle(event.data));

/** Pose frames fetched per request around the shown frame. */
const POSE_WINDOW = 256;

class VideoViewer {
  private _frame = 0;
  private _decodable = false;
  private readonly _store: FrameStore<VideoFrame>;
  private readonly _decoder: FrameDecoder;
  /** Frames a request in flight will bring: [from, through]. */
  private _inFlight: { from: number; through: number; done: Promise<void> } | undefined;
  private _playing = false;
  private _playStart = { time: 0, frame: 0 };
  private _pose: PoseOverlay | undefined;
  private readonly _poseFrames = new Map<number, PoseInstanceData[]>();
  private readonly _poseLoaded = new Set<number>(); // window starts already fetched
  private _showSeq = 0;

  constructor(
    private readonly _view: VideoView,
    private readonly _info: VideoInfo,
    maxDecodedFrames: number,
  ) {
    this._store = new FrameStore<VideoFrame>(Math.max(2, maxDecodedFrames));
    this._decoder = new FrameDecoder(this._store, () => this._frame);
    for (const canvas of [_view.frameCanvas, _view.overlayCanvas]) {
      canvas.width = _info.width;
      canvas.height = _info.height;
    }
  }

  get frame(): number {
    return this._frame;
  }

  async start(startFrame: number, pose: PoseInfo | undefined): Promise<void> {
    const v = this._view;
    const info = this._info;
    v.title.textContent = info.name;
    v.status.textContent = `${info.codecName} · ${info.width}×${info.height} · ${formatFps(info.fps)} fps · ${info.frames} frames · ${info.durationSeconds.toFixed(2)} s · ${info.sourceLabel}`;
    v.slider.max = String(info.frames - 1);
    v.frameInput.max = String(info.frames - 1);
    v.frameCount.textContent = `/ ${info.frames - 1}`;
    const support = info.undecodable
      ? { supported: false as const, reason: info.undecodable }
      : await decoderSupport(info.codec, info.width, info.height);
    this._decodable = support.supported;
    if (!support.supported) await this._cannotDecode(support.reason);
    this.setPose(pose);
    this._wire();
    await this.show(startFrame);
  }

  /** From now on: a blank frame of the video's size (with the pose), and a message saying why. */
  private async _cannotDecode(reason: string): Promise<void> {
    this._decodable = false;
    this._store.clear();
    this._decoder.close();
    const info = this._info;
    const can = await supportedCodecs();
    const v = this._view;
    v.message.hidden = false;
    v.message.textContent = `Cannot show the picture: the video is ${info.codecName} (${info.codec ?? 'no WebCodecs codec string'}) in ${info.container.toUpperCase()}: ${reason}. This webview decodes ${can.length ? can.join(', ') : 'no video codec through WebCodecs'}. The pose overlay is still drawn on a blank frame.`;
  }

  setPose(pose: PoseInfo | undefined): void {
    const v = this._view;
    this._pose = pose ? new PoseOverlay(pose, this._info) : undefined;
    this._poseFrames.clear();
    this._poseLoaded.clear();
    v.posePanel.hidden = !pose;
    v.poseLabel.textContent = pose ? `Pose: ${pose.label}` : '';
    v.warnings.hidden = !pose || pose.warnings.length === 0;
    v.warnings.textContent = pose ? pose.warnings.join(' ') : '';
    if (pose) renderLegend(v.legend, this._pose?.legend([]) ?? []);
  }

  /** Shows `frame`: from the decoded frames if kept, else after the host sends its GOP. */
  async show(frame: number): Promise<void> {
    const target = clamp(Math.round(frame), 0, this._info.frames - 1);
    const seq = ++this._showSeq;
    const started = performance.now();
    this._frame = target;
    this._syncControls();
    const root = this._view.root;
    try {
      if (this._decodable && !this._store.has(target)) {
        root.dataset.state = 'loading';
        try {
          await this._ensureDecoded(target);
        } catch (e) {
          // Accepted by isConfigSupported yet undecodable here (H.264 4:4:4 in Chromium): say so, go on blank.
          if (!(e instanceof DecoderFailure)) throw e;
          await this._cannotDecode(e.message);
        }
      }
      await this._ensurePose(target);
      if (seq !== this._showSeq) return; // a later show() took over
      const decoded = this._draw(target);
      root.dataset.frame = String(target);
      root.dataset.state = this._decodable ? 'ready' : 'unsupported';
      const ms = performance.now() - started;
      const message = this._view.message.hidden ? undefined : (this._view.message.textContent ?? undefined);
      api.notify({ type: 'shown', frame: target, decoded, ms, ...(message ? { message } : {}) });
      if (this._playing) this._prefetch();
    } catch (e) {
      if (seq !== this._showSeq) return;
      root.dataset.state = 'error';
      this._view.message.hidden = false;
      this._view.message.textContent = `Frame ${target}: ${errorText(e)}`;
      api.notify({ type: 'error', message: errorText(e) });
    }
  }

  private async _ensureDecoded(frame: number): Promise<void> {
    const pending = this._inFlight;
    if (pending && frame >= pending.from && frame <= pending.through) {
      await pending.done;
      if (this._store.has(frame)) return;
    }
    await this._request(frame);
    if (!this._store.has(frame)) throw new Error(`the decoder gave no picture for frame ${frame}`);
  }

  /** Asks for `frame` and, warm for stepping, the frames after it in its GOP (within the store's limit). */
  private _request(frame: number): Promise<void> {
    const next = this._info.keyframeFrames.find(k => k > frame) ?? this._info.frames;
    const through = Math.min(frame + Math.floor(this._store.limit * 0.75), next - 1, this._info.frames - 1);
    const done = (async () => {
      const batch = await api.request('video/samples', { frame, through });
      await this._decoder.decode(batch);
    })();
    const entry = { from: frame, through, done };
    this._inFlight = entry;
    void done.finally(() => {
      if (this._inFlight === entry) this._inFlight = undefined;
    });
    return done;
  }

  /** While playing: ask for the next frames not kept before the player reaches them. */
  private _prefetch(): void {
    if (this._inFlight) return;
    const missing = this._store.firstMissingAfter(this._frame, Math.ceil(this._info.fps * 2));
    if (missing !== undefined && missing < this._info.frames)
      void this._request(missing).catch(() => undefined);
  }

  private async _ensurePose(frame: number): Promise<void> {
    if (!this._pose) return;
    const root = this._view.root;
    const trail = this._trail();
    const first = Math.max(0, frame - trail);
    for (let start = Math.floor(first / POSE_WINDOW) * POSE_WINDOW; start <= frame; start += POSE_WINDOW) {
      if (this._poseLoaded.has(start)) continue;
      root.dataset.pose = 'loading';
      const packed = await api.request('pose/frames', { first: start, last: start + POSE_WINDOW - 1 });
      for (const [frame, instances] of unpackPoseFrames(packed)) this._poseFrames.set(frame, instances);
      this._poseLoaded.add(start);
    }
    // For tests and people: how many frames of pose the webview holds.
    root.dataset.pose = String(this._poseFrames.size);
  }

  /** Draws the picture (or a blank frame) and the overlay; returns whether a picture was drawn. */
  private _draw(frame: number): boolean {
    const v = this._view;
    const ctx = v.frameCanvas.getContext('2d');
    const overlay = v.overlayCanvas.getContext('2d');
    if (!ctx || !overlay) throw new Error('no 2D canvas');
    const decoded = this._store.get(frame);
    if (decoded) ctx.drawImage(decoded, 0, 0, this._info.width, this._info.height);
    else {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, this._info.width, this._info.height);
    }
    overlay.clearRect(0, 0, this._info.width, this._info.height);
    v.root.dataset.keypoints = '0';
    if (this._pose) {
      const threshold = Number(v.threshold.value);
      const drawn = this._pose.draw(overlay, this._poseFrames, frame, { threshold, trail: this._trail() });
      v.root.dataset.keypoints = String(drawn);
      renderLegend(v.legend, this._pose.legend(this._poseFrames.get(frame) ?? []));
    }
    return decoded !== undefined;
  }

  private _trail(): number {
    const value = Number(this._view.trail.value);
    return Number.isFinite(value) ? clamp(Math.round(value), 0, 300) : 0;
  }

  private _syncControls(): void {
    const v = this._view;
    v.slider.value = String(this._frame);
    if (document.activeElement !== v.frameInput) v.frameInput.value = String(this._frame);
    if (document.activeElement !== v.timeInput) v.timeInput.value = (this._frame / this._info.fps).toFixed(3);
  }

  /** Frame + `delta` frames; a second is the file's rate, rounded. */
  step(delta: number): void {
    this.pause();
    void this.show(this._frame + delta);
  }

  get oneSecond(): number {
    return Math.max(1, Math.round(this._info.fps));
  }

  togglePlay(): void {
    if (this._playing) this.pause();
    else this._play();
  }

  pause(): void {
    this._playing = false;
    this._view.play.textContent = 'Play';
  }

  private _play(): void {
    if (this._frame >= this._info.frames - 1) void this.show(0);
    this._playing = true;
    this._view.play.textContent = 'Pause';
    this._playStart = { time: performance.now(), frame: this._frame };
    const tick = () => {
      if (!this._playing) return;
      const elapsed = (performance.now() - this._playStart.time) / 1000;
      const due = Math.min(
        this._info.frames - 1,
        this._playStart.frame + Math.floor(elapsed * this._info.fps),
      );
      if (due !== this._frame) {
        if (this._store.has(due) || !this._decodable) void this.show(due);
        else {
          // Not decoded yet: wait there, and restart the clock from where we are when it arrives.
          this._prefetch();
          this._playStart = { time: performance.now(), frame: this._frame };
        }
      }
      if (due >= this._info.frames - 1) this.pause();
      else requestAnimationFrame(tick);
    };
    this._prefetch();
    requestAnimationFrame(tick);
  }

  /** The shown frame with its overlay, as PNG bytes. */
  async png(): Promise<ArrayBuffer> {
    const canvas = document.createElement('canvas');
    canvas.width = this._info.width;
    canvas.height = this._info.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(this._view.frameCanvas, 0, 0);
    ctx.drawImage(this._view.overlayCanvas, 0, 0);
    const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas could not be encoded as PNG');
    return blob.arrayBuffer();
  }

  private _wire(): void {
    const v = this._view;
    v.slider.addEventListener('input', () => {
      this.pause();
      void this.show(Number(v.slider.value));
    });
    v.frameInput.addEventListener('change', () => this.step(Number(v.frameInput.value) - this._frame));
    v.timeInput.addEventListener('change', () =>
      this.step(Math.round(Number(v.timeInput.value) * this._info.fps) - this._frame),
    );
    v.back1s.addEventListener('click', () => this.step(-this.oneSecond));
    v.back1.addEventListener('click', () => this.step(-1));
    v.forward1.addEventListener('click', () => this.step(1));
    v.forward1s.addEventListener('click', () => this.step(this.oneSecond));
    v.play.addEventListener('click', () => this.togglePlay());
    v.threshold.addEventListener('input', () => {
      v.thresholdValue.textContent = Number(v.threshold.value).toFixed(2);
      void this.show(this._frame);
    });
    v.trail.addEventListener('change', () => void this.show(this._frame));
    v.poseFrom.addEventListener('click', () => void api.request('pose/choose', {}).catch(report));
    v.snippet.addEventListener(
      'click',
      () => void api.request('snippet/copy', { frame: this._frame }).catch(report),
    );
    v.exportPng.addEventListener('click', () => {
      const stem = this._info.name.replace(/\.[^.]+$/, '');
      void this.png()
        .then(png => api.request('export/png', { suggestedName: `${stem}_frame${this._frame}.png`, png }))
        .catch(report);
    });
    v.root.addEventListener('keydown', event => {
      if (event.target instanceof HTMLInputElement && event.target.type === 'number') return;
      const second = this.oneSecond;
      const actions: Record<string, () => void> = {
        ArrowLeft: () => this.step(event.shiftKey ? -second : -1),
        ArrowRight: () => this.step(event.shiftKey ? second : 1),
        ' ': () => this.togglePlay(),
        Home: () => this.step(-this._frame),
        End: () => this.step(this._info.frames - 1 - this._frame),
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
  }
}

async function main(): Promise<void> {
  const view = buildView();
  try {
    const init = await api.request('init', { protocol: VIDEO_PROTOCOL_VERSION });
    const viewer = new VideoViewer(view, init.video, init.settings.maxDecodedFrames);
    api.onEvent('seek', e => {
      viewer.pause();
      void viewer.show(e.frame);
    });
    api.onEvent('pose', e => {
      viewer.setPose(e.pose);
      void viewer.show(viewer.frame);
    });
    api.onRequest('frame/png', async () => ({ png: await viewer.png(), frame: viewer.frame }));
    view.root.focus();
    await viewer.start(init.startFrame, init.pose);
  } catch (e) {
    view.root.dataset.state = 'error';
    view.message.hidden = false;
    view.message.textContent = errorText(e);
  }
}

function report(e: unknown): void {
  api.notify({ type: 'error', message: errorText(e) });
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function formatFps(fps: number): string {
  return Number.isInteger(fps) ? String(fps) : fps.toFixed(3);
}

void main();
