/**
 * One typed RPC endpoint, used by both the extension host and the webview (no `vscode`, no DOM).
 * It is hexeditor's MessageHandler with the gaps closed: the result type follows from the method
 * name, every request settles (handler errors become error replies, optional timeouts, dispose
 * rejects what is pending), incoming messages are validated, and requests can be cancelled.
 *
 * Wiring: pass `post` (e.g. `m => webview.postMessage(m)` or `m => vscodeApi.postMessage(m)`) and
 * feed every received message to {@link Messenger.handle}.
 */
import { ENVELOPE_TAG, type Envelope } from './protocol';

/** A map from method name to its parameters and result. */
export type MethodMap = { [method: string]: { params: unknown; result: unknown } };

/** Something with a type tag, the shape of every event. */
export interface EventLike {
  type: string;
}

export interface Disposable {
  dispose(): void;
}

/** The rejection of a request: the remote handler's message and, when known, a code. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface RequestContext {
  /** Aborted when the caller cancels the request or the messenger is disposed. */
  signal: AbortSignal;
  id: number;
}

export type RequestHandler<P, R> = (params: P, ctx: RequestContext) => R | Promise<R>;

export interface MessengerOptions {
  /** Sends one envelope to the other end. */
  post(message: Envelope): void;
  /** Default deadline of outgoing requests in milliseconds; none when absent or 0. */
  timeoutMs?: number;
  /** Hold outgoing events until {@link Messenger.releaseEvents} (the host waits for the ready handshake). */
  holdEvents?: boolean;
  /** Told about dropped messages and failed handlers (for the log). */
  onDiagnostic?(text: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  dispose(): void;
}

export class Messenger<
  Local extends MethodMap,
  Remote extends MethodMap,
  OutEvent extends EventLike,
  InEvent extends EventLike,
> implements Disposable {
  private _nextId = 1;
  private readonly _pending = new Map<number, Pending>();
  private readonly _running = new Map<number, AbortController>();
  private readonly _handlers = new Map<string, RequestHandler<unknown, unknown>>();
  private readonly _listeners = new Map<string, Set<(event: InEvent) => void>>();
  private _heldEvents: OutEvent[] | null;
  private _disposed = false;

  constructor(private readonly _options: MessengerOptions) {
    this._heldEvents = _options.holdEvents ? [] : null;
  }

  /** Sends a request; the promise settles with the remote result or a {@link RequestError}. */
  request<M extends keyof Remote & string>(
    method: M,
    params: Remote[M]['params'],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Remote[M]['result']> {
    if (this._disposed) return Promise.reject(new RequestError('messenger disposed', 'disposed'));
    const id = this._nextId++;
    return new Promise<Remote[M]['result']>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const settle = () => {
        this._pending.delete(id);
        for (const c of cleanups) c();
      };
      this._pending.set(id, {
        resolve: value => {
          settle();
          resolve(value as Remote[M]['result']);
        },
        reject: error => {
          settle();
          reject(error);
        },
        dispose: settle,
      });
      const timeoutMs = options.timeoutMs ?? this._options.timeoutMs;
      if (timeoutMs && timeoutMs > 0) {
        const timer = setTimeout(() => {
          this._sendCancel(id);
          this._pending
            .get(id)
            ?.reject(new RequestError(`${method} timed out after ${timeoutMs} ms`, 'timeout'));
        }, timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      const signal = options.signal;
      if (signal) {
        const onAbort = () => {
          this._sendCancel(id);
          this._pending.get(id)?.reject(new RequestError(`${method} cancelled`, 'cancelled'));
        };
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      this._post({ tag: ENVELOPE_TAG, kind: 'req', id, method, params });
    });
  }

  /** Fire-and-forget notification (held until {@link releaseEvents} when `holdEvents` was set). */
  notify(event: OutEvent): void {
    if (this._disposed) return;
    if (this._heldEvents) this._heldEvents.push(event);
    else this._post({ tag: ENVELOPE_TAG, kind: 'event', event });
  }

  /** Sends held events and stops holding. */
  releaseEvents(): void {
    const held = this._heldEvents;
    this._heldEvents = null;
    for (const event of held ?? []) this.notify(event);
  }

  /** Handles requests for `method`; one handler per method. */
  onRequest<M extends keyof Local & string>(
    method: M,
    handler: RequestHandler<Local[M]['params'], Local[M]['result']>,
  ): Disposable {
    if (this._handlers.has(method)) throw new Error(`a handler for ${method} is already registered`);
    this._handlers.set(method, handler as RequestHandler<unknown, unknown>);
    return { dispose: () => this._handlers.delete(method) };
  }

  /** Listens to incoming events of one type. */
  onEvent<T extends InEvent['type']>(
    type: T,
    listener: (event: Extract<InEvent, { type: T }>) => void,
  ): Disposable {
    let set = this._listeners.get(type);
    if (!set) this._listeners.set(type, (set = new Set()));
    const l = listener as (event: InEvent) => void;
    set.add(l);
    return { dispose: () => set.delete(l) };
  }

  /** Requests sent and not yet settled. */
  get pendingCount(): number {
    return this._pending.size;
  }

  /** Requests received whose handlers are still running. */
  get runningCount(): number {
    return this._running.size;
  }

  /** Feeds one received message; anything that is not a valid envelope is dropped (and reported). */
  handle(raw: unknown): void {
    if (this._disposed) return;
    const message = parseEnvelope(raw);
    if (!message) {
      this._diagnostic(`dropped a message that is not a ${ENVELOPE_TAG} envelope`);
      return;
    }
    switch (message.kind) {
      case 'req':
        void this._serve(message.id, message.method, message.params);
        return;
      case 'ok': {
        const pending = this._pending.get(message.id);
        if (pending) pending.resolve(message.result);
        return;
      }
      case 'err': {
        const pending = this._pending.get(message.id);
        if (pending) pending.reject(new RequestError(message.message, message.code));
        return;
      }
      case 'cancel':
        this._running.get(message.id)?.abort(new RequestError('cancelled', 'cancelled'));
        return;
      case 'event': {
        const listeners = this._listeners.get(message.event.type);
        if (!listeners || listeners.size === 0) {
          this._diagnostic(`no listener for event ${message.event.type}`);
          return;
        }
        for (const listener of [...listeners]) {
          try {
            listener(message.event as InEvent);
          } catch (e) {
            this._diagnostic(`event listener for ${message.event.type} failed: ${errorMessage(e)}`);
          }
        }
        return;
      }
    }
  }

  /** Rejects every pending request, aborts running handlers and stops listening. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    for (const pending of [...this._pending.values()])
      pending.reject(new RequestError('messenger disposed', 'disposed'));
    for (const controller of this._running.values())
      controller.abort(new RequestError('messenger disposed', 'disposed'));
    this._running.clear();
    this._handlers.clear();
    this._listeners.clear();
    this._heldEvents = null;
  }

  private async _serve(id: number, method: string, params: unknown): Promise<void> {
    const handler = this._handlers.get(method);
    if (!handler) {
      this._post({
        tag: ENVELOPE_TAG,
        kind: 'err',
        id,
        message: `unknown method: ${method}`,
        code: 'unknown-method',
      });
      return;
    }
    const controller = new AbortController();
    this._running.set(id, controller);
    try {
      const result = await handler(params, { signal: controller.signal, id });
      if (controller.signal.aborted) throw abortReason(controller.signal);
      this._post({ tag: ENVELOPE_TAG, kind: 'ok', id, result });
    } catch (e) {
      const code = controller.signal.aborted ? 'cancelled' : errorCode(e);
      if (!controller.signal.aborted) this._diagnostic(`${method} failed: ${errorMessage(e)}`);
      this._post({ tag: ENVELOPE_TAG, kind: 'err', id, message: errorMessage(e), ...(code ? { code } : {}) });
    } finally {
      this._running.delete(id);
    }
  }

  private _sendCancel(id: number): void {
    this._post({ tag: ENVELOPE_TAG, kind: 'cancel', id });
  }

  private _post(message: Envelope): void {
    if (this._disposed) return;
    try {
      this._options.post(message);
    } catch (e) {
      // A failed post (e.g. a disposed webview) must still settle the request it carried.
      this._diagnostic(`post failed: ${errorMessage(e)}`);
      if (message.kind === 'req')
        this._pending.get(message.id)?.reject(new RequestError(errorMessage(e), 'post-failed'));
    }
  }

  private _diagnostic(text: string): void {
    this._options.onDiagnostic?.(text);
  }
}

/** Checks the envelope shape; returns null for anything else. */
export function parseEnvelope(raw: unknown): Envelope | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.tag !== ENVELOPE_TAG) return null;
  const hasId = typeof m.id === 'number' && Number.isSafeInteger(m.id);
  switch (m.kind) {
    case 'req':
      return hasId && typeof m.method === 'string' ? (m as Envelope) : null;
    case 'ok':
      // JSON transport drops `result: undefined`, so its absence is allowed.
      return hasId ? (m as Envelope) : null;
    case 'err':
      return hasId && typeof m.message === 'string' && (m.code === undefined || typeof m.code === 'string')
        ? (m as Envelope)
        : null;
    case 'cancel':
      return hasId ? (m as Envelope) : null;
    case 'event': {
      const event = m.event as Record<string, unknown> | null | undefined;
      return typeof event === 'object' && event !== null && typeof event.type === 'string'
        ? (m as Envelope)
        : null;
    }
    default:
      return null;
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new RequestError('cancelled', 'cancelled');
}
