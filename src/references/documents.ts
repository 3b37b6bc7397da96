import * as vscode from 'vscode';
import type { DandiInstance } from '../dandi/types';
import { findDandiReferences, type FoundReference } from './scanner';

/** Every text document that can hold a reference: files, untitled ones and notebook cells. */
export const REFERENCE_DOCUMENTS: vscode.DocumentSelector = [
  { scheme: 'file' },
  { scheme: 'untitled' },
  { scheme: 'vscode-notebook-cell' },
];

/** Past this size a document is not scanned: a data dump is not where people cite Dandisets. */
const MAX_SCANNED_CHARS = 5_000_000;

/**
 * The references of a document, scanned once per text and active instance (the link provider, the
 * hover and the diagnostics all ask for the same document's references).
 */
export class DocumentReferences {
  private readonly scans = new WeakMap<
    vscode.TextDocument,
    { instance: DandiInstance; text: string; found: FoundReference[] }
  >();

  constructor(private readonly activeInstance: () => DandiInstance) {}

  of(document: vscode.TextDocument): FoundReference[] {
    const instance = this.activeInstance();
    // Keyed by the text itself: VS Code may hand back one document object, at the same version,
    // for an untitled document closed and opened again with other content.
    const text = document.getText();
    const hit = this.scans.get(document);
    if (hit?.instance === instance && hit.text === text) return hit.found;
    const found = text.length > MAX_SCANNED_CHARS ? [] : findDandiReferences(text, { instances: [instance] });
    this.scans.set(document, { instance, text, found });
    return found;
  }

  at(document: vscode.TextDocument, position: vscode.Position): FoundReference | undefined {
    const offset = document.offsetAt(position);
    return this.of(document).find(f => f.start <= offset && offset <= f.end);
  }
}

export function rangeOf(document: vscode.TextDocument, found: FoundReference): vscode.Range {
  return new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
}

/** A `command:` URI running `command` with `args` (what links and trusted Markdown run). */
export function commandUri(command: string, args: unknown[]): vscode.Uri {
  return vscode.Uri.parse(`command:${command}?${encodeURIComponent(JSON.stringify(args))}`);
}

/**
 * Whether the user has the document open: shown in an editor, in a tab, or a cell of a notebook in
 * a tab. VS Code also loads documents nobody looks at (diff bases, other extensions' reads); those
 * are never looked up.
 */
export function isOpenByUser(document: vscode.TextDocument): boolean {
  const uri = document.uri.toString();
  if (vscode.window.visibleTextEditors.some(e => e.document === document)) return true;
  const notebook =
    document.uri.scheme === 'vscode-notebook-cell'
      ? document.uri.with({ scheme: 'file', fragment: '' })
      : undefined;
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputText && input.uri.toString() === uri) return true;
      if (input instanceof vscode.TabInputTextDiff && input.modified.toString() === uri) return true;
      if (notebook && input instanceof vscode.TabInputNotebook && input.uri.path === notebook.path)
        return true;
    }
  }
  return false;
}
