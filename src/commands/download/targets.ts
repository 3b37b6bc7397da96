import * as vscode from 'vscode';
import { assetRefOfUri } from '../../editor/assetUriOf';
import type { DownloadTarget } from '../../download/planner';
import { shownVersion, type TreeElement } from '../../tree/model';

/** A tree element (Dandiset, version, folder or asset) as a download target; undefined otherwise. */
export function targetFromElement(element: unknown): DownloadTarget | undefined {
  if (!element || typeof element !== 'object' || !('kind' in element)) return undefined;
  const e = element as TreeElement;
  switch (e.kind) {
    case 'dandiset':
      return {
        kind: 'dandiset',
        dandisetId: e.dandisetId,
        version: shownVersion(e.record)?.version ?? 'draft',
      };
    case 'version':
      return { kind: 'dandiset', dandisetId: e.dandisetId, version: e.version };
    case 'folder':
      return {
        kind: 'folder',
        dandisetId: e.dandisetId,
        version: e.version,
        path: `${e.path.replace(/\/+$/, '')}/`,
      };
    case 'asset':
      return { kind: 'asset', assetId: e.assetId, dandisetId: e.dandisetId, version: e.version };
    default:
      return undefined;
  }
}

/**
 * The arguments VS Code passes to a tree context-menu command: `(clicked, selected[])` with
 * multi-select. Every selected element is downloaded (the clicked one when nothing else is).
 */
export function targetsFromTreeArgs(clicked: unknown, selected: unknown): DownloadTarget[] {
  const elements = Array.isArray(selected) && selected.length > 0 ? selected : [clicked];
  const seen = new Set<string>();
  const out: DownloadTarget[] = [];
  for (const element of elements) {
    const target = targetFromElement(element);
    if (!target) continue;
    const key = JSON.stringify(target);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(target);
    }
  }
  return out;
}

/** The `dandi-asset:` URI of the viewer: from the argument, else the active custom editor tab. */
export function viewerAssetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  // A Uri that crossed a process boundary arrives as its plain components.
  if (arg && typeof arg === 'object' && typeof (arg as { scheme?: unknown }).scheme === 'string') {
    return vscode.Uri.from(
      arg as { scheme: string; authority?: string; path?: string; query?: string; fragment?: string },
    );
  }
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

export function targetFromAssetUri(uri: vscode.Uri): { target: DownloadTarget; apiUrl: string } {
  const ref = assetRefOfUri(uri);
  return {
    target: { kind: 'asset', assetId: ref.assetId, dandisetId: ref.dandisetId, version: ref.version },
    apiUrl: ref.apiUrl,
  };
}
