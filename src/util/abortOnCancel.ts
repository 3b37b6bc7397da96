import type * as vscode from 'vscode';

/**
 * An AbortSignal that aborts when a VS Code cancellation token fires (or another signal aborts).
 * dispose() unhooks both listeners, so a long-lived signal does not collect one per operation.
 */
export function abortOnCancel(token: vscode.CancellationToken, external?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const subscription = token.onCancellationRequested(abort);
  if (token.isCancellationRequested || external?.aborted) abort();
  external?.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      subscription.dispose();
      external?.removeEventListener('abort', abort);
    },
  };
}
