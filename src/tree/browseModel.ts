/**
 * The tree's state without VS Code; see {@link BrowseModel}. Pages come from `pageFetcher.ts`,
 * error and empty-list elements from `problemElements.ts`, the contract types from `browseTypes.ts`.
 */
import { DandiApiError } from '../dandi/errors';
import { instanceLabel } from '../dandi/instances';
import type { BrowseModelOptions, RevealTarget } from './browseTypes';
import {
  ROOT_KEY,
  dandisetId,
  foldersFirst,
  pathId,
  versionId,
  type DandisetElement,
  type MessageElement,
  type TreeElement,
} from './model';
import { PageFetcher } from './pageFetcher';
import { messageElement, problemElements } from './problemElements';

interface Listing {
  items: TreeElement[];
  nextPage: number | null;
  total: number | null;
  /** Message and actions shown after the items when the last load failed. */
  problem: TreeElement[];
  pending?: Promise<void>;
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
  private readonly fetcher: PageFetcher;

  constructor(private readonly options: BrowseModelOptions) {
    this.fetcher = new PageFetcher(options);
  }

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
    if (this.options.prefetchOnReveal !== false) this.fetcher.prefetch(target, key => this.listings.has(key));
    try {
      return await this.revealLoaded(target);
    } finally {
      this.fetcher.clearPrefetched();
    }
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
      out.push(this.emptyMessage(undefined, this.options.emptyText?.() ?? 'No Dandisets.'));
    if (!out.length && parent)
      out.push(this.emptyMessage(parent.id, parent.kind === 'dandiset' ? 'No versions.' : 'Empty folder.'));
    return out;
  }

  private loadPage(parent: TreeElement | undefined, listing: Listing): Promise<void> {
    const generation = this.generation;
    const pending = this.fetcher
      .fetch(parent, listing)
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
        listing.problem = problemElements(parent, error, () => this.options.source().signedIn);
        for (const element of listing.problem) this.index.set(element.id, element);
      })
      .finally(() => {
        listing.pending = undefined;
      });
    listing.pending = pending;
    return pending;
  }

  /** The note of an empty listing, indexed so that get() finds it. */
  private emptyMessage(parentId: string | undefined, text: string): MessageElement {
    const element = messageElement(parentId, 'empty', text, 'info');
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
