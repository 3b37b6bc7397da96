import type * as vscode from 'vscode';
import type { DandiReference } from '../dandi/references';
import type { DandiSession } from '../session/session';
import type { TreeElement } from './model';
import type { ListQuery } from './query';
import type { DandiTreeProvider } from './treeProvider';

/** One tree view with its provider. */
export interface BrowseView {
  id: string;
  provider: DandiTreeProvider;
  view: vscode.TreeView<TreeElement>;
}

export interface RevealOptions {
  /**
   * A reference for another instance than the active one: 'ask' (default; offers to switch),
   * 'active' (look the same ids up in the active instance), 'switch' (switch without asking).
   */
  otherInstance?: 'ask' | 'active' | 'switch';
  /** Expand the revealed element (folders, versions, Dandisets). */
  expand?: boolean;
}

/** What the browse commands share. */
export interface BrowseContext {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly session: DandiSession;
  readonly explorer: BrowseView;
  readonly mine: BrowseView;
  readonly starred: BrowseView;
  query(): ListQuery;
  setQuery(query: ListQuery): Promise<void>;
  /** The view a command was invoked from (by its element), else the explorer. */
  viewOf(element: TreeElement | undefined): BrowseView;
  /** Reveals a reference (text or parsed) in the explorer; returns the element, or undefined after telling the user why not. */
  revealReference(
    reference: string | DandiReference,
    options?: RevealOptions,
  ): Promise<TreeElement | undefined>;
}
