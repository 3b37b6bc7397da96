/**
 * The browse model's contract with the rest of the extension: what it needs from the DANDI client
 * (BrowseSource), how the tree provider configures it (BrowseModelOptions), and what a reveal
 * asks for (RevealTarget). Apart from the model so that its page fetcher shares them without an
 * import cycle.
 */
import type {
  DandiInstance,
  DandisetRecord,
  ListDandisetsOptions,
  Page,
  PathRecord,
  VersionRecord,
} from '../dandi/types';

/** What the tree needs from the DANDI client (the real DandiClient satisfies it). */
export interface BrowseSource {
  readonly instance: DandiInstance;
  readonly signedIn: boolean;
  listDandisets(options: ListDandisetsOptions): Promise<Page<DandisetRecord>>;
  getDandiset(id: string, signal?: AbortSignal): Promise<DandisetRecord>;
  listVersions(id: string, signal?: AbortSignal): Promise<VersionRecord[]>;
  listPaths(
    id: string,
    version: string,
    prefix: string,
    page?: number,
    options?: { pageSize?: number; signal?: AbortSignal },
  ): Promise<Page<PathRecord>>;
}

export interface BrowseModelOptions {
  source: () => BrowseSource;
  /** The root list's query (search, ordering, filters, user/starred), without paging. */
  query: () => Omit<ListDandisetsOptions, 'page' | 'pageSize' | 'signal'>;
  /** Dandisets per root page (the dandi.pageSize setting). */
  rootPageSize: () => number;
  /** Children per folder page (1000: the server's maximum, fewest requests). */
  folderPageSize?: number;
  /** Told when the root list starts and finishes its first load (the dandi.loading context key). */
  onLoading?: (loading: boolean) => void;
  /** Request every level of a reveal at once (default true; the benchmark's baseline turns it off). */
  prefetchOnReveal?: boolean;
  /** Text of the empty root list (e.g. "No Dandisets match …"). */
  emptyText?: () => string;
}

/** Where to reveal: a Dandiset, a version, or a folder/asset path inside a version. */
export interface RevealTarget {
  dandisetId: string;
  version?: string;
  path?: string;
  isFolder?: boolean;
}
