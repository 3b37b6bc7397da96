/** The house disposal idiom (vscode-hexeditor src/dispose.ts): owners register what they create. */
export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
}

export class DisposableStore implements IDisposable {
  private readonly _items = new Set<IDisposable>();
  private _disposed = false;

  get isDisposed(): boolean {
    return this._disposed;
  }

  add<T extends IDisposable>(item: T): T {
    if (this._disposed) item.dispose();
    else this._items.add(item);
    return item;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    const items = [...this._items];
    this._items.clear();
    disposeAll(items);
  }
}

export abstract class Disposable implements IDisposable {
  private readonly _store = new DisposableStore();

  protected get isDisposed(): boolean {
    return this._store.isDisposed;
  }

  /** Keeps `item` until this object is disposed; disposes it at once if that already happened. */
  protected _register<T extends IDisposable>(item: T): T {
    return this._store.add(item);
  }

  dispose(): void {
    this._store.dispose();
  }
}
