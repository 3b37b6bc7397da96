/**
 * One open video (a local file or a `dandi-asset:` URI), shared by its panels. Owns the byte
 * source (closed in dispose) and the container index; answers "the samples to decode for frame N"
 * by planning with the index and reading just those byte ranges. Opening never throws: a video
 * that cannot be read becomes a document with `error`, shown in its panels.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { ASSET_URI_SCHEME } from '../dandi/assetUri';
import { assetSourceSpec, createDandiSource } from '../hdf5/sources/dandi';
import { LocalSource } from '../hdf5/sources/local';
import type { ByteSource } from '../hdf5/sources/source';
import type { PoseSource } from '../pose/types';
import type { SourceDescription } from '../shared/protocol';
import type { SamplesResult, VideoInfo } from '../shared/videoProtocol';
import type { ExtensionServices } from '../services';
import type { FramePlan, VideoIndex } from '../video/types';
import { assetRefOfUri } from './assetUriOf';
import { describeSource, errorText } from './nwbDocument';
import { keyframePrelude, readSamples, samplesToDecode } from './videoSamples';

/** What the viewer needs from the container index (src/video): read once per asset, plan per frame. */
export interface VideoIndexer {
  /**
   * Opens `source` and reads its index (cached by the source's identity, so a second open reads
   * nothing); `known` is what the asset listing vouched for. `keyed`: read with an API key.
   */
  index(
    source: ByteSource,
    options: { known: { size?: number; identity?: string }; keyed: boolean; signal?: AbortSignal },
  ): Promise<VideoIndex>;
  plan(index: VideoIndex, frame: number): FramePlan;
}

/** Bytes the remote source's first request brings along (the index reader starts there). */
const PROBE_BYTES = 64 * 1024;

export class VideoDocument implements vscode.CustomDocument {
  private _disposed = false;
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  readonly onDidDispose = this._onDidDispose.event;
  private readonly _onDidChangePose = new vscode.EventEmitter<void>();
  /** Fires when a pose source is attached or replaced. */
  readonly onDidChangePose = this._onDidChangePose.event;
  private _pose: PoseSource | undefined;
  /** The frame a command asked to show first (`dandi.openVideo` with `frame`). */
  startFrame = 0;

  private constructor(
    readonly uri: vscode.Uri,
    readonly source: SourceDescription,
    readonly index: VideoIndex | null,
    readonly error: string | null,
    private readonly _bytes: ByteSource | null,
    private readonly _indexer: VideoIndexer,
  ) {}

  static async open(
    uri: vscode.Uri,
    services: ExtensionServices,
    indexer: VideoIndexer,
    signal?: AbortSignal,
  ): Promise<VideoDocument> {
    let source: SourceDescription;
    try {
      source = describeSource(uri);
    } catch (e) {
      const local: SourceDescription = { kind: 'local', path: uri.toString() };
      return new VideoDocument(uri, local, null, errorText(e), null, indexer);
    }
    let bytes: ByteSource | null = null;
    try {
      const { source: opening, known, keyed } = await byteSource(source, uri, services);
      bytes = opening;
      const index = await indexer.index(bytes, { known, keyed, signal });
      return new VideoDocument(uri, source, index, null, bytes, indexer);
    } catch (e) {
      await bytes?.close().catch(() => undefined);
      services.log.warn(`Video viewer: could not open ${uri.toString(true)}: ${errorText(e)}`);
      return new VideoDocument(uri, source, null, errorText(e), null, indexer);
    }
  }

  get fileName(): string {
    return basename(this.source.path);
  }

  get pose(): PoseSource | undefined {
    return this._pose;
  }

  /** Attaches `pose` (closing the one it replaces) and tells the panels. */
  async attachPose(pose: PoseSource | undefined): Promise<void> {
    const previous = this._pose;
    this._pose = pose;
    this._onDidChangePose.fire();
    await previous?.close().catch(() => undefined);
  }

  get requests(): number {
    return this._bytes?.requests ?? 0;
  }

  get bytesFetched(): number {
    return this._bytes?.bytesFetched ?? 0;
  }

  info(): VideoInfo {
    const index = this.index;
    if (!index) throw new Error(this.error ?? 'the video could not be opened');
    const source = this.source;
    const info: VideoInfo = {
      name: this.fileName,
      sourceLabel:
        source.kind === 'local' ? source.path : `DANDI ${source.dandisetId}/${source.version} ${source.path}`,
      container: index.container,
      codec: index.codec,
      codecName: index.codecName,
      width: index.width,
      height: index.height,
      frames: index.frames,
      fps: index.fps,
      durationSeconds: index.durationSeconds,
      keyframeFrames: index.keyframeFrames,
    };
    if (index.undecodable !== undefined) info.undecodable = index.undecodable;
    return info;
  }

  /**
   * The samples to decode to show `frame` and, when `through` is later in the same GOP, every
   * frame up to it: from the keyframe, decode order, with the config a decoder needs.
   */
  async samples(frame: number, through: number | undefined, signal?: AbortSignal): Promise<SamplesResult> {
    const index = this.index;
    if (!index || !this._bytes) throw new Error(this.error ?? 'the video could not be opened');
    const samples = samplesToDecode(index, (ix, f) => this._indexer.plan(ix, f), frame, through);
    const bytes = this._bytes;
    return readSamples(bytes, index, frame, samples, signal, keyframePrelude(index));
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  closed: Promise<void> = Promise.resolve();

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    const pose = this._pose;
    this._pose = undefined;
    this.closed = Promise.all([
      this._bytes?.close().catch(() => undefined),
      pose?.close().catch(() => undefined),
    ]).then(() => undefined);
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
    this._onDidChangePose.dispose();
  }
}

async function byteSource(
  source: SourceDescription,
  uri: vscode.Uri,
  services: ExtensionServices,
): Promise<{ source: ByteSource; known: { size?: number; identity?: string }; keyed: boolean }> {
  if (source.kind === 'local') return { source: new LocalSource(source.path), known: {}, keyed: false };
  if (uri.scheme !== ASSET_URI_SCHEME) throw new Error(`cannot read ${uri.scheme}: videos`);
  const spec = assetSourceSpec(assetRefOfUri(uri), await services.apiKey(source.apiUrl));
  if (spec.kind !== 'dandi') throw new Error('unexpected source kind for a DANDI asset');
  const { kind: _kind, ...dandi } = spec;
  // With the size and identity the listing vouched for, opening sends no request.
  return {
    source: createDandiSource(dandi, PROBE_BYTES),
    known: { size: spec.size, identity: spec.identity },
    // Embargoed assets (read with the key, not known to be open): their cached index goes at sign-out.
    keyed: spec.apiKey !== undefined && spec.private !== false,
  };
}
