/**
 * The hierarchy's model, independent of the DOM: nodes loaded so far, flattening into visible rows
 * (with filter-as-you-type), and the keyboard navigation reducer of the ARIA tree pattern.
 */
import type { FileObject } from '../../src/shared/protocolTypes';

export interface TreeNode {
  /** Unique id: the HDF5 path for the raw view, a path or a synthetic key for the NWB view. */
  id: string;
  label: string;
  /** neurodata_type badge, or the HDF5 kind in the raw view. */
  badge?: string;
  /** One-line summary shown after the label. */
  summary?: string;
  /** Whether the node can be expanded (children may not be loaded yet). */
  expandable: boolean;
  /** Icon class: what kind of object the row is. */
  icon?: 'file' | 'section' | 'group' | 'dataset' | 'link' | 'more' | 'attribute';
  /** The HDF5 path the node opens (ids of the NWB view can be synthetic). */
  path?: string;
}

export interface TreeData {
  roots: string[];
  nodes: ReadonlyMap<string, TreeNode>;
  /** Children ids of loaded nodes; absent means not loaded yet. */
  children: ReadonlyMap<string, readonly string[]>;
}

/** One visible row. */
export interface TreeRow {
  id: string;
  depth: number;
  expanded: boolean;
  expandable: boolean;
  /** The node is expanded but its children are not loaded: show a progress row. */
  loading: boolean;
  parent: string | null;
  /** aria-setsize / aria-posinset among visible siblings. */
  setSize: number;
  posInSet: number;
  /** The row matches the filter itself (not only an ancestor of a match). */
  match: boolean;
}

function matches(node: TreeNode, needle: string): boolean {
  if (!needle) return true;
  const hay = `${node.label} ${node.badge ?? ''} ${node.id}`.toLowerCase();
  return hay.includes(needle);
}

/**
 * Visible rows in display order. Without a filter: roots plus children of expanded nodes. With a
 * filter: every loaded node that matches, plus its ancestors (shown expanded so the match is
 * visible), searching only what is loaded (a file is never walked to filter).
 */
export function flattenTree(data: TreeData, expanded: ReadonlySet<string>, filter = ''): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: TreeRow[] = [];
  // With a filter, first find which subtrees contain a match (memoised, cycle-safe).
  const keep = new Map<string, boolean>();
  const visiting = new Set<string>();
  const subtreeMatches = (id: string): boolean => {
    const known = keep.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return false;
    visiting.add(id);
    const node = data.nodes.get(id);
    let result = node ? matches(node, needle) : false;
    for (const child of data.children.get(id) ?? []) if (subtreeMatches(child)) result = true;
    visiting.delete(id);
    keep.set(id, result);
    return result;
  };
  const onPath = new Set<string>();
  const walk = (ids: readonly string[], depth: number, parent: string | null): void => {
    const visible = needle ? ids.filter(subtreeMatches) : ids;
    visible.forEach((id, i) => {
      const node = data.nodes.get(id);
      if (!node || onPath.has(id)) return;
      const kids = data.children.get(id);
      const childMatch = needle ? (kids ?? []).some(subtreeMatches) : false;
      const isExpanded = node.expandable && (expanded.has(id) || childMatch);
      rows.push({
        id,
        depth,
        expanded: isExpanded,
        expandable: node.expandable,
        loading: isExpanded && !kids,
        parent,
        setSize: visible.length,
        posInSet: i + 1,
        match: needle ? matches(node, needle) : false,
      });
      if (isExpanded && kids) {
        onPath.add(id);
        walk(kids, depth + 1, id);
        onPath.delete(id);
      }
    });
  };
  walk(data.roots, 0, null);
  return rows;
}

/** What the view should do after a key press. */
export type TreeAction =
  | { kind: 'none' }
  | { kind: 'expand'; id: string }
  | { kind: 'collapse'; id: string }
  | { kind: 'open'; id: string };

export interface NavState {
  focus: string | null;
  /** Type-ahead buffer and the time (ms) of its last key. */
  typed: string;
  typedAt: number;
}

export const TYPEAHEAD_MS = 700;

export function initialNav(focus: string | null = null): NavState {
  return { focus, typed: '', typedAt: 0 };
}

/**
 * The keyboard reducer (WAI-ARIA tree view pattern): ArrowUp/Down move, ArrowRight expands or
 * enters, ArrowLeft collapses or goes to the parent, Home/End, Enter/Space opens, printable
 * characters search labels (type-ahead). Returns the new state, the action, and whether the key
 * was handled (so the view can preventDefault).
 */
export function navigateTree(
  rows: readonly TreeRow[],
  labels: (id: string) => string,
  state: NavState,
  key: string,
  now: number,
): { state: NavState; action: TreeAction; handled: boolean } {
  const none: TreeAction = { kind: 'none' };
  if (rows.length === 0) return { state, action: none, handled: false };
  let index = state.focus === null ? -1 : rows.findIndex(r => r.id === state.focus);
  const moveTo = (i: number): { state: NavState; action: TreeAction; handled: boolean } => ({
    state: { focus: rows[Math.max(0, Math.min(rows.length - 1, i))].id, typed: '', typedAt: 0 },
    action: none,
    handled: true,
  });
  if (index < 0 && key !== 'Home' && key !== 'End' && key.length !== 1) return moveTo(0);
  if (index < 0) index = 0;
  const row = rows[index];
  switch (key) {
    case 'ArrowDown':
      return moveTo(index + 1);
    case 'ArrowUp':
      return moveTo(index - 1);
    case 'Home':
      return moveTo(0);
    case 'End':
      return moveTo(rows.length - 1);
    case 'ArrowRight':
      if (row.expandable && !row.expanded)
        return { state: { ...state, focus: row.id }, action: { kind: 'expand', id: row.id }, handled: true };
      if (row.expanded && rows[index + 1]?.parent === row.id) return moveTo(index + 1);
      return { state, action: none, handled: true };
    case 'ArrowLeft':
      if (row.expanded)
        return {
          state: { ...state, focus: row.id },
          action: { kind: 'collapse', id: row.id },
          handled: true,
        };
      if (row.parent !== null) return moveTo(rows.findIndex(r => r.id === row.parent));
      return { state, action: none, handled: true };
    case 'Enter':
    case ' ':
      if (key === ' ' && state.typed) break; // a space inside a type-ahead word
      return { state: { ...state, focus: row.id }, action: { kind: 'open', id: row.id }, handled: true };
    default:
      break;
  }
  if (key.length !== 1) return { state, action: none, handled: false };
  // Type-ahead: extend the buffer within the timeout, else start over; search from the next row
  // for a fresh buffer (cycling), from the current row when extending.
  const fresh = now - state.typedAt > TYPEAHEAD_MS;
  const typed = (fresh ? '' : state.typed) + key.toLowerCase();
  const startAt = fresh || typed.length === 1 ? index + 1 : index;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[(startAt + k) % rows.length];
    if (labels(r.id).toLowerCase().startsWith(typed)) {
      return { state: { focus: r.id, typed, typedAt: now }, action: none, handled: true };
    }
  }
  return { state: { focus: state.focus ?? row.id, typed, typedAt: now }, action: none, handled: true };
}

/** Paths of the objects a filter finds (as the tree's filter matches: name, type or path), at most `limit`. */
export function matchingPaths(objects: readonly FileObject[], filter: string, limit: number): string[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return [];
  const out: string[] = [];
  for (const o of objects) {
    const name = o.path.slice(o.path.lastIndexOf('/') + 1);
    if (`${name} ${o.type ?? ''} ${o.path}`.toLowerCase().includes(needle)) out.push(o.path);
    if (out.length >= limit) break;
  }
  return out;
}

/** The groups above each path, shallowest first, each once: `/a/b/c` → `/`, `/a`, `/a/b`. */
export function ancestorPaths(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    out.add('/');
    for (let i = 1; i < parts.length; i++) out.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...out].sort((a, b) => a.split('/').length - b.split('/').length);
}
