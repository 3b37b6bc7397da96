/**
 * One viewer panel: its messenger, the request handlers wired to the document's NWB file, and the
 * stats pushed to the header. Everything here lives as long as the panel and is released in
 * dispose(). The panel talks to its webview through a {@link WebviewChannel}, which the VS Code
 * tests wrap to record and drive the traffic; the panel itself keeps no record.
 */
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../constants';
import { dataHandlers, type DataHandlers, type DataMethod } from '../nwb/service';
import { Messenger, type RequestContext } from '../shared/messenger';
import {
  PROTOCOL_VERSION,
  type Envelope,
  type HostEvent,
  type HostMethodMap,
  type HostMethods,
  type InitResult,
  type ViewKind,
  type WebviewEvent,
  type WebviewMethodMap,
} from '../shared/protocol';
import { DisposableStore, toDisposable } from '../util/disposable';
import type { NwbDocument } from './nwbDocument';
import { saveBytes, saveText } from './saveFile';
import { checkClockEvent, type SessionClocks } from './sessionClock';

type HostMessenger = Messenger<HostMethodMap, WebviewMethodMap, HostEvent, WebviewEvent>;

/** The messaging half of a webview: all a panel needs to talk to it (`vscode.Webview` is one). */
export interface WebviewChannel {
  postMessage(message: Envelope): Thenable<boolean>;
  readonly onDidReceiveMessage: vscode.Event<unknown>;
}

const STATS_INTERVAL_MS = 500;
/** Registered by the video viewer (Commands.openVideo on its branch): `(videoUri | undefined, { pose, frame })`. */
const OPEN_VIDEO_COMMAND = 'dandi.openVideo';

export class ViewerPanel {
  private readonly _store = new DisposableStore();
  private readonly _messenger: HostMessenger;
  private _lastBytes = -1;
  private _initId = -1;
  /** The object the user selected last (for dandi.viewer.copyPythonSnippet). */
  selection: { path: string; view: ViewKind } | undefined;

  constructor(
    readonly document: NwbDocument,
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly _viewType: string,
    private readonly _log: vscode.LogOutputChannel,
    /** Where messages go and come from: the panel's webview, or a wrapper around it. */
    readonly channel: WebviewChannel,
    /** The session clocks shared by every view of a file (none: this panel keeps its own time). */
    clocks?: SessionClocks,
  ) {
    this._messenger = new Messenger({
      post: message => {
        void channel.postMessage(message);
        // Events wait until the webview has the init reply (its listener and first paint data).
        if (
          message.kind !== 'req' &&
          message.kind !== 'event' &&
          message.kind !== 'cancel' &&
          message.id === this._initId
        ) {
          this._messenger.releaseEvents();
        }
      },
      holdEvents: true,
      onDiagnostic: text => this._log.debug(`NWB viewer: ${text}`),
    });
    this._store.add(this._messenger);
    this._store.add(channel.onDidReceiveMessage(message => this._messenger.handle(message)));
    this._registerHandlers();
    this._store.add(
      this._messenger.onEvent('selection', event => {
        this.selection = { path: event.path, view: event.view };
      }),
    );
    this._store.add(
      this._messenger.onEvent('rendered', e =>
        this._log.debug(
          `NWB viewer: ${e.view} view of ${e.path} ${e.state}${e.detail ? `: ${e.detail}` : ''}`,
        ),
      ),
    );
    if (clocks) this._joinClock(clocks);
    const timer = setInterval(() => this._pushStats(), STATS_INTERVAL_MS);
    this._store.add(toDisposable(() => clearInterval(timer)));
  }

  /** Sends an event to the webview (held until the ready handshake). */
  notify(event: HostEvent): void {
    this._messenger.notify(event);
  }

  dispose(): void {
    this._store.dispose();
  }

  /** Relays the time cursor and selection set here to the file's other views, and theirs to this one. */
  private _joinClock(clocks: SessionClocks): void {
    const seat = clocks.join(this.document.uri.toString(), event => this._messenger.notify(event));
    this._store.add(seat);
    const relay = (event: unknown): void => {
      try {
        seat.set(checkClockEvent(event));
      } catch (e) {
        this._log.warn(`NWB viewer: ignored a clock event: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    this._store.add(this._messenger.onEvent('time/cursor', relay));
    this._store.add(this._messenger.onEvent('time/selection', relay));
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
    this._store.add(
      m.onRequest('export/png', async ({ suggestedName, png }) => ({
        savedTo: await saveBytes(suggestedName, png),
      })),
    );
    this._store.add(
      m.onRequest('clipboard/write', async ({ text }) => {
        await vscode.env.clipboard.writeText(String(text));
        return { ok: true };
      }),
    );
    this._store.add(
      m.onRequest('file/download', async () => {
        await vscode.commands.executeCommand(Commands.viewerDownloadFile, doc.uri);
        return { started: true };
      }),
    );
    this._store.add(
      m.onRequest('notebook/open', async ({ path }) => {
        const opened = await vscode.commands.executeCommand<unknown>(Commands.openAsNotebook, {
          kind: 'viewerObject',
          uri: doc.uri.toString(),
          path: String(path),
        });
        return { opened: opened !== undefined };
      }),
    );
    this._store.add(
      m.onRequest('video/show', async ({ path, frame }) => {
        // The video viewer's command finds the video for this pose file (no video given).
        await vscode.commands.executeCommand(OPEN_VIDEO_COMMAND, undefined, {
          pose: { uri: doc.uri.toString(), path },
          ...(frame !== undefined ? { frame } : {}),
        });
        return { started: true };
      }),
    );
    this._store.add(
      m.onRequest('video/openExternal', async ({ file }) => {
        const started = await vscode.commands.executeCommand<boolean>(
          Commands.videoOpenExternalFile,
          doc.uri,
          file,
        );
        return { started: started === true };
      }),
    );
    const nwb = doc.nwb;
    if (!nwb) return; // Only `init` answers (with the open error); other requests get "unknown method".
    const handlers: DataHandlers = dataHandlers(nwb, doc.source);
    const register = <M extends DataMethod>(method: M) => {
      const handler = handlers[method] as (
        params: HostMethods[M]['params'],
        ctx: RequestContext,
      ) => Promise<HostMethods[M]['result']>;
      this._store.add(
        m.onRequest(method, async (params, ctx) => {
          try {
            return await handler(params, ctx);
          } finally {
            this._pushStats();
          }
        }),
      );
    };
    for (const method of Object.keys(handlers) as DataMethod[]) {
      if (method === 'export/csv') continue;
      register(method);
    }
    this._store.add(
      m.onRequest('export/csv', async (params, ctx) => {
        const { csv, rows } = await handlers['export/csv'](params, ctx);
        if (!params.save) return { csv, rows };
        const name = `${params.path.split('/').filter(Boolean).pop() ?? 'data'}.csv`;
        return { savedTo: await saveText(name, csv ?? ''), rows };
      }),
    );
  }

  private async _init(protocol: number): Promise<InitResult> {
    if (protocol !== PROTOCOL_VERSION) {
      throw new Error(
        `the viewer speaks protocol ${protocol}, the extension ${PROTOCOL_VERSION}; reload the window`,
      );
    }
    const doc = this.document;
    if (doc.error !== null || !doc.nwb) throw new Error(doc.error ?? 'the file could not be opened');
    const result: InitResult = {
      protocol: PROTOCOL_VERSION,
      file: await doc.fileInfo(),
      mode: this._viewType === ViewTypes.hdf5Viewer ? 'hdf5' : 'nwb',
      // The limit the document's reader was opened with: the webview plans slices by the same one.
      settings: { maxSliceElements: doc.nwb.limits.maxElements },
    };
    return result;
  }

  private _pushStats(): void {
    if (this.document.isDisposed) return;
    const stats = this.document.stats();
    if (stats.bytesFetched === this._lastBytes) return;
    this._lastBytes = stats.bytesFetched;
    this._messenger.notify({ type: 'stats', stats });
  }
}
