/** What every view gets from the view host, and the signature of a view. */
import type { CsvExportParams, ViewKind, ViewResolution } from '../../../src/shared/protocol';
import type { Method, Params, Result } from '../api';
import type { Disposable, ListenerOptions, ListenerTarget } from '../scope';
import type { Window } from '../timeWindow';

export type SettingValue = string | number | boolean;
/** `setting('frame', 0)` is a number, not the literal 0. */
export type Widen<T> = T extends number ? number : T extends string ? string : boolean;

/** What the header's export buttons use for the current view. */
export interface ExportSources {
  /** A canvas with the view's picture (composited by the view when it has layers). */
  png?: () => HTMLCanvasElement | null;
  /** What the host should export as CSV for the current view state. */
  csv?: () => CsvExportParams | null;
}

/**
 * A view's handle on the host and on its own lifetime. Host requests go through `request` only
 * (no raw messenger), so every request a view makes is cancelled with the scope that made it.
 */
export interface ViewContext {
  readonly path: string;
  readonly resolution: ViewResolution;
  /** The view's container; it is emptied before the view starts. */
  readonly root: HTMLElement;
  /** Aborted when this scope is disposed (the user navigates away, a sub-view is switched). */
  readonly signal: AbortSignal;
  readonly maxSliceElements: number;
  /** A host request cancelled when this scope is disposed (or when `options.signal` aborts). */
  request<M extends Method>(
    method: M,
    params: Params<M>,
    options?: { signal?: AbortSignal },
  ): Promise<Result<M>>;
  /** Takes ownership of a chart, observer or any disposable: it is disposed with this scope. */
  own<T extends Disposable>(resource: T): T;
  /** Runs `fn` when this scope is disposed. */
  onDispose(fn: () => void): void;
  /** An event listener (on window, document or an element) removed with this scope. */
  listen<E>(
    target: ListenerTarget<E>,
    type: string,
    listener: (event: E) => void,
    options?: ListenerOptions,
  ): void;
  /** A ResizeObserver on `element`, disconnected with this scope. */
  observeResize(element: Element, onResize: () => void): void;
  /**
   * A child scope drawing into `root` (default: this root) that is disposed with this one, or
   * earlier by its own `dispose` (switching a sub-view disposes the old child at once).
   */
  child(root?: HTMLElement): ChildViewContext;
  /** Runs work that redraws the view: the view state is `loading` until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Persisted per-path settings (colormap, frame, channel page, ...). */
  setting<T extends SettingValue>(name: string, fallback: T): Widen<T>;
  setSetting(name: string, value: SettingValue): void;
  /** Persisted zoom window of this path's time axis. */
  zoom(): Window | undefined;
  setZoom(w: Window): void;
  exports: ExportSources;
  /** Selects another object (e.g. a DynamicTableRegion target or a response series). */
  navigate(path: string): void;
  /** Sets the kind reported in data-view (views like `units` show sub-views). */
  readonly kind: ViewKind;
}

/** A view context whose scope the caller disposes (a sub-view). */
export interface ChildViewContext extends ViewContext, Disposable {}

/** A view draws into ctx.root; the returned promise settles when its first paint is done. */
export type ViewRenderer = (ctx: ViewContext) => Promise<void>;
