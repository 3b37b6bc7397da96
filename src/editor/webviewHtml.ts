/**
 * HTML shells of the extension's webviews (the NWB viewer and the Dandiset details page): one
 * script and one stylesheet from dist/webview, under a strict CSP with a fresh cryptographic nonce
 * per render. Nothing from a file or the archive is written into the HTML; pages get their data
 * through messages.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export interface PageShell {
  /** Bundle name in dist/webview: loads `<bundle>.js` and `<bundle>.css`. */
  bundle: 'viewer' | 'details' | 'ome' | 'video';
  title: string;
  /** Static markup shown before the script runs (written by the extension, never from data). */
  placeholderHtml?: string;
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: PageShell): string {
  const nonce = randomBytes(18).toString('base64');
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${shell.bundle}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, `${shell.bundle}.css`));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`, // the bundled stylesheet only, no inline styles
    `img-src ${webview.cspSource} blob: data:`, // canvas exports and image frames
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`, // no unsafe-eval, no unsafe-inline: h5wasm runs in the host
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(style.toString())}">
<title>${escapeHtml(shell.title)}</title>
</head>
<body>
${shell.placeholderHtml ?? ''}
<script nonce="${nonce}" src="${escapeHtml(script.toString())}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
