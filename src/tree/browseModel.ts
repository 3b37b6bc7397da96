import { DandiApiError } from '../dandi/errors';
import { instanceLabel } from '../dandi/instances';
import type {
  DandiInstance,
  DandisetRecord,
  ListDandisetsOptions,
  Page,
  PathRecord,
  VersionRecord,
} from '../dandi/types';
import {
  ROOT_KEY,
  dandisetId,
  foldersFirst,
  orderVersions,
  pathElement,
  pathId,
  versionId,
  type ActionElement,
  type DandisetElement,
  type MessageElement,
  type TreeElement,
  type VersionElement,
} from './model';

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

interface Listing {
  items: TreeElement[];
  nextPage: number | null;
  total: number | null;
  /** Message and actions shown after the items when the last load failed. */
  problem: TreeElement[];
  pending?: Promise<void>;
}

/** Where to reveal: a Dandiset, a version, or a folder/asset path inside a version. */
export interface RevealTarget {
  dandisetId: string;
  version?: string;
  path?: string;
  isFolder?: boolean;
}

type Listener = (element: TreeElement | undefined) => void;

/**
 * The tree's state without VS Code: listings per parent (pages merged, duplicates dropped,
 * folders first), Load more, refresh of one subtree, errors as message elements, and reveal
 * (loading each level on the way down). TreeDataProvider just delegates here.
 */
export class BrowseModel {
  private listings = new Map<string, Listing>();
  private index = new Map<string, TreeElement>();
  private listeners = new Set<Listener>();
  private generation = 0;
  /** Listings requested ahead during reveal (all levels at once), consumed by the first load of each level. */
  private prefetched = new Map<string, Promise<unknown>>();

  constructor(private readonly options: BrowseModelOptions) {}

  /** Fires with the element whose children changed (undefined: the whole tree). */
  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(id: string): TreeElement | undefined {
    return this.index.get(id);
  }

  getParent(element: TreeElement): TreeElement | undefined {
    return element.parentId === undefined ? undefined : this.index.get(element.parentId);
  }

  /** Children of an element (the root when undefined); never rejects: failures become messages. */
  async getChildren(parent?: TreeElement): Promise<TreeElement[]> {
    if (parent && parent.kind !== 'dandiset' && parent.kind !== 'version' && parent.kind !== 'folder')
      return [];
    const key = parent?.id ?? ROOT_KEY;
    let listing = this.listings.get(key);
    if (!listing) {
      listing = { items: [], nextPage: 1, total: null, problem: [] };
      this.listings.set(key, listing);
      await this.loadPage(parent, listing);
    } else if (listing.pending) {
      await listing.pending;
    }
    return this.visibleChildren(parent, listing);
  }

  /** Appends the next page under the Load more element's parent and refreshes only that subtree. */
  async loadMore(element: TreeElement): Promise<void> {
    const parent = element.parentId === undefined ? undefined : this.index.get(element.parentId);
    const listing = this.listings.get(element.parentId ?? ROOT_KEY);
    if (!listing || listing.nextPage === null) return;
    if (listing.pending) await listing.pending;
    else await this.loadPage(parent, listing);
    this.fire(parent);
  }

  /**
   * Retry after a failure under `parent`: a failed Load more tries that page again and keeps what
   * was loaded; a failed first page reloads the subtree.
   */
  async retry(parent: TreeElement | undefined): Promise<void> {
    const listing = this.listings.get(parent?.id ?? ROOT_KEY);
    if (listing && listing.items.length && listing.nextPage !== null && listing.problem.length) {
      await this.loadPage(parent, listing);
      this.fire(parent);
      return;
    }
    if (parent) this.refresh(parent);
    else this.refresh();
  }

  /** Drops loaded children of `element` (everything when undefined) and reloads on demand. */
  refresh(element?: TreeElement): void {
    if (!element) {
      this.generation++;
      this.listings.clear();
      this.index.clear();
      this.fire(undefined);
      return;
    }
    // Folder ids end with '/', so their descendants' ids start with the id itself.
    const prefix = element.id.endsWith('/') ? element.id : `${element.id}/`;
    for (const key of [...this.listings.keys()]) {
      if (key === element.id || key.startsWith(prefix)) this.listings.delete(key);
    }
    this.fire(element);
  }

  /**
   * Loads each level from the root down to the target and returns its element. Throws a
   * DandiApiError (not-found with a clear message) when something on the way does not exist.
   */
  async reveal(target: RevealTarget): Promise<TreeElement> {
    // Every level's URL is known from the target: ask for all of them at once, not one round trip per level.
    if (this.options.prefetchOnReveal !== false) this.prefetchLevels(target);
    try {
      return await this.revealLoaded(target);
    } finally {
      this.prefetched.clear();
    }
  }

  private prefetchLevels(target: RevealTarget): void {
    const source = this.options.source();
    const take = <T>(key: string, start: () => Promise<T>) => {
      if (this.listings.has(key.split('|')[0])) return;
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

  private consume<T>(key: string, start: () => Promise<T>): Promise<T> {
    const pending = this.prefetched.get(key) as Promise<T> | undefined;
    this.prefetched.delete(key);
    return pending ?? start();
  }

  private async revealLoaded(target: RevealTarget): Promise<TreeElement> {
    await this.getChildren(undefined);
    let dandiset = this.index.get(dandisetId(target.dandisetId));
    if (!dandiset) dandiset = await this.pinDandiset(target.dandisetId);
    if (!target.version) return dandiset;
    const version = await this.findChild(
      dandiset,
      versionId(target.dandisetId, target.version),
      `Version ${target.version} of Dandiset ${target.dandisetId}`,
    );
    if (!target.path) return version;
    const segments = target.path.replace(/^\/+|\/+$/g, '').split('/');
    let current = version;
    for (let i = 0; i < segments.length; i++) {
      const path = segments.slice(0, i + 1).join('/');
      const last = i === segments.length - 1;
      const isFolder = !last || target.isFolder === true;
      const id = pathId(target.dandisetId, target.version, path, isFolder);
      current = await this.findChild(
        current,
        id,
        `${isFolder ? 'Folder' : 'File'} "${path}" in Dandiset ${target.dandisetId} (${target.version})`,
      );
    }
    return current;
  }

  /** Inserts a Dandiset that is not on the loaded pages at the top of the root list. */
  private async pinDandiset(id: string): Promise<TreeElement> {
    const record = await this.options.source().getDandiset(id);
    const element: DandisetElement = {
      kind: 'dandiset',
      id: dandisetId(id),
      parentId: undefined,
      dandisetId: id,
      record,
      pinned: true,
    };
    const root = this.listings.get(ROOT_KEY);
    if (root) root.items = [element, ...root.items.filter(e => e.id !== element.id)];
    this.index.set(element.id, element);
    this.fire(undefined);
    return element;
  }

  /** The child with `id`, loading further pages of the parent until it turns up. */
  private async findChild(parent: TreeElement, id: string, what: string): Promise<TreeElement> {
    await this.getChildren(parent);
    const listing = this.listings.get(parent.id);
    for (;;) {
      const found = this.index.get(id);
      if (found && listing?.items.includes(found)) return found;
      if (!listing || listing.problem.length) {
        const message = listing?.problem.find((e): e is MessageElement => e.kind === 'message');
        throw new DandiApiError('unavailable', message ? message.text : `Could not load ${what}.`);
      }
      if (listing.nextPage === null)
        throw new DandiApiError('not-found', `${what} was not found on ${this.instanceLabel()}.`, 404);
      await this.loadPage(parent, listing);
      this.fire(parent);
    }
  }

  private visibleChildren(parent: TreeElement | undefined, listing: Listing): TreeElement[] {
    const out = [...listing.items];
    const key = parent?.id ?? ROOT_KEY;
    if (listing.nextPage !== null && !listing.problem.length && listing.items.length) {
      const more = {
        kind: 'loadMore' as const,
        id: `${key}/more`,
        parentId: parent?.id,
        loaded: listing.items.filter(i => i.kind !== 'message').length,
        total: listing.total,
      };
      this.index.set(more.id, more);
      out.push(more);
    }
    out.push(...listing.problem);
    if (!out.length && !parent)
      out.push(this.message(undefined, 'empty', this.options.emptyText?.() ?? 'No Dandisets.', 'info'));
    if (!out.length && parent)
      out.push(
        this.message(
          parent.id,
          'empty',
          parent.kind === 'dandiset' ? 'No versions.' : 'Empty folder.',
          'info',
        ),
      );
    return out;
  }

  private loadPage(parent: TreeElement | undefined, listing: Listing): Promise<void> {
    const generation = this.generation;
    const pending = this.fetchPage(parent, listing)
      .then(page => {
        if (generation !== this.generation) return;
        listing.problem = [];
        const known = new Set(listing.items.map(e => e.id));
        for (const element of page.items) {
          this.index.set(element.id, element);
          if (!known.has(element.id)) listing.items.push(element);
        }
        if (parent && parent.kind !== 'dandiset') listing.items = foldersFirst(listing.items);
        listing.nextPage = page.nextPage;
        listing.total = page.count;
      })
      .catch((error: unknown) => {
        if (generation !== this.generation) return;
        listing.problem = this.problemElements(parent, error);
      })
      .finally(() => {
        listing.pending = undefined;
      });
    listing.pending = pending;
    return pending;
  }

  private async fetchPage(parent: TreeElement | undefined, listing: Listing): Promise<Page<TreeElement>> {
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

  private doiOf(id: string, version: string): string | undefined {
    const instance = this.options.source().instance;
    return instance.doiPrefix && version !== 'draft'
      ? `${instance.doiPrefix}/${instance.doiName ?? instance.name}.${id}/${version}`
      : undefined;
  }

  private problemElements(parent: TreeElement | undefined, error: unknown): TreeElement[] {
    const owner = parent?.id;
    const text = error instanceof Error ? error.message : String(error);
    const detail = error instanceof DandiApiError ? error.detail : undefined;
    const out: TreeElement[] = [this.message(owner, 'error', text, 'error', detail)];
    const kind = error instanceof DandiApiError ? error.kind : 'network';
    if (kind === 'unauthorized' || (kind === 'forbidden' && !this.options.source().signedIn))
      out.push(this.action(owner, 'signIn', 'Sign In...'));
    if (kind === 'network' || kind === 'unavailable' || kind === 'invalid-response') {
      out.push(this.action(owner, 'retry', 'Retry'));
      if (!parent)
        out.push(
          this.action(owner, 'changeApiUrl', 'Change API URL...'),
          this.action(owner, 'selectInstance', 'Select Archive Instance...'),
        );
    } else if (kind !== 'unauthorized' && kind !== 'not-found') {
      out.push(this.action(owner, 'retry', 'Retry'));
    }
    if (kind === 'bad-request' && !parent) out.push(this.action(owner, 'clearSearch', 'Clear Search'));
    return out;
  }

  private message(
    parentId: string | undefined,
    code: string,
    text: string,
    severity: MessageElement['severity'],
    detail?: string,
  ): MessageElement {
    const element: MessageElement = {
      kind: 'message',
      id: `${parentId ?? ROOT_KEY}/message:${code}`,
      parentId,
      text,
      severity,
      detail,
    };
    this.index.set(element.id, element);
    return element;
  }

  private action(
    parentId: string | undefined,
    action: ActionElement['action'],
    label: string,
  ): ActionElement {
    const element: ActionElement = {
      kind: 'action',
      id: `${parentId ?? ROOT_KEY}/action:${action}`,
      parentId,
      label,
      action,
    };
    this.index.set(element.id, element);
    return element;
  }

  private instanceLabel(): string {
    return instanceLabel(this.options.source().instance);
  }

  private fire(element: TreeElement | undefined): void {
    for (const listener of [...this.listeners]) listener(element);
  }
}
