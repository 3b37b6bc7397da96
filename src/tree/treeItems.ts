import * as vscode from 'vscode';
import { Commands, Settings } from '../constants';
import type { DandisetMetadata, DandisetRecord } from '../dandi/types';
import {
  baseName,
  formatBytes,
  formatCount,
  shownVersion,
  type ActionElement,
  type AssetKind,
  type TreeElement,
} from './model';

/** The one mapping from tree elements to TreeItems: labels, icons, contextValue, tooltips, commands. */
export function toTreeItem(element: TreeElement): vscode.TreeItem {
  switch (element.kind) {
    case 'dandiset': {
      const record = element.record;
      const shown = shownVersion(record);
      const item = new vscode.TreeItem(
        `${record.identifier} · ${shown?.name ?? '(untitled)'}`,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = element.id;
      item.description = dandisetDescription(record);
      // The tooltip is left to resolveTreeItem: VS Code resolves only properties left undefined (license, species need metadata).
      item.iconPath = new vscode.ThemeIcon(
        record.embargo_status === 'OPEN' ? (element.pinned ? 'pinned' : 'database') : 'lock',
      );
      item.contextValue = record.embargo_status === 'OPEN' ? 'dandiset' : 'dandiset.embargoed';
      item.accessibilityInformation = { label: `Dandiset ${record.identifier}: ${shown?.name ?? ''}` };
      return item;
    }
    case 'version': {
      const s = element.summary;
      const published = element.version !== 'draft';
      const item = new vscode.TreeItem(
        published ? element.version : 'draft',
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = element.id;
      const when = (published ? s.created : s.modified)?.slice(0, 10);
      item.description = [when, formatBytes(s.size), formatCount(s.asset_count, 'file'), element.doi]
        .filter(Boolean)
        .join(' · ');
      const tip = new vscode.MarkdownString();
      tip.appendMarkdown(`**${published ? 'Published version' : 'Draft'}** `).appendText(element.version);
      tip
        .appendMarkdown('\n\n')
        .appendText(`${published ? 'Published' : 'Modified'} ${when ?? '?'} · status ${s.status}`);
      if (element.doi) tip.appendMarkdown('\n\nDOI: ').appendText(element.doi);
      item.tooltip = tip;
      item.iconPath = new vscode.ThemeIcon(published ? 'tag' : 'edit');
      item.contextValue = published ? 'version.published' : 'version.draft';
      return item;
    }
    case 'folder': {
      const item = new vscode.TreeItem(baseName(element.path), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = element.id;
      item.description = `${formatCount(element.files, 'file')} · ${formatBytes(element.size)}`;
      item.tooltip = pathTooltip(
        element.path,
        `${formatCount(element.files, 'file')}, ${formatBytes(element.size)}`,
      );
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'folder';
      return item;
    }
    case 'asset': {
      const item = new vscode.TreeItem(baseName(element.path), vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      item.description = formatBytes(element.size);
      item.tooltip = pathTooltip(element.path, `${formatBytes(element.size)} · asset ${element.assetId}`);
      item.iconPath = new vscode.ThemeIcon(ASSET_ICONS[element.assetKind]);
      item.contextValue = `asset.${element.assetKind}`;
      item.command = { command: Commands.openAsset, title: 'Open', arguments: [element] };
      return item;
    }
    case 'loadMore': {
      const label =
        element.total !== null
          ? `Load more... (${element.loaded.toLocaleString('en-US')} of ${element.total.toLocaleString('en-US')})`
          : 'Load more...';
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon('more');
      item.contextValue = 'loadMore';
      item.command = { command: Commands.loadMore, title: 'Load More', arguments: [element] };
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      if (element.detail) item.tooltip = new vscode.MarkdownString().appendText(element.detail);
      item.iconPath = new vscode.ThemeIcon(
        element.severity === 'error' ? 'error' : element.severity === 'warning' ? 'warning' : 'info',
      );
      item.contextValue = `message.${element.severity}`;
      return item;
    }
    case 'action': {
      const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon(ACTION_ICONS[element.action]);
      item.contextValue = 'action';
      item.command = actionCommand(element);
      return item;
    }
  }
}

/** Actions run the real commands; Retry refreshes the failed subtree (dandi.refresh takes the action element). */
function actionCommand(element: ActionElement): vscode.Command {
  switch (element.action) {
    case 'retry':
      return { command: Commands.refresh, title: element.label, arguments: [element] };
    case 'signIn':
      return { command: Commands.signIn, title: element.label };
    case 'clearSearch':
      return { command: Commands.clearSearch, title: element.label };
    case 'selectInstance':
      return { command: Commands.selectInstance, title: element.label };
    case 'changeApiUrl':
      return {
        command: 'workbench.action.openSettings',
        title: element.label,
        arguments: [`${Settings.section}.${Settings.apiUrl}`],
      };
  }
}

const ASSET_ICONS: Record<AssetKind, string> = {
  nwb: 'graph-line',
  zarr: 'layers',
  video: 'device-camera-video',
  image: 'file-media',
  text: 'file-code',
  other: 'file',
};

const ACTION_ICONS = {
  retry: 'refresh',
  signIn: 'sign-in',
  changeApiUrl: 'settings-gear',
  selectInstance: 'server-environment',
  clearSearch: 'clear-all',
} as const;

function dandisetDescription(record: DandisetRecord): string {
  const shown = shownVersion(record);
  if (!shown) return '';
  const parts = [formatBytes(shown.size), formatCount(shown.asset_count, 'file'), shown.version];
  if (record.embargo_status !== 'OPEN') parts.push(record.embargo_status.toLowerCase());
  return parts.join(' · ');
}

/** Markdown tooltip; every archive string goes through appendText (escaped, no HTML). */
export function dandisetTooltip(record: DandisetRecord, metadata?: DandisetMetadata): vscode.MarkdownString {
  const shown = shownVersion(record);
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendMarkdown('**').appendText(`DANDI:${record.identifier}`).appendMarkdown('** ');
  appendArchiveText(md, shown?.name ?? '');
  md.appendMarkdown('\n\n');
  const rows: [string, string][] = [
    ['Contact', record.contact_person || '—'],
    ['Version', shown ? shown.version : '—'],
    ['Size', shown ? `${formatBytes(shown.size)} in ${formatCount(shown.asset_count, 'file')}` : '—'],
    ['Access', record.embargo_status],
    ['Modified', record.modified.slice(0, 10)],
  ];
  if (record.star_count !== undefined) rows.push(['Stars', String(record.star_count)]);
  if (metadata) {
    const names = (list?: { name?: string }[]) =>
      (list ?? [])
        .map(t => t.name)
        .filter((n): n is string => Boolean(n))
        .join(', ') || '—';
    rows.push(['License', (metadata.license ?? []).map(l => l.replace(/^spdx:/, '')).join(', ') || '—']);
    rows.push(['Species', names(metadata.assetsSummary?.species)]);
    rows.push(['Approach', names(metadata.assetsSummary?.approach)]);
  }
  for (const [key, value] of rows)
    appendArchiveText(md.appendMarkdown(`$(dash) ${key}: `), value).appendMarkdown('  \n');
  return md;
}

/**
 * Archive text in Markdown: appendText escapes Markdown syntax and `>`, and with HTML off the
 * renderer shows tags as text; `<` and `&` become entities too, so no tag survives in the source.
 */
function appendArchiveText(md: vscode.MarkdownString, text: string): vscode.MarkdownString {
  return md.appendText(text.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
}

function pathTooltip(path: string, detail: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  appendArchiveText(md, path);
  md.appendMarkdown('\n\n').appendText(detail);
  return md;
}
