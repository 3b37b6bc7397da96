/**
 * The right pane: resolves the selection's view with the host and runs it in a fresh Scope; showing
 * another object disposes the previous scope (its requests are cancelled, its charts, observers,
 * listeners and timers released). Publishes the render state for tests:
 * `document.body.dataset.viewState` and `#view[data-state][data-view][data-path]`.
 */
import type { ViewKind, ViewResolution } from '../../src/shared/protocol';
import { errorText, isCancelled, type ViewerApi } from './api';
import { dataNote, setNote } from './dataNote';
import { button, clear, h, message } from './dom';
import { observeSize } from './live';
import { Scope } from './scope';
import { VIEW_LABELS } from './viewLabels';
import type { ChildViewContext, ExportSources, SettingValue, ViewRenderer, Widen } from './views/context';
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

/** The generic views a specialised view falls back to when it cannot show an object, in order of preference. */
const FALLBACKS: readonly ViewKind[] = ['table', 'group', 'dataset'];

export class ViewHost {
  private _scope: Scope | null = null;
  private _pending = 0;
  private _generation = 0;
  exports: ExportSources = {};
  current: { path: string; view: ViewKind } | null = null;

  constructor(private readonly _o: ViewHostOptions) {}

  /** Shows `path`; `preferred` picks one of the resolution's alternatives. */
  async show(path: string, preferred?: ViewKind | null): Promise<void> {
    this._scope?.dispose();
    const scope = new Scope(e => console.error('[nwb viewer] disposing a view failed', e));
    this._scope = scope;
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
      resolution = await api.request('view/resolve', { path }, { signal: scope.signal });
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
    const ctx = this._context(path, view, resolution, body, scope, generation);
    // The view draws in a child scope, so that a failure can be dropped whole for the fallback.
    const attempt = ctx.child();
    const work = renderer(attempt).catch(async (e: unknown) => {
      const fallback = FALLBACKS.find(kind => kind !== view && choices.includes(kind));
      const fallbackRenderer = fallback && this._o.renderers[fallback];
      if (isCancelled(e) || generation !== this._generation || !fallback || !fallbackRenderer) throw e;
      attempt.dispose();
      clear(body);
      this._showFallback(root, path, choices, fallback);
      const note = dataNote();
      setNote(
        note,
        `The ${view} view cannot show this object (${errorText(e)}); shown as ${fallback} instead.`,
      );
      body.appendChild(note);
      const rest = h('div');
      body.appendChild(rest);
      await fallbackRenderer(ctx.child(rest));
    });
    try {
      await ctx.track(work);
    } catch (e) {
      if (!isCancelled(e) && generation === this._generation) this._showError(body, path, view, e);
    }
  }

  /** Marks `fallback` as the view shown (switcher, render state, selection) after the chosen one failed. */
  private _showFallback(root: HTMLElement, path: string, choices: ViewKind[], fallback: ViewKind): void {
    this.current = { path, view: fallback };
    root.dataset.view = fallback;
    root.querySelector(':scope > .view-switcher')?.replaceWith(this._viewSwitcher(path, choices, fallback));
    this._o.onViewChange?.(path, fallback);
  }

  /** Disposes the current view: its requests are cancelled and everything it owns released. */
  cancel(): void {
    this._scope?.dispose();
  }

  private _context(
    path: string,
    view: ViewKind,
    resolution: ViewResolution,
    root: HTMLElement,
    scope: Scope,
    generation: number,
  ): ChildViewContext {
    const o = this._o;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const host = this;
    const signal = scope.signal;
    return {
      path,
      resolution,
      root,
      signal,
      kind: view,
      maxSliceElements: o.maxSliceElements,
      request: (method, params, options) =>
        o.api.request(method, params, {
          signal: options?.signal ? AbortSignal.any([signal, options.signal]) : signal,
        }),
      own: resource => scope.own(resource),
      onDispose: fn => scope.onDispose(fn),
      listen: (target, type, listener, options) => scope.listen(target, type, listener, options),
      observeResize: (element, onResize) => void scope.own(observeSize(element, onResize)),
      child: (childRoot = root) =>
        host._context(path, view, resolution, childRoot, scope.child(), generation),
      dispose: () => scope.dispose(),
      track: async <T>(work: Promise<T>): Promise<T> => {
        if (generation !== host._generation || scope.disposed) return work;
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
            // After a fallback the view shown is another than the one this context was made for.
            const shown = host.current?.path === path ? host.current.view : view;
            if (failure !== null) host._publish(path, shown, 'error', failure);
            else if (host._pending === 0) host._publish(path, shown, 'ready');
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
      const label = VIEW_LABELS[v];
      const b = button(
        `Show as ${label}`,
        () => {
          this._o.settings.setViewMode(v);
          void this.show(path, v);
        },
        { text: label, class: v === current ? 'btn tab active' : 'btn tab' },
      );
      b.dataset.view = v;
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
    const note = Array.from(this._o.root.querySelectorAll<HTMLElement>('.data-note:not([hidden])'))
      .map(n => n.textContent ?? '')
      .filter(Boolean)
      .join(' ');
    this._o.api.notify({
      type: 'rendered',
      path,
      view,
      state,
      ...(detail ? { detail } : {}),
      ...(note ? { note } : {}),
    });
  }
}
