/**
 * HTML shells of the extension's webviews (the NWB viewer and the Dandiset details page): one
 * script and one stylesheet from dist/webview, under a strict CSP with a fresh cryptographic nonce
 * per render. Nothing from a file or the archive is written into the HTML; pages get their data
 * through messages.
 *
 * A page whose script or stylesheet fails to load asks to be loaded again ({@link showPage}).
 * That happens when two webviews start at once: VS Code serves webview resources through a
 * service worker that each new webview registers afresh, and a page that starts while the worker
 * is being replaced is left uncontrolled, so its resource requests go to the network and fail
 * (in code-server: net::ERR_NAME_NOT_RESOLVED). Nothing retries them, and the panel stays blank.
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

/** What a page posts when its own script or stylesheet did not load (see LOAD_GUARD). */
const PAGE_LOAD_FAILED = 'dandi-page-load-failed';
/** Fresh loads of a page that keeps failing, before the panel is left as it is. */
const MAX_PAGE_RELOADS = 3;

/**
 * Runs before the bundle: a failed load of a script or stylesheet (error events of elements reach
 * the window only in the capture phase) is reported once. The bundle has not run then, so
 * acquireVsCodeApi is still free; if it has run, its page is up and needs no reload.
 */
const LOAD_GUARD = `(() => {
  let reported = false;
  window.addEventListener('error', event => {
    const target = event.target;
    if (reported || !(target instanceof HTMLScriptElement || target instanceof HTMLLinkElement)) return;
    reported = true;
    try {
      acquireVsCodeApi().postMessage({ tag: '${PAGE_LOAD_FAILED}', url: String(target.src || target.href) });
    } catch {}
  }, true);
})();`;

export interface PageShell {
  /** Bundle name in dist/webview: loads `<bundle>.js` and `<bundle>.css`. */
  bundle: 'viewer' | 'details' | 'ome' | 'video';
  title: string;
  /** Static markup shown before the script runs (written by the extension, never from data). */
  placeholderHtml?: string;
}

function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: PageShell): string {
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
<script nonce="${nonce}">${LOAD_GUARD}</script>
<link rel="stylesheet" href="${escapeHtml(style.toString())}">
<title>${escapeHtml(shell.title)}</title>
</head>
<body>
${shell.placeholderHtml ?? ''}
<script nonce="${nonce}" src="${escapeHtml(script.toString())}"></script>
</body>
</html>`;
}

/**
 * Shows `shell` in `panel`, and shows it again (a fresh page, a fresh nonce) when the page reports
 * that its script or stylesheet did not load, up to MAX_PAGE_RELOADS times in a row; any other
 * message from the page means it runs, which resets the count. Listens until the panel is disposed.
 */
export function showPage(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  shell: PageShell,
  log: vscode.LogOutputChannel,
): void {
  let reloads = 0;
  const listening = panel.webview.onDidReceiveMessage((message: unknown) => {
    const failed = loadFailure(message);
    if (failed === null) {
      reloads = 0;
      return;
    }
    if (reloads >= MAX_PAGE_RELOADS) {
      log.error(
        `${shell.title}: ${failed} did not load after ${reloads} fresh loads; close and reopen the panel`,
      );
      return;
    }
    reloads++;
    log.warn(
      `${shell.title}: ${failed} did not load; loading the page again (${reloads}/${MAX_PAGE_RELOADS})`,
    );
    panel.webview.html = pageHtml(panel.webview, extensionUri, shell);
  });
  const disposing = panel.onDidDispose(() => {
    listening.dispose();
    disposing.dispose();
  });
  panel.webview.html = pageHtml(panel.webview, extensionUri, shell);
}

/** The resource named by a page's load-failure report, or null for any other message. */
function loadFailure(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as { tag?: unknown; url?: unknown };
  if (m.tag !== PAGE_LOAD_FAILED) return null;
  return typeof m.url === 'string' && m.url ? m.url : 'a resource';
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
