import * as vscode from 'vscode';
import type { DandiClient } from '../dandi/client';
import { abortOnCancel } from '../util/abortOnCancel';
import { Disposable } from '../util/disposable';
import { BrowseModel } from './browseModel';
import type { BrowseModelOptions } from './browseTypes';
import { shownVersion, type TreeElement } from './model';
import { dandisetTooltip, toTreeItem } from './treeItems';

/** TreeDataProvider over a {@link BrowseModel}; one per view (Dandisets, My Dandisets, Starred). */
export class DandiTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeElement> {
  readonly model: BrowseModel;
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeElement | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(
    options: BrowseModelOptions,
    private readonly client: () => DandiClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.model = new BrowseModel(options);
    this._register(this.model.onDidChange(element => this._onDidChangeTreeData.fire(element)));
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    return toTreeItem(element);
  }

  async getChildren(element?: TreeElement): Promise<TreeElement[]> {
    try {
      return await this.model.getChildren(element);
    } catch (e) {
      // The model turns API failures into message elements; this only guards against bugs.
      this.log.error(`Tree children failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  getParent(element: TreeElement): TreeElement | undefined {
    return this.model.getParent(element);
  }

  /** Fills the Dandiset tooltip with license, species and approach from the version metadata on hover. */
  async resolveTreeItem(
    item: vscode.TreeItem,
    element: TreeElement,
    token: vscode.CancellationToken,
  ): Promise<vscode.TreeItem> {
    if (element.kind !== 'dandiset') return item;
    item.tooltip = dandisetTooltip(element.record);
    const version = shownVersion(element.record)?.version;
    if (!version) return item;
    const abort = abortOnCancel(token);
    try {
      const metadata = await this.client().getVersionMetadata(element.dandisetId, version, abort.signal);
      item.tooltip = dandisetTooltip(element.record, metadata);
    } catch {
      // Keep the tooltip built from the list record.
    } finally {
      abort.dispose();
    }
    return item;
  }

  refresh(element?: TreeElement): void {
    this.model.refresh(element);
  }
}
