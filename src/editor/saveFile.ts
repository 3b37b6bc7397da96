/** Host-side saving of what the viewer exports (the webview cannot write files). */
import * as vscode from 'vscode';

async function ask(
  suggestedName: string,
  filters: Record<string, string[]>,
): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const safeName = suggestedName.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 200) || 'export';
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, safeName) : undefined,
    filters,
  });
}

/** Asks where to save `bytes`; returns the path, or undefined when the user cancelled. */
export async function saveBytes(suggestedName: string, bytes: ArrayBuffer): Promise<string | undefined> {
  if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes))
    throw new Error('the PNG data is not binary');
  const uri = await ask(suggestedName, { 'PNG image': ['png'] });
  if (!uri) return undefined;
  const data = ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  await vscode.workspace.fs.writeFile(uri, data);
  return uri.fsPath;
}

export async function saveText(suggestedName: string, text: string): Promise<string | undefined> {
  const uri = await ask(suggestedName, { CSV: ['csv'] });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri.fsPath;
}
