/**
 * The right pane: resolves the selection's view with the host, runs it with a fresh AbortSignal
 * (cancelling the previous view's requests), and publishes the render state for tests:
 * `document.body.dataset.viewState` and `#view[data-state][data-view][data-path]`.
 */
import type { ViewKind, ViewResolution } from '../../src/shared/protocol';
import { errorText, isCancelled, type ViewerApi } from './api';
import { button, clear, h, message } from './dom';
import type { ExportSources, SettingValue, ViewContext, ViewRenderer, Widen } from './views/context';
import type { Window } from './timeWindow';

export interface ViewHostOptions {
  api: ViewerApi;
  root: HTMLElement;
  maxSliceElements: number;
  renderers: Partial<Record<ViewKind, ViewRenderer>>;
  /** Persisted state accessors (owned by main.ts). */
  settings: {
    get(path: string): Record<string, SettingValue>;
    set(path: string, name: string, value: SettingValue): void;
    zoom(path: string): Window | undefined;
    setZoom(path: string, w: Window): void;
    viewMode(): string | null;
    setViewMode(mode: string | null): void;
  };
  navigate(path: string): void;
  onViewChange?(path: string, view: ViewKind): void;
}

export type ViewState = 'loading' | 'ready' | 'error';

export class ViewHost {
  private _controller: AbortController | null = null;
  private _pending = 0;
  private _generation = 0;
  exports: ExportSources = {};
  current: { path: string; view: ViewKind } | null = null;

  constructor(private readonly _o: ViewHostOptions) {}

  /** Shows `path`; `preferred` picks one of the resolution's alternatives. */
  async show(path: string, preferred?: ViewKind | null): Promise<void> {
    this._controller?.abort();
    const controller = new AbortController();
    this._controller = controller;
    const generation = ++this._generation;
    this._pending = 0;
    this.exports = {};
    const { root, api } = this._o;
    clear(root);
    root.dataset.path = path;
    delete root.dataset.view;
    this._setState('loading');
    root.appendChild(message('loading', `Loading ${path}…`));
    let resolution: ViewResolution;
    try {
      resolution = await api.request('view/resolve', { path }, { signal: controller.signal });
    } catch (e) {
      if (!isCancelled(e) && generation === this._generation) this._fail(path, 'dataset', e);
      return;
    }
    if (generation !== this._generation) return;
    const choices = [resolution.view, ...resolution.alternatives.filter(v => v !== resolution.view)];
    const view = preferred && choices.includes(preferred) ? preferred : resolution.view;
    this.current = { path, view };
    this._o.onViewChange?.(path, view);
    clear(root);
    root.dataset.view = view;
    if (choices.length > 1) root.appendChild(this._viewSwitcher(path, choices, view));
    const body = h('div', { class: 'view-body' });
    root.appendChild(body);
    const renderer = this._o.renderers[view] ?? this._o.renderers.dataset;
    if (!renderer) return this._fail(path, view, new Error(`no view for ${view}`));
    const ctx = this._context(path, view, resolution, body, controller.signal, generation);
    try {
      await ctx.track(renderer(ctx));
    } catch (e) {
      if (!isCancelled(e) && generation === this._generation) this._showError(body, path, view, e);
    }
  }

  /** Cancels whatever is loading (e.g. the webview is being hidden). */
  cancel(): void {
    this._controller?.abort();
  }

  private _context(path: string, view: ViewKind, resolution: ViewResolution, root: HTMLElement, signal: AbortSignal, generation: number): ViewContext {
    const o = this._o;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const host = this;
    return {
      api: o.api,
      path,
      resolution,
      root,
      signal,
      kind: view,
      maxSliceElements: o.maxSliceElements,
      request: (method, params) => o.api.request(method, params, { signal }),
      track: async <T>(work: Promise<T>): Promise<T> => {
        if (generation !== host._generation) return work;
        host._pending++;
        host._setState('loading');
        let failure: string | null = null;
        try {
          return await work;
        } catch (e) {
          if (!isCancelled(e)) failure = errorText(e);
          throw e;
        } finally {
          if (generation === host._generation) {
            host._pending = Math.max(0, host._pending - 1);
            if (failure !== null) host._publish(path, view, 'error', failure);
            else if (host._pending === 0) host._publish(path, view, 'ready');
          }
        }
      },
      setting: <T extends SettingValue>(name: string, fallback: T): Widen<T> => {
        const v = o.settings.get(path)[name];
        return (typeof v === typeof fallback ? v : fallback) as Widen<T>;
      },
      setSetting: (name, value) => o.settings.set(path, name, value),
      zoom: () => o.settings.zoom(path),
      setZoom: w => o.settings.setZoom(path, w),
      get exports() {
        return host.exports;
      },
      set exports(e: ExportSources) {
        host.exports = e;
      },
      navigate: p => o.navigate(p),
    };
  }

  private _viewSwitcher(path: string, choices: ViewKind[], current: ViewKind): HTMLElement {
    const bar = h('div', { class: 'view-switcher', role: 'toolbar', 'aria-label': 'Views of this object' });
    for (const v of choices) {
      const b = button(`Show as ${v}`, () => {
        this._o.settings.setViewMode(v);
        void this.show(path, v);
      }, { text: v, class: v === current ? 'btn tab active' : 'btn tab' });
      b.setAttribute('aria-pressed', String(v === current));
      bar.appendChild(b);
    }
    return bar;
  }

  private _fail(path: string, view: ViewKind, e: unknown): void {
    clear(this._o.root);
    this._o.root.dataset.view = view;
    this._showError(this._o.root, path, view, e);
  }

  private _showError(where: HTMLElement, path: string, view: ViewKind, e: unknown): void {
    clear(where);
    where.appendChild(message('error', `Could not show ${path}: ${errorText(e)}`));
    this._publish(path, view, 'error', errorText(e));
  }

  private _setState(state: ViewState): void {
    this._o.root.dataset.state = state;
    document.body.dataset.viewState = state;
    this._o.root.setAttribute('aria-busy', String(state === 'loading'));
  }

  private _publish(path: string, view: ViewKind, state: 'ready' | 'error', detail?: string): void {
    this._setState(state);
    this._o.api.notify({ type: 'rendered', path, view, state, ...(detail ? { detail } : {}) });
  }
}
