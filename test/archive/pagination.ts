import { invalidPage, rebuildUrl } from './http';

/** DRF page-number pagination as the archive uses it (dandi-api.md 0.4). */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  origin: string;
  pathname: string;
  query: URLSearchParams;
}

export interface Page<T> {
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** 0, negative or non-numeric ⇒ default; larger than the maximum ⇒ silently clamped. */
export function pageSizeOf(query: URLSearchParams): number {
  const raw = query.get('page_size');
  if (raw === null || !/^\d+$/.test(raw.trim())) return DEFAULT_PAGE_SIZE;
  const n = Number(raw.trim());
  if (n <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}

function links(
  req: PageRequest,
  page: number,
  hasNext: boolean,
): { next: string | null; previous: string | null } {
  const next = hasNext ? rebuildUrl(req.origin, req.pathname, req.query, { page: String(page + 1) }) : null;
  let previous: string | null = null;
  if (page > 1)
    previous = rebuildUrl(req.origin, req.pathname, req.query, {
      page: page === 2 ? null : String(page - 1),
    });
  return { next, previous };
}

/** DandiPagination: `count` on every page, `page=last`, 404 `Invalid page.` out of range. */
export function dandiPage<T>(req: PageRequest, items: readonly T[]): Page<T> {
  const size = pageSizeOf(req.query);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const raw = req.query.get('page') ?? '1';
  let page: number;
  if (raw === 'last') page = pages;
  else if (/^\d+$/.test(raw)) page = Number(raw);
  else throw invalidPage();
  if (page < 1 || page > pages) throw invalidPage();
  const results = items.slice((page - 1) * size, page * size);
  return { count: items.length, ...links(req, page, page < pages), results };
}

/** LazyPagination (asset list): `count` only on page 1; past the end ⇒ 200 with no results. */
export function lazyPage<T>(req: PageRequest, items: readonly T[]): Page<T> {
  const size = pageSizeOf(req.query);
  const raw = req.query.get('page') ?? '1';
  if (!/^\d+$/.test(raw)) throw invalidPage();
  const page = Number(raw);
  if (page < 1) throw invalidPage();
  const results = items.slice((page - 1) * size, page * size);
  const hasNext = items.length > page * size;
  return { count: page === 1 ? items.length : null, ...links(req, page, hasNext), results };
}
