import type { DandisetOrdering, ListDandisetsOptions } from '../dandi/types';

/** The Dandiset list's search, sort and filters; remembered across restarts (globalState). */
export interface ListQuery {
  search: string;
  ordering: DandisetOrdering;
  /** Include Dandisets never published. */
  includeDrafts: boolean;
  /** Include Dandisets whose most recent version has no assets. */
  includeEmpty: boolean;
}

export const DEFAULT_QUERY: ListQuery = {
  search: '',
  ordering: '-modified',
  includeDrafts: true,
  includeEmpty: false,
};

export const ORDERING_LABELS: Record<string, string> = {
  id: 'Identifier',
  name: 'Name',
  modified: 'Modified',
  size: 'Size',
  stars: 'Stars',
};

/** Accepts what globalState holds, whatever an older version wrote there. */
export function normaliseQuery(value: unknown): ListQuery {
  if (typeof value !== 'object' || value === null) return { ...DEFAULT_QUERY };
  const v = value as Partial<ListQuery>;
  const ordering =
    typeof v.ordering === 'string' && /^-?(id|name|modified|size|stars)$/.test(v.ordering)
      ? v.ordering
      : DEFAULT_QUERY.ordering;
  return {
    search: typeof v.search === 'string' ? v.search.slice(0, 1024) : '',
    ordering,
    includeDrafts: typeof v.includeDrafts === 'boolean' ? v.includeDrafts : DEFAULT_QUERY.includeDrafts,
    includeEmpty: typeof v.includeEmpty === 'boolean' ? v.includeEmpty : DEFAULT_QUERY.includeEmpty,
  };
}

/** Server parameters of the main list (embargoed ones too when signed in). */
export function listOptions(
  query: ListQuery,
  signedIn: boolean,
): Omit<ListDandisetsOptions, 'page' | 'pageSize' | 'signal'> {
  return {
    search: query.search || undefined,
    ordering: query.ordering,
    draft: query.includeDrafts,
    empty: query.includeEmpty,
    embargoed: signedIn || undefined,
  };
}

/** "search: mouse · sorted by Modified ↓ · without empty" for the view description. */
export function describeQuery(query: ListQuery): string {
  const parts: string[] = [];
  if (query.search) parts.push(`"${query.search}"`);
  const field = query.ordering.replace(/^-/, '');
  parts.push(`${ORDERING_LABELS[field] ?? field} ${query.ordering.startsWith('-') ? '↓' : '↑'}`);
  if (!query.includeDrafts) parts.push('published only');
  if (query.includeEmpty) parts.push('with empty');
  return parts.join(' · ');
}
