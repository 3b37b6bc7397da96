import type { DandisetRecord, PathRecord, VersionSummary } from '../dandi/types';

/**
 * The archive tree as plain, vscode-free data (house-style "Tree modelling"): one union by kind,
 * ids built from API identity so expansion and selection survive refreshes, and a parent id on
 * every element for getParent/reveal. src/tree/treeItems.ts maps these to TreeItems.
 */
export type TreeElement =
  | DandisetElement
  | VersionElement
  | FolderElement
  | AssetElement
  | LoadMoreElement
  | MessageElement
  | ActionElement;

interface Base {
  /** Stable, e.g. `dandiset:000003/version:draft/path:sub-01/`. */
  id: string;
  /** Id of the parent element; undefined at the root. */
  parentId: string | undefined;
}

export interface DandisetElement extends Base {
  kind: 'dandiset';
  dandisetId: string;
  record: DandisetRecord;
  /** Shown because a reference was revealed, not because it is on a loaded page. */
  pinned?: boolean;
}

export interface VersionElement extends Base {
  kind: 'version';
  dandisetId: string;
  version: string;
  summary: VersionSummary;
  embargoed: boolean;
  /** The instance's DOI prefix, for the DOI of published versions. */
  doi?: string;
}

export interface FolderElement extends Base {
  kind: 'folder';
  dandisetId: string;
  version: string;
  /** Full path without trailing slash. */
  path: string;
  files: number;
  size: number;
  embargoed: boolean;
}

export type AssetKind = 'nwb' | 'zarr' | 'video' | 'image' | 'text' | 'other';

export interface AssetElement extends Base {
  kind: 'asset';
  dandisetId: string;
  version: string;
  path: string;
  assetId: string;
  size: number;
  /** Unsigned S3 URL (a Zarr prefix ends with `/`). */
  s3Url: string;
  assetKind: AssetKind;
  embargoed: boolean;
}

export interface LoadMoreElement extends Base {
  kind: 'loadMore';
  /** How many items are loaded and (when known) the total. */
  loaded: number;
  total: number | null;
}

export type MessageSeverity = 'info' | 'warning' | 'error';

export interface MessageElement extends Base {
  kind: 'message';
  text: string;
  detail?: string;
  severity: MessageSeverity;
}

/** A clickable follow-up under a message: Retry, Sign In, Change API URL, Clear Search. */
export interface ActionElement extends Base {
  kind: 'action';
  label: string;
  action: 'retry' | 'signIn' | 'changeApiUrl' | 'clearSearch' | 'selectInstance';
}

export const ROOT_KEY = 'root';

export function dandisetId(id: string): string {
  return `dandiset:${id}`;
}
export function versionId(dandiset: string, version: string): string {
  return `dandiset:${dandiset}/version:${version}`;
}
/** Folders end with `/`, assets do not, so a file and a folder of the same name never collide. */
export function pathId(dandiset: string, version: string, path: string, isFolder: boolean): string {
  return `${versionId(dandiset, version)}/path:${path}${isFolder ? '/' : ''}`;
}

/** Parent element id of a path inside a version: the enclosing folder, or the version. */
export function parentOfPath(dandiset: string, version: string, path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? versionId(dandiset, version) : pathId(dandiset, version, path.slice(0, slash), true);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const VIDEO = /\.(mp4|avi|mov|mkv|webm|wmv|mpg|mpeg|m4v)$/i;
const IMAGE = /\.(png|jpe?g|gif|bmp|tiff?|svg|webp|nii|nii\.gz|ome\.tiff?)$/i;
const TEXT =
  /\.(json|jsonld|tsv|csv|txt|md|rst|ya?ml|html?|xml|py|m|ipynb|bval|bvec)$|(^|\/)(README|CHANGES|LICENSE)[^/]*$/i;

/** What an asset is, from its path and (for Zarr) its URL. */
export function classifyAsset(path: string, url = ''): AssetKind {
  if (url.endsWith('/') || /\.(zarr|ngff)$/i.test(path)) return 'zarr';
  if (/\.nwb$/i.test(path)) return 'nwb';
  if (VIDEO.test(path)) return 'video';
  if (IMAGE.test(path)) return 'image';
  if (TEXT.test(path)) return 'text';
  return 'other';
}

/** A `paths` item as a folder or asset element. */
export function pathElement(
  dandiset: string,
  version: string,
  item: PathRecord,
  embargoed: boolean,
): FolderElement | AssetElement {
  const parentId = parentOfPath(dandiset, version, item.path);
  if (item.asset === null) {
    return {
      kind: 'folder',
      id: pathId(dandiset, version, item.path, true),
      parentId,
      dandisetId: dandiset,
      version,
      path: item.path,
      files: item.aggregate_files,
      size: item.aggregate_size,
      embargoed,
    };
  }
  return {
    kind: 'asset',
    id: pathId(dandiset, version, item.path, false),
    parentId,
    dandisetId: dandiset,
    version,
    path: item.path,
    assetId: item.asset.asset_id,
    size: item.aggregate_size,
    s3Url: item.asset.url,
    assetKind: classifyAsset(item.path, item.asset.url),
    embargoed,
  };
}

/** Folders first, then files, each by name in code-point order (the API sorts byte-order, interleaved). */
export function foldersFirst<T extends TreeElement>(elements: readonly T[]): T[] {
  const rank = (e: TreeElement) => (e.kind === 'folder' ? 0 : e.kind === 'asset' ? 1 : 2);
  const name = (e: TreeElement) => (e.kind === 'folder' || e.kind === 'asset' ? baseName(e.path) : '');
  return [...elements].sort(
    (a, b) => rank(a) - rank(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
  );
}

/** Versions under a Dandiset: the draft first, then published ones newest first. */
export function orderVersions<T extends { version: string; created: string }>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => {
    if (a.version === 'draft') return -1;
    if (b.version === 'draft') return 1;
    return a.version < b.version ? 1 : a.version > b.version ? -1 : 0;
  });
}

/** The version a Dandiset row describes: most recent published, else draft. */
export function shownVersion(record: DandisetRecord): VersionSummary | null {
  return record.most_recent_published_version ?? record.draft_version;
}

export { formatBytes } from '../shared/format';

export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  // Counts come from the server; a missing one must not break the tree row.
  if (!Number.isFinite(n)) return `? ${plural}`;
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
