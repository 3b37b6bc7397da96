import { DandiApiError } from './errors';
import type { Paginated } from './types';

/**
 * Walks a DRF page-number listing (dandi-api.md 0.4) as an async generator of pages in order.
 * Page 1 first; when it reports a count and its `next` is page 2 of the same query, the remaining
 * pages are fetched `concurrency` at a time (results still yielded in order). Otherwise, and after
 * the computed pages if the listing grew meanwhile, `next` is followed one page at a time.
 * Works with both paginators: count on every page (404 "Invalid page." past the end) or count
 * on page 1 only (an empty 200 past the end).
 */
export interface PageFetcher<T> {
  /** GET one page URL; a 404 "Invalid page." must come back as null (the listing shrank). */
  (url: string, signal?: AbortSignal): Promise<Paginated<T> | null>;
}

export async function* walkPages<T>(
  firstUrl: string,
  fetchPage: PageFetcher<T>,
  concurrency: number,
  signal?: AbortSignal,
): AsyncGenerator<Paginated<T>> {
  const first = await fetchPage(firstUrl, signal);
  if (!first) return;
  yield first;
  let next = first.next;
  if (!next) return;

  const pageSize = first.results.length;
  const plannedPages = first.count !== null && pageSize > 0 ? Math.ceil(first.count / pageSize) : 0;
  if (plannedPages >= 2 && isPageOf(next, firstUrl, 2)) {
    // Bounded look-ahead: at most `concurrency` requests in flight, yielded strictly in order.
    const inFlight: Promise<Paginated<T> | null>[] = [];
    let requested = 2;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let last: Paginated<T> | null = null;
      while (requested <= plannedPages || inFlight.length) {
        while (inFlight.length < concurrency && requested <= plannedPages) {
          const pending = fetchPage(withPage(firstUrl, requested++), controller.signal);
          pending.catch(() => undefined); // awaited below in order; avoid an unhandled rejection meanwhile
          inFlight.push(pending);
        }
        const page = await (inFlight.shift() as Promise<Paginated<T> | null>);
        if (!page) return; // the listing shrank: nothing past this page
        last = page;
        yield page;
        if (page.results.length === 0) return; // lazy paginator past the end
      }
      next = last?.next ?? null;
    } finally {
      controller.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }
  // Cursor-style (or the listing grew past the computed pages): follow next links.
  const seen = new Set<string>();
  while (next && !seen.has(next)) {
    seen.add(next);
    const page = await fetchPage(next, signal);
    if (!page) return;
    yield page;
    if (page.results.length === 0) return;
    next = page.next;
  }
}

/** True when `next` is `base` with page=<n> (query keys compared regardless of order). */
function isPageOf(next: string, base: string, n: number): boolean {
  try {
    const a = new URL(next);
    const b = new URL(withPage(base, n));
    if (a.pathname !== b.pathname) return false;
    const sorted = (u: URL) =>
      [...u.searchParams.entries()]
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join('&');
    return sorted(a) === sorted(b);
  } catch {
    return false;
  }
}

export function withPage(url: string, page: number): string {
  const u = new URL(url);
  u.searchParams.set('page', String(page));
  return u.toString();
}

/** Validates the `{count, next, previous, results}` envelope. */
export function asPaginated<T>(body: unknown, what: string): Paginated<T> {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as Paginated<T>).results)) {
    throw new DandiApiError(
      'invalid-response',
      `The archive sent an unexpected answer for ${what} (no results list).`,
    );
  }
  const page = body as Paginated<T>;
  return {
    count: typeof page.count === 'number' ? page.count : null,
    next: typeof page.next === 'string' ? page.next : null,
    previous: typeof page.previous === 'string' ? page.previous : null,
    results: page.results,
  };
}
