/**
 * The webview's persisted UI state (vscode.setState/getState), kept across hide/show of the tab.
 * `sanitizeState` accepts anything (older versions, hand-edited) and returns a valid state.
 */
import type { Window } from './timeWindow';

export type TreeTab = 'nwb' | 'hdf5';

export interface ViewerUiState {
  version: 1;
  tab: TreeTab;
  /** Expanded node ids per tab. */
  expanded: { nwb: string[]; hdf5: string[] };
  /** Selected node id (an HDF5 path) or null. */
  selection: string | null;
  /** View chosen by the user among the ones offered for the selection (e.g. 'table' vs 'raster'). */
  viewMode: string | null;
  filter: string;
  treeScroll: number;
  /** Zoom window per object path (time axis), so returning to a plot keeps its zoom. */
  zoom: Record<string, Window>;
  /** Small per-view settings (colormap, channel page, frame index...) per object path. */
  viewSettings: Record<string, Record<string, string | number | boolean>>;
}

export function defaultState(): ViewerUiState {
  return {
    version: 1,
    tab: 'nwb',
    expanded: { nwb: [], hdf5: [] },
    selection: null,
    viewMode: null,
    filter: '',
    treeScroll: 0,
    zoom: {},
    viewSettings: {},
  };
}

const MAX_KEYS = 200;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').slice(0, 5000) : [];

export function sanitizeState(raw: unknown): ViewerUiState {
  const s = defaultState();
  if (!isRecord(raw) || raw.version !== 1) return s;
  if (raw.tab === 'nwb' || raw.tab === 'hdf5') s.tab = raw.tab;
  if (isRecord(raw.expanded))
    s.expanded = { nwb: strings(raw.expanded.nwb), hdf5: strings(raw.expanded.hdf5) };
  if (typeof raw.selection === 'string') s.selection = raw.selection;
  if (typeof raw.viewMode === 'string') s.viewMode = raw.viewMode;
  if (typeof raw.filter === 'string') s.filter = raw.filter.slice(0, 200);
  if (typeof raw.treeScroll === 'number' && Number.isFinite(raw.treeScroll) && raw.treeScroll >= 0)
    s.treeScroll = raw.treeScroll;
  if (isRecord(raw.zoom)) {
    for (const [k, w] of Object.entries(raw.zoom).slice(-MAX_KEYS)) {
      if (isRecord(w) && typeof w.start === 'number' && typeof w.end === 'number' && w.end > w.start)
        s.zoom[k] = { start: w.start, end: w.end };
    }
  }
  if (isRecord(raw.viewSettings)) {
    for (const [k, settings] of Object.entries(raw.viewSettings).slice(-MAX_KEYS)) {
      if (!isRecord(settings)) continue;
      const clean: Record<string, string | number | boolean> = {};
      for (const [name, v] of Object.entries(settings)) {
        if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
          clean[name] = v;
      }
      s.viewSettings[k] = clean;
    }
  }
  return s;
}

/** Keeps the most recent `MAX_KEYS` entries of a per-path record (insertion order = recency). */
export function rememberPerPath<T>(record: Record<string, T>, key: string, value: T): Record<string, T> {
  const next: Record<string, T> = {};
  const entries = Object.entries(record).filter(([k]) => k !== key);
  for (const [k, v] of entries.slice(-(MAX_KEYS - 1))) next[k] = v;
  next[key] = value;
  return next;
}
