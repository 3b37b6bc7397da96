/**
 * "Open as notebook" (dandi.openAsNotebook) from the DANDI tree (an asset, a Dandiset or a
 * version), from a local NWB file in the explorer, and from the NWB viewer's selected object (its
 * header button and the palette). The notebook opens untitled in VS Code's notebook editor, for the
 * user to save: the `jupyter-notebook` type is VS Code's built-in ipynb extension, present in
 * code-server too; where it is missing (disabled), the nbformat JSON opens as an untitled document.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { ViewerFeature } from '../editor/registerViewer';
import { describeSource, errorText } from '../editor/nwbDocument';
import type { ViewerPanel } from '../editor/viewerPanel';
import {
  NOTEBOOK_METADATA,
  notebookCells,
  toIpynb,
  type Ipynb,
  type NotebookCell,
  type NotebookSubject,
} from '../notebook/notebook';
import { resolveView } from '../nwb/views';
import type { ExtensionServices } from '../services';

/** What the command opened (the VS Code tests read the notebook from here). */
export interface OpenedNotebook {
  ipynb: Ipynb;
  /** The notebook editor, or the JSON text when no `jupyter-notebook` serializer exists. */
  openedAs: 'notebook' | 'json';
  uri: string;
}

export function registerNotebookCommands(services: ExtensionServices, viewer: ViewerFeature): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(
      Commands.openAsNotebook,
      async (arg?: unknown): Promise<OpenedNotebook | undefined> => {
        try {
          const subject = await subjectOf(arg, services, viewer);
          if (!subject) {
            void vscode.window.showInformationMessage(
              'Open as notebook works on an NWB asset, a Dandiset or version in the DANDI view, a local .nwb file, or the object selected in the NWB viewer.',
            );
            return undefined;
          }
          return await openNotebook(notebookCells(subject));
        } catch (e) {
          void vscode.window.showErrorMessage(`Could not make a notebook: ${errorText(e)}`);
          return undefined;
        }
      },
    ),
  );
}

async function subjectOf(
  arg: unknown,
  services: ExtensionServices,
  viewer: ViewerFeature,
): Promise<NotebookSubject | undefined> {
  const apiUrl = services.session.instance.apiUrl;
  if (arg instanceof vscode.Uri) return { kind: 'file', source: describeSource(arg) };
  const record = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
  const text = (key: string): string | undefined =>
    typeof record[key] === 'string' ? (record[key] as string) : undefined;
  const dandisetId = text('dandisetId');
  switch (record.kind) {
    // The viewer's header button: { kind: 'viewerObject', uri: <the document's URI>, path }.
    case 'viewerObject': {
      const uri = text('uri');
      const path = text('path');
      const panel = viewer.provider.panels.find(p => p.document.uri.toString() === uri);
      if (!panel || path === undefined) throw new Error('that viewer is closed');
      return objectSubject(panel, path);
    }
    case 'asset': {
      const assetId = text('assetId');
      const path = text('path');
      const version = text('version');
      if (!dandisetId || !assetId || path === undefined || !version) return undefined;
      return { kind: 'file', source: { kind: 'dandi', apiUrl, assetId, dandisetId, version, path } };
    }
    case 'version': {
      const version = text('version');
      if (!dandisetId || !version) return undefined;
      return { kind: 'dandiset', apiUrl, dandisetId, version, ...nameOf(record.summary) };
    }
    case 'dandiset': {
      if (!dandisetId) return undefined;
      const { most_recent_published_version: published, draft_version: draft } = (record.record ?? {}) as {
        most_recent_published_version?: unknown;
        draft_version?: unknown;
      };
      const summary = published ?? draft;
      const version = versionOf(summary) ?? 'draft';
      return { kind: 'dandiset', apiUrl, dandisetId, version, ...nameOf(summary) };
    }
  }
  if (arg !== undefined) return undefined;
  const panel =
    viewer.provider.activePanel ?? (viewer.provider.panelCount === 1 ? viewer.provider.panels[0] : undefined);
  return panel ? objectSubject(panel, panel.selection?.path ?? '/') : undefined;
}

const versionOf = (summary: unknown): string | undefined => {
  const version = (summary as { version?: unknown } | null | undefined)?.version;
  return typeof version === 'string' ? version : undefined;
};

const nameOf = (summary: unknown): { name?: string } => {
  const name = (summary as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? { name } : {};
};

/** The viewer's object with its type, inheritance and view, resolved as the viewer does. */
async function objectSubject(panel: ViewerPanel, path: string): Promise<NotebookSubject> {
  const nwb = panel.document.nwb;
  if (!nwb) throw new Error(panel.document.error ?? 'the file is not open');
  const resolved = await resolveView(nwb, path);
  return {
    kind: 'file',
    source: panel.document.source,
    object: {
      path,
      inheritance: resolved.inheritance,
      view: resolved.view,
      ...(resolved.neurodataType ? { neurodataType: resolved.neurodataType } : {}),
    },
  };
}

async function openNotebook(cells: readonly NotebookCell[]): Promise<OpenedNotebook> {
  const ipynb = toIpynb(cells);
  const data = new vscode.NotebookData(
    cells.map(
      cell =>
        new vscode.NotebookCellData(
          cell.kind === 'code' ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup,
          cell.source,
          cell.kind === 'code' ? 'python' : 'markdown',
        ),
    ),
  );
  // The shape the built-in ipynb serializer keeps as the notebook's own metadata.
  data.metadata = { cells: [], metadata: NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 };
  let notebook: vscode.NotebookDocument;
  try {
    notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
  } catch {
    const json = await vscode.workspace.openTextDocument({
      language: 'json',
      content: `${JSON.stringify(ipynb, null, 1)}\n`,
    });
    await vscode.window.showTextDocument(json);
    return { ipynb, openedAs: 'json', uri: json.uri.toString() };
  }
  await vscode.window.showNotebookDocument(notebook);
  return { ipynb, openedAs: 'notebook', uri: notebook.uri.toString() };
}
