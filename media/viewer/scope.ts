/**
 * Owned lifetimes for views (pure, no DOM): a Scope holds what a view creates (charts, observers,
 * listeners, timers, the AbortSignal of its host requests) and releases it all at once, as VS
 * Code's DisposableStore does. Child scopes (a sub-view, a sweep's plots) are disposed with their
 * parent or on their own, so switching a sub-view releases the old one without touching the rest.
 */

export interface Disposable {
  dispose(): void;
}

/** The part of EventTarget that `listen` needs (window, document, elements, media queries). */
export interface ListenerTarget<E> {
  addEventListener(type: string, listener: (event: E) => void, options?: ListenerOptions): void;
  removeEventListener(type: string, listener: (event: E) => void, options?: ListenerOptions): void;
}

export interface ListenerOptions {
  capture?: boolean;
  passive?: boolean;
}

export class Scope implements Disposable {
  private readonly _controller = new AbortController();
  /** Resources in the order they were added; disposal runs backwards (last made, first released). */
  private _owned: Disposable[] = [];
  private _disposed = false;

  constructor(private readonly _onError: (e: unknown) => void = e => console.error(e)) {}

  /** Aborted when the scope is disposed (before its resources are released): pass it to requests. */
  get signal(): AbortSignal {
    return this._controller.signal;
  }

  get disposed(): boolean {
    return this._disposed;
  }

  /** Number of resources (child scopes included) the scope holds; for tests and diagnostics. */
  get size(): number {
    return this._owned.length;
  }

  /** Takes ownership of `resource`; a scope already disposed releases it at once. */
  own<T extends Disposable>(resource: T): T {
    if (this._disposed) this._release(resource);
    else this._owned.push(resource);
    return resource;
  }

  /** Runs `fn` when the scope is disposed. */
  onDispose(fn: () => void): void {
    this.own({ dispose: fn });
  }

  /** Adds an event listener that the scope removes. */
  listen<E>(
    target: ListenerTarget<E>,
    type: string,
    listener: (event: E) => void,
    options?: ListenerOptions,
  ): void {
    target.addEventListener(type, listener, options);
    this.onDispose(() => target.removeEventListener(type, listener, options));
  }

  /** A timer the scope clears. */
  timeout(fn: () => void, ms: number): Disposable {
    const timer = setTimeout(fn, ms);
    return this.own({ dispose: () => clearTimeout(timer) });
  }

  /** A scope that is disposed with this one, or earlier on its own (it then leaves this one). */
  child(): Scope {
    const child = new Scope(this._onError);
    if (this._disposed) {
      child.dispose();
      return child;
    }
    const entry: Disposable = { dispose: () => child.dispose() };
    this._owned.push(entry);
    child.onDispose(() => this._forget(entry));
    return child;
  }

  /** Aborts the signal, then releases every resource, newest first; a failing one does not stop the rest. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._controller.abort();
    const owned = this._owned;
    this._owned = [];
    for (let i = owned.length - 1; i >= 0; i--) this._release(owned[i]);
  }

  private _release(resource: Disposable): void {
    try {
      resource.dispose();
    } catch (e) {
      this._onError(e);
    }
  }

  private _forget(entry: Disposable): void {
    const i = this._owned.indexOf(entry);
    if (i >= 0) this._owned.splice(i, 1);
  }
}
