/**
 * One open NWB/HDF5 file or Zarr store, shared by every viewer panel of it. Owns the backend (the
 * {@link Hdf5File}, or the hdmf-zarr adapter over a Zarr reader; closed in dispose). Opening never throws: a file that fails to open becomes a document with `error`, and
 * its panels show that error in place.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { ASSET_URI_SCHEME } from '../dandi/assetUri';
import { assetRefOfUri } from './assetUriOf';
import { openHdf5 } from '../hdf5/engine';
import { assetSourceSpec } from '../hdf5/sources/dandi';
import type { OpenOptions, SourceSpec, SourceStats } from '../hdf5/types';
import type { NwbBackend } from '../nwb/backend';
import { DEFAULT_LIMITS, NwbFile } from '../nwb/nwbFile';
import { OverviewStore } from '../nwb/overviewStore';
import type { SourceDescription, ViewerFileInfo } from '../shared/protocol';
import type { ExtensionServices } from '../services';
import { isZarrUri, openZarrBackend } from './zarrSource';

const MiB = 1024 * 1024;
/**
 * A closed file stays open this long: closing a panel and opening it again, or opening another
 * view of the file, reuses its worker and the bytes it read (engine.ts, filePool.ts).
 */
const KEEP_OPEN_AFTER_CLOSE_MS = 3 * 60_000;

export class NwbDocument implements vscode.CustomDocument {
  private _disposed = false;
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  /** Fires once, when the document is disposed. */
  readonly onDidDispose = this._onDidDispose.event;

  private constructor(
    readonly uri: vscode.Uri,
    readonly source: SourceDescription,
    readonly nwb: NwbFile | null,
    readonly error: string | null,
    private readonly _h5: NwbBackend | null,
  ) {}

  /**
   * Opens `uri` (a local file or `.zarr` folder, or a `dandi-asset:` URI); failures become a
   * document with `error`.
   */
  static async open(
    uri: vscode.Uri,
    services: ExtensionServices,
    signal?: AbortSignal,
  ): Promise<NwbDocument> {
    let source: SourceDescription;
    try {
      source = describeSource(uri);
    } catch (e) {
      return new NwbDocument(uri, { kind: 'local', path: uri.toString() }, null, errorText(e), null);
    }
    try {
      const spec = isZarrUri(uri) ? null : await sourceSpec(source, uri, services);
      const h5: NwbBackend = spec
        ? await openHdf5(spec, { ...openOptions(services), signal })
        : await openZarrBackend(source, services, signal);
      const config = vscode.workspace.getConfiguration(Settings.section);
      const maxElements = config.get<number>(Settings.maxSliceElements, DEFAULT_LIMITS.maxElements);
      const nwb = new NwbFile(
        h5,
        { maxElements },
        {
          overviewStore: overviewStore(services, spec, source.kind === 'dandi'),
        },
      );
      return new NwbDocument(uri, source, nwb, null, h5);
    } catch (e) {
      services.log.warn(`NWB viewer: could not open ${uri.toString(true)}: ${errorText(e)}`);
      return new NwbDocument(uri, source, null, errorText(e), null);
    }
  }

  get fileName(): string {
    return basename(this.source.path);
  }

  /** The header's file info (version read lazily, stats live). */
  async fileInfo(): Promise<ViewerFileInfo> {
    const source = this.source;
    return {
      name: this.fileName,
      size: this._h5?.info.size ?? 0,
      nwbVersion: this.nwb ? await this.nwb.version() : null,
      sourceLabel:
        source.kind === 'local' ? source.path : `DANDI ${source.dandisetId}/${source.version} ${source.path}`,
      source,
      bytesFetched: this.stats().bytesFetched,
    };
  }

  stats(): SourceStats {
    return (
      this._h5?.stats() ?? {
        requests: 0,
        bytesFetched: 0,
        cacheHits: 0,
        cacheMisses: 0,
        cacheBytes: 0,
        metadataCacheHits: 0,
      }
    );
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Settles once the file is closed and its metadata saved for the next open (after dispose). */
  closed: Promise<void> = Promise.resolve();

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this.closed = this._h5 ? this._h5.close().catch(() => undefined) : Promise.resolve();
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
  }
}

export function describeSource(uri: vscode.Uri): SourceDescription {
  if (uri.scheme === ASSET_URI_SCHEME) {
    const ref = assetRefOfUri(uri);
    return {
      kind: 'dandi',
      apiUrl: ref.apiUrl,
      assetId: ref.assetId,
      dandisetId: ref.dandisetId,
      version: ref.version,
      path: ref.path,
    };
  }
  if (uri.scheme === 'file') return { kind: 'local', path: uri.fsPath };
  // Other schemes (vscode-remote is handled by running next to the files) would need whole-file reads.
  throw new Error(`the NWB viewer cannot read ${uri.scheme}: files; open a local file or a DANDI asset`);
}

async function sourceSpec(
  source: SourceDescription,
  uri: vscode.Uri,
  services: ExtensionServices,
): Promise<SourceSpec> {
  if (source.kind === 'local') return { kind: 'local', path: source.path };
  // The link's size and blob URL count only where the API vouched for them (assetSourceSpec).
  return assetSourceSpec(assetRefOfUri(uri), await services.apiKey(source.apiUrl));
}

function openOptions(services: ExtensionServices): OpenOptions {
  const config = vscode.workspace.getConfiguration(Settings.section);
  const cacheMB = config.get<number>(Settings.cacheSizeMB, 256);
  const metadataMB = config.get<number>(Settings.metadataCacheSizeMB, 200);
  const options: OpenOptions = {
    cacheBytes: cacheMB * MiB,
    keepAliveMs: KEEP_OPEN_AFTER_CLOSE_MS,
    workerPath: vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'hdf5Worker.js').fsPath,
  };
  if (metadataMB > 0) {
    options.metadataCacheDir = metadataCacheDir(services.context);
    options.metadataCacheBytes = metadataMB * MiB;
  }
  return options;
}

/** The overview pyramids' store (none when its setting is 0); private when the asset is read with a key. */
function overviewStore(
  services: ExtensionServices,
  spec: SourceSpec | null,
  dandi: boolean,
): OverviewStore | undefined {
  const config = vscode.workspace.getConfiguration(Settings.section);
  const megabytes = config.get<number>(Settings.overviewCacheSizeMB, 200);
  if (!(megabytes > 0)) return undefined;
  // A Zarr store from DANDI (spec null) may be embargoed: private, so sign-out deletes it.
  const keyed = spec ? spec.kind === 'dandi' && (spec.private ?? spec.apiKey !== undefined) : dandi;
  return new OverviewStore(overviewCacheDir(services.context), megabytes * MiB, { private: keyed });
}

/** The persistent overview pyramids, beside the metadata cache. */
export function overviewCacheDir(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'overview-pyramids').fsPath;
}

/** The persistent metadata cache, under the extension's global storage. */
export function metadataCacheDir(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'hdf5-metadata').fsPath;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
