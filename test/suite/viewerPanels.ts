/**
 * Driving the NWB viewer's real panels from the VS Code suite: open a file in the viewer, show an
 * object as the host's reveal does, wait for the webview's `rendered` event, and read the reply the
 * host sent the webview. The traffic comes from {@link recordPanels} (started by the caller).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, ViewTypes } from '../../src/constants';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerFeature } from '../../src/editor/registerViewer';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { HostMethods, WebviewEvent } from '../../src/shared/protocol';
import { recordPanels, recorderOf } from './panelRecorder';

export type Rendered = Extract<WebviewEvent, { type: 'rendered' }>;

/** What a viewer suite's tests reach, there once `before` has run. */
export interface ViewerSuite {
  readonly provider: NwbEditorProvider;
  readonly viewer: ViewerFeature;
  /** The extension's folder: the repository, with the generated fixtures in `.cache`. */
  readonly repo: string;
}

export interface ViewerSuiteOptions {
  /**
   * Also close the HDF5 files the viewer keeps open after their editors close, after each test,
   * so that every test reads its files anew (from the disk or the network, not from memory).
   */
  closeKeptFiles?: boolean;
}

/**
 * Registers the hooks a viewer suite needs: the extension activated and its panels recorded
 * before the suite; after each test every editor closed and every document and panel released
 * (and, on request, the kept files closed); the recording stopped after the suite.
 */
export function useViewer(options: ViewerSuiteOptions = {}): ViewerSuite {
  let viewer: ViewerFeature | undefined;
  let repo: string | undefined;
  let recording: vscode.Disposable | undefined;
  before(async () => {
    const extension = vscode.extensions.getExtension<{ viewer: ViewerFeature }>(EXTENSION_ID);
    assert.ok(extension, 'extension installed');
    viewer = (await extension.activate()).viewer;
    repo = extension.extensionPath;
    recording = recordPanels(viewer.provider);
  });
  after(() => recording?.dispose());
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (!viewer) return;
    await released(viewer.provider);
    if (options.closeKeptFiles) await viewer.closeKeptFiles();
  });
  const activated = (): ViewerFeature => {
    assert.ok(viewer, 'the extension is activated in before()');
    return viewer;
  };
  return {
    get provider() {
      return activated().provider;
    },
    get viewer() {
      return activated();
    },
    get repo() {
      activated();
      return repo as string;
    },
  };
}

/** Resolves once the provider has released every document and panel (after their editors closed). */
export function released(provider: NwbEditorProvider, timeoutMs = 60_000): Promise<void> {
  const done = () => provider.documentCount === 0 && provider.panelCount === 0;
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`still open: ${provider.documentCount} documents, ${provider.panelCount} panels`));
    }, timeoutMs);
    const sub = provider.onDidChange(() => {
      if (!done()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Resolves with the first `rendered` event of `panel` that matches (already received or to come). */
export function rendered(
  panel: ViewerPanel,
  match: (e: Rendered) => boolean,
  timeoutMs = 60_000,
): Promise<Rendered> {
  const recorder = recorderOf(panel);
  const seen = recorder.received.find((e): e is Rendered => e.type === 'rendered' && match(e));
  if (seen) return Promise.resolve(seen);
  return new Promise<Rendered>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the webview did not render (received: ${JSON.stringify(recorder.received)})`));
    }, timeoutMs);
    const sub = recorder.onDidReceiveEvent(e => {
      if (e.type !== 'rendered' || !match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Opens `uri` in the NWB viewer (or the HDF5 one) and resolves with its panel once the first view is drawn. */
export async function openInViewer(
  provider: NwbEditorProvider,
  uri: vscode.Uri,
  viewType: string = ViewTypes.nwbViewer,
): Promise<ViewerPanel> {
  await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
  const find = () => provider.panels.find(p => p.document.uri.toString() === uri.toString());
  const panel =
    find() ??
    (await new Promise<ViewerPanel>((resolve, reject) => {
      const timer = setTimeout(
        () => (sub.dispose(), reject(new Error(`no panel for ${uri.fsPath}`))),
        60_000,
      );
      const sub = provider.onDidChange(() => {
        const found = find();
        if (!found) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(found);
      });
    }));
  await rendered(panel, () => true);
  return panel;
}

/** Shows `path` as the host's reveal does and resolves with the webview's `rendered` event for it. */
export async function showInPanel(panel: ViewerPanel, path: string): Promise<Rendered> {
  panel.notify({ type: 'reveal', path });
  const done = await rendered(panel, e => e.path === path);
  assert.equal(done.state, 'ready', done.detail);
  return done;
}

/** The last reply the host sent the real webview for `method` on `path`. */
export function lastReply<M extends keyof HostMethods>(
  panel: ViewerPanel,
  method: M,
  path: string,
): HostMethods[M]['result'] {
  const recorder = recorderOf(panel);
  const ids = recorder.requests
    .filter(r => r.method === method && (r.params as { path?: string }).path === path)
    .map(r => r.id);
  const reply = recorder.sent.filter(m => m.kind === 'ok' && ids.includes(m.id)).pop();
  assert.ok(reply && reply.kind === 'ok', `the host answered ${method} for ${path}`);
  return reply.result as HostMethods[M]['result'];
}
