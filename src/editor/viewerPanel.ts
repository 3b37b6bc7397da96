/**
 * One viewer panel: its messenger, the request handlers wired to the document's NWB file, the
 * stats pushed to the header, and (in tests) a record of every message sent to the webview.
 * Everything here lives as long as the panel and is released in dispose().
 */
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../constants';
import { dataHandlers, type DataHandlers, type DataMethod } from '../nwb/service';
import { Messenger, parseEnvelope, type RequestContext } from '../shared/messenger';
import {
  ENVELOPE_TAG,
  PROTOCOL_VERSION,
  type Envelope,
  type HostEvent,
  type HostMethodMap,
  type HostMethods,
  type InitResult,
  type ViewKind,
  type WebviewEvent,
  type WebviewMethods,
} from '../shared/protocol';
import { DisposableStore, toDisposable } from '../util/disposable';
import type { NwbDocument } from './nwbDocument';
import { saveBytes, saveText } from './saveFile';

type HostMessenger = Messenger<HostMethodMap, WebviewMethods, HostEvent, WebviewEvent>;

/** Messages kept per panel in test mode (bounded so a long session cannot grow without limit). */
const MAX_RECORDED = 2000;
const STATS_INTERVAL_MS = 500;

export class ViewerPanel {
  private readonly _store = new DisposableStore();
  private readonly _messenger: HostMessenger;
  private _lastBytes = -1;
  private _initId = -1;
  private _nextTestId = 1_000_000_000;
  private readonly _testReplies = new Map<number, (envelope: Envelope) => void>();
  /** The object the user selected last (for dandi.viewer.copyPythonSnippet). */
  selection: { path: string; view: ViewKind } | undefined;
  /** Messages sent to the webview, when recording (tests). */
  readonly sent: Envelope[] = [];
  /** Events the webview sent (selection, rendered), when recording. */
  readonly received: WebviewEvent[] = [];
  /** Requests the webview sent, when recording (their replies are in `sent`, by id). */
  readonly requests: { id: number; method: string; params: unknown }[] = [];
  private readonly _onDidReceiveEvent = new vscode.EventEmitter<WebviewEvent>();
  /** Fires for each event from the webview (selection, rendered). */
  readonly onDidReceiveEvent = this._onDidReceiveEvent.event;
  private readonly _onDidSend = new vscode.EventEmitter<Envelope>();
  /** Fires for each message sent to the webview, when recording. */
  readonly onDidSend = this._onDidSend.event;

  constructor(
    readonly document: NwbDocument,
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly _viewType: string,
    private readonly _log: vscode.LogOutputChannel,
    private readonly _record: boolean,
  ) {
    const webview = webviewPanel.webview;
    this._messenger = new Messenger({
      post: message => {
        if (this._record) this._remember(message);
        if ((message.kind === 'ok' || message.kind === 'err') && this._testReplies.has(message.id)) {
          this._testReplies.get(message.id)?.(message);
          return;
        }
        void webview.postMessage(message);
        // Events wait until the webview has the init reply (its listener and first paint data).
        if (message.kind !== 'req' && message.kind !== 'event' && message.kind !== 'cancel' && message.id === this._initId) {
          this._messenger.releaseEvents();
        }
      },
      holdEvents: true,
      onDiagnostic: text => this._log.debug(`NWB viewer: ${text}`),
    });
    this._store.add(this._messenger);
    this._store.add(this._onDidReceiveEvent);
    this._store.add(this._onDidSend);
    this._store.add(
      webview.onDidReceiveMessage(message => {
        const envelope = this._record ? parseEnvelope(message) : null;
        if (envelope?.kind === 'req') this.requests.push({ id: envelope.id, method: envelope.method, params: envelope.params });
        this._messenger.handle(message);
      }),
    );
    this._registerHandlers();
    for (const type of ['selection', 'rendered'] as const) {
      this._store.add(
        this._messenger.onEvent(type, event => {
          if (event.type === 'selection') this.selection = { path: event.path, view: event.view };
          if (this._record) this.received.push(event);
          this._onDidReceiveEvent.fire(event);
        }),
      );
    }
    const timer = setInterval(() => this._pushStats(), STATS_INTERVAL_MS);
    this._store.add(toDisposable(() => clearInterval(timer)));
  }

  /** Sends an event to the webview (held until the ready handshake). */
  notify(event: HostEvent): void {
    this._messenger.notify(event);
  }

  /** Feeds a message to this panel's messenger as if the webview had posted it (tests). */
  injectFromWebview(message: unknown): void {
    this._messenger.handle(message);
  }

  /**
   * Runs a request through this panel's messenger exactly as if the webview had sent it, and
   * returns the host's reply (for the VS Code tests; the reply is recorded like any other).
   */
  requestAsWebview<M extends keyof HostMethods & string>(method: M, params: HostMethods[M]['params']): Promise<HostMethods[M]['result']> {
    const id = this._nextTestId++;
    return new Promise((resolve, reject) => {
      this._testReplies.set(id, envelope => {
        this._testReplies.delete(id);
        if (envelope.kind === 'ok') resolve(envelope.result as HostMethods[M]['result']);
        else if (envelope.kind === 'err') reject(new Error(envelope.message));
      });
      this._messenger.handle({ tag: ENVELOPE_TAG, kind: 'req', id, method, params });
    });
  }

  dispose(): void {
    for (const settle of this._testReplies.values()) settle({ tag: ENVELOPE_TAG, kind: 'err', id: 0, message: 'panel disposed' });
    this._testReplies.clear();
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
    this._store.add(m.onRequest('export/png', async ({ suggestedName, png }) => ({ savedTo: await saveBytes(suggestedName, png) })));
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
    const nwb = doc.nwb;
    if (!nwb) return; // Only `init` answers (with the open error); other requests get "unknown method".
    const handlers: DataHandlers = dataHandlers(nwb, doc.source);
    const register = <M extends DataMethod>(method: M) => {
      const handler = handlers[method] as (params: HostMethods[M]['params'], ctx: RequestContext) => Promise<HostMethods[M]['result']>;
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
      throw new Error(`the viewer speaks protocol ${protocol}, the extension ${PROTOCOL_VERSION}; reload the window`);
    }
    const doc = this.document;
    if (doc.error !== null || !doc.nwb) throw new Error(doc.error ?? 'the file could not be opened');
    const config = vscode.workspace.getConfiguration('dandi');
    const result: InitResult = {
      protocol: PROTOCOL_VERSION,
      file: await doc.fileInfo(),
      mode: this._viewType === ViewTypes.hdf5Viewer ? 'hdf5' : 'nwb',
      settings: { maxSliceElements: config.get<number>('viewer.maxSliceElements', 4_000_000) },
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

  private _remember(message: Envelope): void {
    this.sent.push(message);
    if (this.sent.length > MAX_RECORDED) this.sent.splice(0, this.sent.length - MAX_RECORDED);
    if (this.requests.length > MAX_RECORDED) this.requests.splice(0, this.requests.length - MAX_RECORDED);
    this._onDidSend.fire(message);
  }
}
