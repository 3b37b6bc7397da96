/**
 * How the browse tree gets one page of children from the DANDI client: Dandisets for the root,
 * versions for a Dandiset, paths for a version or folder, each turned into tree elements. Also
 * the reveal's prefetch, which asks for every level's first page at once instead of one round
 * trip per level. Apart from the model, which owns listings, paging state and errors.
 */
import type { Page } from '../dandi/types';
import type { BrowseModelOptions, RevealTarget } from './browseTypes';
import {
  dandisetId,
  orderVersions,
  pathElement,
  pathId,
  versionId,
  type TreeElement,
  type VersionElement,
} from './model';

/** What a fetch needs of a parent's listing: the page to load, and whether any was loaded. */
interface ListingState {
  readonly nextPage: number | null;
  readonly items: readonly TreeElement[];
}

export class PageFetcher {
  /** Listings requested ahead during reveal (all levels at once), consumed by the first load of each level. */
  private prefetched = new Map<string, Promise<unknown>>();

  constructor(private readonly options: BrowseModelOptions) {}

  /**
   * Requests the first page of every level on the way to `target` at once (every level's URL is
   * known from the target), except the levels whose listing `loaded` reports as already there.
   */
  prefetch(target: RevealTarget, loaded: (listingKey: string) => boolean): void {
    const source = this.options.source();
    const take = <T>(key: string, start: () => Promise<T>) => {
      if (loaded(key.split('|')[0])) return;
      const pending = start();
      pending.catch(() => undefined); // consumed (and reported) by the level's own load, or dropped
      this.prefetched.set(key, pending);
    };
    const id = target.dandisetId;
    take(`${dandisetId(id)}|versions`, () => source.listVersions(id));
    if (!target.version) return;
    const folders = (target.path ?? '')
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .filter(Boolean);
    const depth = folders.length - 1; // the folders holding each step; the target itself is not listed
    for (let i = -1; i < depth; i++) {
      const prefix = folders.slice(0, i + 1).join('/');
      const key = prefix ? pathId(id, target.version, prefix, true) : versionId(id, target.version);
      take(`${key}|paths`, () =>
        source.listPaths(id, target.version as string, prefix, 1, {
          pageSize: this.options.folderPageSize ?? 1000,
        }),
      );
    }
  }

  /** Drops what a reveal prefetched and no level consumed. */
  clearPrefetched(): void {
    this.prefetched.clear();
  }

  /** The next page of `parent`'s children (the root list when undefined), as tree elements. */
  async fetch(parent: TreeElement | undefined, listing: ListingState): Promise<Page<TreeElement>> {
    const source = this.options.source();
    const page = listing.nextPage ?? 1;
    if (!parent) {
      const first = page === 1 && listing.items.length === 0;
      if (first) this.options.onLoading?.(true);
      try {
        const result = await source.listDandisets({
          ...this.options.query(),
          page,
          pageSize: this.options.rootPageSize(),
        });
        const items: TreeElement[] = result.items.map(record => ({
          kind: 'dandiset',
          id: dandisetId(record.identifier),
          parentId: undefined,
          dandisetId: record.identifier,
          record,
        }));
        return { ...result, items };
      } finally {
        if (first) this.options.onLoading?.(false);
      }
    }
    if (parent.kind === 'dandiset') {
      const versions = orderVersions(
        await this.consume(`${parent.id}|versions`, () => source.listVersions(parent.dandisetId)),
      );
      const embargoed = parent.record.embargo_status !== 'OPEN';
      const items = versions.map((summary): VersionElement => ({
        kind: 'version',
        id: versionId(parent.dandisetId, summary.version),
        parentId: parent.id,
        dandisetId: parent.dandisetId,
        version: summary.version,
        summary,
        embargoed,
        doi: this.doiOf(parent.dandisetId, summary.version),
      }));
      return { items, count: items.length, nextPage: null };
    }
    if (parent.kind === 'version' || parent.kind === 'folder') {
      const prefix = parent.kind === 'folder' ? parent.path : '';
      const load = () =>
        source.listPaths(parent.dandisetId, parent.version, prefix, page, {
          pageSize: this.options.folderPageSize ?? 1000,
        });
      const result = page === 1 ? await this.consume(`${parent.id}|paths`, load) : await load();
      const items = result.items.map(item =>
        pathElement(parent.dandisetId, parent.version, item, parent.embargoed),
      );
      return { ...result, items };
    }
    return { items: [], count: 0, nextPage: null };
  }

  private consume<T>(key: string, start: () => Promise<T>): Promise<T> {
    const pending = this.prefetched.get(key) as Promise<T> | undefined;
    this.prefetched.delete(key);
    return pending ?? start();
  }

  private doiOf(id: string, version: string): string | undefined {
    const instance = this.options.source().instance;
    return instance.doiPrefix && version !== 'draft'
      ? `${instance.doiPrefix}/${instance.doiName ?? instance.name}.${id}/${version}`
      : undefined;
  }
}
