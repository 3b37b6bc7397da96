/** What every view gets from the view host, and the signature of a view. */
import type { CsvExportParams, ViewKind, ViewResolution } from '../../../src/shared/protocol';
import type { Method, Params, Result, ViewerApi } from '../api';
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

export interface ViewContext {
  readonly api: ViewerApi;
  readonly path: string;
  readonly resolution: ViewResolution;
  /** The view's container; it is emptied before the view starts. */
  readonly root: HTMLElement;
  /** Aborted when the user navigates away; requests made with `request` are then cancelled. */
  readonly signal: AbortSignal;
  readonly maxSliceElements: number;
  /** A request tied to this view's signal. */
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
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

/** A view draws into ctx.root; the returned promise settles when its first paint is done. */
export type ViewRenderer = (ctx: ViewContext) => Promise<void>;
