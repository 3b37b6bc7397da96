/**
 * Fills the two trees of the hierarchy panel: the NWB view (pynwb's NWBFile fields and sections,
 * each object with its neurodata_type badge and summary) and the raw HDF5 view (every group,
 * dataset and link, loaded lazily and paged for very large groups).
 */
import type { H5Entry } from '../../src/shared/protocolTypes';
import type { NwbOverview } from '../../src/shared/protocol';
import type { ViewerApi } from './api';
import { formatShape } from './format';
import type { TreeStore } from './tree';
import type { TreeNode } from './treeModel';

/** Children per page of h5/children; a "load more" row fetches the next page. */
export const CHILD_PAGE = 500;
const MORE_PREFIX = 'more:';

export function entrySummary(entry: H5Entry): string {
  switch (entry.kind) {
    case 'group':
      return entry.childCount === undefined
        ? ''
        : `${entry.childCount} ${entry.childCount === 1 ? 'child' : 'children'}`;
    case 'dataset':
      return `${formatShape(entry.shape)} ${entry.dtype ?? ''}`.trim();
    case 'softLink':
      return `→ ${entry.target ?? '?'}`;
    case 'externalLink':
      return `external → ${entry.target ?? '?'}`;
    case 'brokenLink':
      return `broken link → ${entry.target ?? '?'}`;
    default:
      return entry.kind;
  }
}

export function entryNode(entry: H5Entry, id = entry.path): TreeNode {
  return {
    id,
    path: entry.path,
    label: entry.name,
    badge: entry.neurodataType,
    summary: entrySummary(entry),
    expandable: entry.kind === 'group' && entry.childCount !== 0,
    icon: entry.kind === 'group' ? 'group' : entry.kind === 'dataset' ? 'dataset' : 'link',
  };
}

/** Loads one page of a group's children into `store` under `parentId` (ids prefixed for the NWB tree). */
export async function loadChildren(
  api: ViewerApi,
  store: TreeStore,
  parentId: string,
  idPrefix: string,
): Promise<void> {
  if (parentId.startsWith(MORE_PREFIX)) return;
  const parent = store.nodes.get(parentId);
  const path = parent?.path ?? parentId;
  const existing = (store.children.get(parentId) ?? []).filter(id => !id.startsWith(MORE_PREFIX));
  const { entries, total } = await api.request('h5/children', {
    path,
    offset: existing.length,
    limit: CHILD_PAGE,
  });
  const ids = [...existing];
  for (const entry of entries) {
    const node = entryNode(entry, idPrefix + entry.path);
    store.add(node);
    ids.push(node.id);
  }
  if (ids.length < total) {
    const moreId = `${MORE_PREFIX}${parentId}`;
    store.add({
      id: moreId,
      path: path,
      label: `Load more… (${ids.length} of ${total})`,
      expandable: false,
      icon: 'more',
    });
    ids.push(moreId);
  }
  store.setChildren(parentId, ids);
}

/** The parent id of a "load more" row, or null for ordinary rows. */
export function moreParent(id: string): string | null {
  return id.startsWith(MORE_PREFIX) ? id.slice(MORE_PREFIX.length) : null;
}

/** Appends the next page of a group's children (the "load more" row). */
export function loadMore(
  api: ViewerApi,
  store: TreeStore,
  parentId: string,
  idPrefix: string,
): Promise<void> {
  return loadChildren(api, store, parentId, idPrefix);
}

/** The raw HDF5 tree: the root group, expanded lazily. */
export function initHdf5Store(store: TreeStore, fileName: string): void {
  store.add({ id: '/', path: '/', label: `/ (${fileName})`, expandable: true, icon: 'file' });
  store.roots = ['/'];
}

/** The NWB tree from `nwb/overview`: the file, its subject and devices, then one node per section. */
export function fillNwbStore(store: TreeStore, overview: NwbOverview, fileName: string): void {
  const roots: string[] = [];
  store.add({
    id: 'nwb:/',
    path: '/',
    label: fileName,
    badge: overview.nwbVersion ? 'NWBFile' : undefined,
    summary: overview.nwbVersion ? `NWB ${overview.nwbVersion}` : 'not an NWB file: use the HDF5 tab',
    expandable: false,
    icon: 'file',
  });
  roots.push('nwb:/');
  if (overview.subject.length > 0) {
    const subjectPath = overview.subject[0].path.replace(/\/[^/]+$/, '') || '/general/subject';
    const fieldIds = overview.subject.map(f => {
      const id = `field:${f.path}`;
      store.add({ id, path: f.path, label: f.name, summary: f.value, expandable: false, icon: 'attribute' });
      return id;
    });
    store.add({
      id: 'section:subject',
      path: subjectPath,
      label: 'subject',
      badge: 'Subject',
      summary: overview.subject
        .map(f => f.value)
        .slice(0, 3)
        .join(' · '),
      expandable: true,
      icon: 'section',
    });
    store.setChildren('section:subject', fieldIds);
    roots.push('section:subject');
  }
  if (overview.devices.length > 0) {
    const ids = overview.devices.map(d => {
      const id = `nwb:${d.path}`;
      store.add({
        id,
        path: d.path,
        label: d.name,
        badge: d.neurodataType,
        summary: d.summary,
        expandable: false,
        icon: 'group',
      });
      return id;
    });
    store.add({
      id: 'section:devices',
      path: '/general/devices',
      label: 'devices',
      summary: `${ids.length}`,
      expandable: true,
      icon: 'section',
    });
    store.setChildren('section:devices', ids);
    roots.push('section:devices');
  }
  for (const section of overview.sections) {
    const sectionId = `section:${section.name}:${section.path}`;
    const ids = section.items.map(item => {
      const id = `nwb:${item.path}`;
      if (!store.nodes.has(id)) {
        store.add({
          id,
          path: item.path,
          label: item.name,
          badge: item.neurodataType,
          summary: item.summary,
          // Groups without a specific view (containers such as LFP, Fluorescence) are browsed by expanding them.
          expandable: item.kind === 'group',
          icon: item.kind === 'dataset' ? 'dataset' : item.kind === 'link' ? 'link' : 'group',
        });
      }
      return id;
    });
    store.add({
      id: sectionId,
      path: section.path,
      label: section.label || section.name,
      summary: `${section.items.length}`,
      expandable: ids.length > 0,
      icon: 'section',
    });
    store.setChildren(sectionId, ids);
    roots.push(sectionId);
  }
  store.roots = roots;
}
