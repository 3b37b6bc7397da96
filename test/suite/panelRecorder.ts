/**
 * Records and drives a viewer panel's traffic in the VS Code tests, by wrapping the panel's webview
 * channel (NwbEditorProvider.wrapChannels): every message the panel posted, every request and
 * event the real webview sent, and requests made as if by the webview, whose replies come back to
 * the test instead of going to the webview.
 */
import * as vscode from 'vscode';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerPanel, WebviewChannel } from '../../src/editor/viewerPanel';
import { parseEnvelope } from '../../src/shared/messenger';
import {
  ENVELOPE_TAG,
  type Envelope,
  type HostMethods,
  type WebviewEvent,
  type WebviewMethods,
} from '../../src/shared/protocol';

/** Ids of the test's own requests: far above the webview's, which count from 1. */
const FIRST_TEST_ID = 1_000_000_000;

export class PanelRecorder implements WebviewChannel {
  /** Every message the panel posted, the replies to the test's own requests included. */
  readonly sent: Envelope[] = [];
  /** Events sent by the webview or injected by the test (selection, rendered). */
  readonly received: WebviewEvent[] = [];
  /** Requests the real webview sent (their replies are in `sent`, by id). */
  readonly requests: { id: number; method: string; params: unknown }[] = [];
  private readonly _toPanel = new vscode.EventEmitter<unknown>();
  readonly onDidReceiveMessage = this._toPanel.event;
  private readonly _onDidSend = new vscode.EventEmitter<Envelope>();
  /** Fires for each message the panel posts. */
  readonly onDidSend = this._onDidSend.event;
  private readonly _onDidReceiveEvent = new vscode.EventEmitter<WebviewEvent>();
  /** Fires for each event that reaches the panel. */
  readonly onDidReceiveEvent = this._onDidReceiveEvent.event;
  private _nextId = FIRST_TEST_ID;
  private readonly _replies = new Map<number, (envelope: Envelope) => void>();
  /** The test's own requests to the webview, by id: their replies never reach the panel. */
  private readonly _asked = new Map<number, (envelope: Envelope) => void>();
  private readonly _fromWebview: vscode.Disposable;

  constructor(private readonly _webview: WebviewChannel) {
    this._fromWebview = _webview.onDidReceiveMessage(message => {
      const envelope = parseEnvelope(message);
      if (envelope?.kind === 'req')
        this.requests.push({ id: envelope.id, method: envelope.method, params: envelope.params });
      if (envelope && (envelope.kind === 'ok' || envelope.kind === 'err')) {
        const asked = this._asked.get(envelope.id);
        if (asked) {
          this._asked.delete(envelope.id);
          asked(envelope);
          return;
        }
      }
      this.inject(message);
    });
  }

  postMessage(message: Envelope): Thenable<boolean> {
    this.sent.push(message);
    this._onDidSend.fire(message);
    const id = message.kind === 'ok' || message.kind === 'err' ? message.id : undefined;
    const reply = id === undefined ? undefined : this._replies.get(id);
    if (id === undefined || !reply) return this._webview.postMessage(message);
    this._replies.delete(id);
    reply(message);
    return Promise.resolve(true);
  }

  /** Hands `message` to the panel as if the webview had posted it. */
  inject(message: unknown): void {
    const envelope = parseEnvelope(message);
    if (envelope?.kind === 'event') {
      const event = envelope.event as WebviewEvent;
      this.received.push(event);
      this._onDidReceiveEvent.fire(event);
    }
    this._toPanel.fire(message);
  }

  /** Sends a request to the panel as the webview would, and returns the panel's reply. */
  request<M extends keyof HostMethods & string>(
    method: M,
    params: HostMethods[M]['params'],
  ): Promise<HostMethods[M]['result']> {
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      this._replies.set(id, envelope => {
        if (envelope.kind === 'ok') resolve(envelope.result as HostMethods[M]['result']);
        else
          reject(new Error(envelope.kind === 'err' ? envelope.message : `unexpected ${envelope.kind} reply`));
      });
      this.inject({ tag: ENVELOPE_TAG, kind: 'req', id, method, params });
    });
  }

  /** Sends a request to the real webview as the host would, and returns the webview's reply. */
  ask<M extends keyof WebviewMethods & string>(
    method: M,
    params: WebviewMethods[M]['params'],
  ): Promise<WebviewMethods[M]['result']> {
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      this._asked.set(id, envelope => {
        if (envelope.kind === 'ok') resolve(envelope.result as WebviewMethods[M]['result']);
        else
          reject(new Error(envelope.kind === 'err' ? envelope.message : `unexpected ${envelope.kind} reply`));
      });
      void this._webview.postMessage({ tag: ENVELOPE_TAG, kind: 'req', id, method, params });
    });
  }

  /** The panel is gone: its pending replies will never come. */
  close(): void {
    for (const settle of [...this._replies.values(), ...this._asked.values()])
      settle({ tag: ENVELOPE_TAG, kind: 'err', id: 0, message: 'panel disposed' });
    this._replies.clear();
    this._asked.clear();
    this._fromWebview.dispose();
    this._toPanel.dispose();
    this._onDidSend.dispose();
    this._onDidReceiveEvent.dispose();
  }
}

/** Puts a recorder around every viewer panel opened from now on, until the result is disposed. */
export function recordPanels(provider: NwbEditorProvider): vscode.Disposable {
  const open = new Set<PanelRecorder>();
  const wrapping = provider.wrapChannels(channel => {
    const recorder = new PanelRecorder(channel);
    open.add(recorder);
    return recorder;
  });
  // A recorder is created just before its panel joins provider.panels, within the same call.
  const closing = provider.onDidChange(() => {
    for (const recorder of open) {
      if (provider.panels.some(p => p.channel === recorder)) continue;
      recorder.close();
      open.delete(recorder);
    }
  });
  return new vscode.Disposable(() => {
    wrapping.dispose();
    closing.dispose();
  });
}

/** The recorder around `panel` (which must have opened after recordPanels). */
export function recorderOf(panel: ViewerPanel): PanelRecorder {
  if (panel.channel instanceof PanelRecorder) return panel.channel;
  throw new Error(`the panel of ${panel.document.uri.toString(true)} opened before recordPanels(provider)`);
}
