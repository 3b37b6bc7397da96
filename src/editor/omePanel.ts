/**
 * The OME-Zarr viewer panel: one webview (media/ome) over one Zarr reader. The host reads and
 * decodes chunks (src/ome/image.ts through the ZarrReader) and answers tile requests with typed
 * arrays; the webview never fetches. A request the webview cancels (pan/zoom) aborts its read.
 */
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { coarseContrast, describeRoot, openImage, readTile, wellFields } from '../ome/image';
import { toArrayBuffer } from '../shared/binary';
import { Messenger } from '../shared/messenger';
import {
  OME_PROTOCOL_VERSION,
  type OmeHostMethods,
  type OmeImageInfo,
  type OmeRoot,
  type OmeWebviewEvent,
} from '../shared/omeProtocol';
import type { Envelope } from '../shared/protocol';
import type { ZarrReader } from '../zarr/types';
import { DisposableStore } from '../util/disposable';
import { saveBytes } from './saveFile';
import { showPage, webviewOptions } from './webviewHtml';

type HostMethodMap = { [M in keyof OmeHostMethods]: OmeHostMethods[M] };
type EmptyMap = Record<string, never>;
type OmeMessenger = Messenger<HostMethodMap, EmptyMap, never, OmeWebviewEvent>;

export const OME_VIEW_TYPE = 'dandi.omeZarrViewer';
const DEFAULT_TILE_CACHE_MB = 256;

export class OmePanel {
  private static readonly _open = new Set<OmePanel>();
  private readonly _store = new DisposableStore();
  private readonly _messenger: OmeMessenger;
  private readonly _images = new Map<string, Promise<OmeImageInfo>>();
  /** The level and tile count of the last complete render (the VS Code tests read it). */
  lastRender: { level: number; tiles: number } | undefined;

  static get panels(): readonly OmePanel[] {
    return [...OmePanel._open];
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    readonly reader: ZarrReader,
    private readonly _root: OmeRoot,
    readonly title: string,
    private readonly _log: vscode.LogOutputChannel,
  ) {
    this._messenger = new Messenger({
      post: (message: Envelope) => void panel.webview.postMessage(message),
      onDiagnostic: text => this._log.debug(`OME-Zarr viewer: ${text}`),
    });
    this._store.add(this._messenger);
    this._store.add(panel.webview.onDidReceiveMessage(m => this._messenger.handle(m)));
    this._register();
    this._store.add(
      panel.onDidDispose(() => {
        OmePanel._open.delete(this);
        this._store.dispose();
        void reader.close();
      }),
    );
  }

  /** Opens a panel over `reader` (which it then owns); throws when the store is not an OME-Zarr. */
  static async open(
    extensionUri: vscode.Uri,
    reader: ZarrReader,
    title: string,
    log: vscode.LogOutputChannel,
  ): Promise<OmePanel> {
    const root = await describeRoot(reader);
    const panel = vscode.window.createWebviewPanel(OME_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    showPage(
      panel,
      extensionUri,
      { bundle: 'ome', title, placeholderHtml: '<p id="placeholder">Opening the OME-Zarr…</p>' },
      log,
    );
    const p = new OmePanel(panel, reader, root, title, log);
    OmePanel._open.add(p);
    return p;
  }

  private _image(path: string): Promise<OmeImageInfo> {
    let hit = this._images.get(path);
    if (!hit) {
      hit = openImage(this.reader, path, this.title);
      this._images.set(path, hit);
      hit.catch(() => this._images.delete(path));
    }
    return hit;
  }

  private async _firstImage(): Promise<OmeImageInfo> {
    const root = this._root;
    if (root.kind === 'image') return this._image(root.image);
    if (root.kind === 'series') return this._image(root.series[0] as string);
    const well = root.plate.wells[0];
    if (!well) throw new Error('the plate has no wells');
    const fields = await wellFields(this.reader, well.path);
    if (!fields[0]) throw new Error(`well ${well.path} has no fields`);
    return this._image(fields[0]);
  }

  private _register(): void {
    const m = this._messenger;
    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(Settings.section);
    this._store.add(
      m.onRequest('init', async params => {
        if (params.protocolVersion !== OME_PROTOCOL_VERSION)
          throw new Error(
            `webview protocol ${params.protocolVersion}, host ${OME_PROTOCOL_VERSION}: reload the view`,
          );
        return {
          title: this.title,
          root: this._root,
          image: await this._firstImage(),
          tileCacheMB: config().get<number>(Settings.omeTileCacheMB, DEFAULT_TILE_CACHE_MB),
        };
      }),
    );
    this._store.add(m.onRequest('image', params => this._image(params.path)));
    this._store.add(m.onRequest('well', params => wellFields(this.reader, params.path)));
    this._store.add(
      m.onRequest('tile', async (params, ctx) => {
        const image = await this._image(params.image);
        const { reply, values } = await readTile(this.reader, image, params, ctx.signal);
        return { ...reply, data: toArrayBuffer(values) };
      }),
    );
    this._store.add(
      m.onRequest('contrast', async (params, ctx) =>
        coarseContrast(this.reader, await this._image(params.image), params.z, params.t, ctx.signal),
      ),
    );
    this._store.add(
      m.onRequest('exportPng', async params => (await saveBytes(params.name, params.png)) !== undefined),
    );
    this._store.add(
      m.onEvent('rendered', e => {
        this.lastRender = { level: e.level, tiles: e.tiles };
        this._log.debug(`OME-Zarr viewer: ${this.title} level ${e.level} drawn (${e.tiles} tiles)`);
      }),
    );
  }

  dispose(): void {
    this.panel.dispose();
  }
}
