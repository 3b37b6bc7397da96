import type { IDisposable } from './disposable';

/**
 * Subscribes a listener; dispose the result to unsubscribe. The same shape as `vscode.Event`, so
 * plain-Node modules can expose events the VS Code side passes on unchanged.
 */
export type Event<T> = (
  listener: (e: T) => unknown,
  thisArgs?: unknown,
  disposables?: IDisposable[],
) => IDisposable;

/**
 * A minimal event emitter for code that runs without VS Code. A listener that throws does not
 * stop the others; its error goes to `onListenerError` (default: console.error).
 */
export class Emitter<T> implements IDisposable {
  private readonly listeners = new Set<{ fn: (e: T) => unknown; thisArgs: unknown }>();
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = error => console.error(error)) {}

  readonly event: Event<T> = (fn, thisArgs, disposables) => {
    if (this.disposed) return { dispose: () => undefined };
    const entry = { fn, thisArgs };
    this.listeners.add(entry);
    const subscription = { dispose: () => void this.listeners.delete(entry) };
    disposables?.push(subscription);
    return subscription;
  };

  fire(e: T): void {
    // A copy: a listener may subscribe or unsubscribe while the event is delivered.
    for (const { fn, thisArgs } of [...this.listeners]) {
      try {
        fn.call(thisArgs, e);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
