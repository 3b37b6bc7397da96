/**
 * The read-only custom editor behind `dandi.nwbViewer` (default for *.nwb) and `dandi.hdf5Viewer`
 * (option for *.h5/*.hdf5). Documents own the open file; each panel gets its own messenger.
 * Tracks what is open so tests can check that closing every editor releases everything.
 */
import * as vscode from 'vscode';
import { abortOnCancel } from '../util/abortOnCancel';
import { Disposable } from '../util/disposable';
import type { ExtensionServices } from '../services';
import { NwbDocument } from './nwbDocument';
import { SessionClocks } from './sessionClock';
import { ViewerPanel, type WebviewChannel } from './viewerPanel';
import { showPage, webviewOptions } from './webviewHtml';

export class NwbEditorProvider
  extends Disposable
  implements vscode.CustomReadonlyEditorProvider<NwbDocument>
{
  private readonly _documents = new Set<NwbDocument>();
  private readonly _panels = new Set<ViewerPanel>();
  private _active: ViewerPanel | undefined;
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  /** Fires when a document or a panel opens or closes. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _channelWrappers = new Set<(channel: WebviewChannel) => WebviewChannel>();
  /** One time cursor and selection per open file, shared by its panels. */
  readonly clocks = new SessionClocks();

  constructor(private readonly _services: ExtensionServices) {
    super();
    this._register(this._onDidChange);
  }

  /**
   * Wraps the webview channel of every panel opened from now on, until disposed. This is how the
   * VS Code tests record and drive a panel's traffic; normal sessions never call it.
   */
  wrapChannels(wrap: (channel: WebviewChannel) => WebviewChannel): vscode.Disposable {
    this._channelWrappers.add(wrap);
    return new vscode.Disposable(() => this._channelWrappers.delete(wrap));
  }

  /** Registers the provider under both view types. */
  register(viewTypes: string[]): void {
    for (const viewType of viewTypes) {
      this._register(
        vscode.window.registerCustomEditorProvider(viewType, new ViewTypeBinding(this, viewType), {
          supportsMultipleEditorsPerDocument: true,
        }),
      );
    }
  }

  get documentCount(): number {
    return this._documents.size;
  }

  get panelCount(): number {
    return this._panels.size;
  }

  get panels(): readonly ViewerPanel[] {
    return [...this._panels];
  }

  /** The panel of the active viewer tab, if any. */
  get activePanel(): ViewerPanel | undefined {
    return this._active && this._active.webviewPanel.active
      ? this._active
      : [...this._panels].find(p => p.webviewPanel.active);
  }

  /** Called by VS Code when the first editor of `uri` opens. */
  async openCustomDocument(
    uri: vscode.Uri,
    _context: vscode.CustomDocumentOpenContext,
    token: vscode.CancellationToken,
  ): Promise<NwbDocument> {
    const abort = abortOnCancel(token);
    try {
      const document = await NwbDocument.open(uri, this._services, abort.signal);
      this._documents.add(document);
      document.onDidDispose(() => {
        this._documents.delete(document);
        this._onDidChange.fire();
      });
      this._onDidChange.fire();
      return document;
    } finally {
      abort.dispose();
    }
  }

  /** Called by VS Code for each editor (panel) of a document. */
  async resolveCustomEditor(
    document: NwbDocument,
    webviewPanel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
    viewType?: string,
  ): Promise<void> {
    const extensionUri = this._services.context.extensionUri;
    webviewPanel.webview.options = webviewOptions(extensionUri);
    let channel: WebviewChannel = webviewPanel.webview;
    for (const wrap of this._channelWrappers) channel = wrap(channel);
    const panel = new ViewerPanel(
      document,
      webviewPanel,
      viewType ?? '',
      this._services.log,
      channel,
      this.clocks,
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
      this._onDidChange.fire();
    });
    showPage(webviewPanel, extensionUri, { bundle: 'viewer', title: document.fileName }, this._services.log);
    this._onDidChange.fire();
  }

  /**
   * Opens `uri` in a viewer panel of its own, outside the custom-editor machinery: a Zarr store is
   * a folder (or a remote prefix), which VS Code's editors do not open as a resource.
   */
  async openPanel(uri: vscode.Uri, viewType: string, title: string): Promise<ViewerPanel> {
    const cancel = new vscode.CancellationTokenSource();
    try {
      const document = await this.openCustomDocument(
        uri,
        { untitledDocumentData: undefined, backupId: undefined },
        cancel.token,
      );
      const webviewPanel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
        ...webviewOptions(this._services.context.extensionUri),
        retainContextWhenHidden: true,
      });
      // The panel owns its document here (a custom editor's document is VS Code's to dispose).
      webviewPanel.onDidDispose(() => document.dispose());
      await this.resolveCustomEditor(document, webviewPanel, cancel.token, viewType);
      return [...this._panels].find(p => p.webviewPanel === webviewPanel) as ViewerPanel;
    } finally {
      cancel.dispose();
    }
  }

  override dispose(): void {
    for (const panel of this._panels) panel.dispose();
    this._panels.clear();
    super.dispose();
  }
}

/** Passes the view type to the shared provider (the API does not tell resolveCustomEditor which one). */
class ViewTypeBinding implements vscode.CustomReadonlyEditorProvider<NwbDocument> {
  constructor(
    private readonly _provider: NwbEditorProvider,
    private readonly _viewType: string,
  ) {}

  openCustomDocument(
    uri: vscode.Uri,
    context: vscode.CustomDocumentOpenContext,
    token: vscode.CancellationToken,
  ): Promise<NwbDocument> {
    return this._provider.openCustomDocument(uri, context, token);
  }

  resolveCustomEditor(
    document: NwbDocument,
    webviewPanel: vscode.WebviewPanel,
    token: vscode.CancellationToken,
  ): Promise<void> {
    return this._provider.resolveCustomEditor(document, webviewPanel, token, this._viewType);
  }
}
