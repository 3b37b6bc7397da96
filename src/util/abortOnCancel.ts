/** The part of a VS Code CancellationToken this needs; plain Node code can pass its own. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

/** An abortable signal, and how to stop following what it was linked to. */
export interface AbortLink {
  signal: AbortSignal;
  abort(): void;
  dispose(): void;
}

/**
 * An AbortSignal that aborts when `abort()` is called or another signal aborts. dispose() unhooks
 * it from that signal, so a long-lived signal does not collect one listener per operation.
 */
export function linkedAbort(external?: AbortSignal): AbortLink {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (external?.aborted) abort();
  external?.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, abort, dispose: () => external?.removeEventListener('abort', abort) };
}

/**
 * An AbortSignal that aborts when a VS Code cancellation token fires (or another signal aborts).
 * dispose() unhooks both listeners.
 */
export function abortOnCancel(token: CancellationTokenLike, external?: AbortSignal): AbortLink {
  const link = linkedAbort(external);
  const subscription = token.onCancellationRequested(link.abort);
  if (token.isCancellationRequested) link.abort();
  return {
    ...link,
    dispose: () => {
      subscription.dispose();
      link.dispose();
    },
  };
}
