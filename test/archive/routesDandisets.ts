import { assertCanRead, canRead, type RequestContext, requireUser } from './context';
import { boolParam, HttpError, notFound, sendJson } from './http';
import {
  dandisetModified,
  ensureLoaded,
  mostRecentVersion,
  publishedOf,
  type StoredDandiset,
  type StoredVersion,
  versionTotals,
} from './model';
import { dandiPage } from './pagination';
import { type Route } from './router';
import { matchesSearch, parseSearch } from './search';
import { dandisetItem, versionInfo, versionListItem, versionMetadata } from './serialize';

/** /api/dandisets/ and its versions (dandi-api.md 1.3 to 1.7). */

export const ID = '(?<id>\\d{6})';
export const VERSION = '(?<version>0\\.\\d{6}\\.\\d{4}|draft)';

export function findDandiset(ctx: RequestContext): StoredDandiset {
  const d = ctx.archive.store.dandisets.get(ctx.params.id as string);
  if (!d) throw notFound();
  assertCanRead(ctx, d);
  return d;
}

export async function findVersion(ctx: RequestContext): Promise<{ d: StoredDandiset; v: StoredVersion }> {
  const d = findDandiset(ctx);
  const v = d.versions.find(x => x.version === ctx.params.version);
  if (!v) throw notFound();
  await ensureLoaded(v);
  return { d, v };
}

type Key = (d: StoredDandiset) => string | number;
const ORDERINGS: Record<string, Key> = {
  id: d => d.identifier,
  name: d => mostRecentVersion(d)?.name.toLowerCase() ?? '',
  modified: d => mostRecentVersion(d)?.modified ?? dandisetModified(d),
  size: d => {
    const v = mostRecentVersion(d);
    return v ? versionTotals(v).size : 0;
  },
  stars: d => d.starredBy.size,
};

function order(list: StoredDandiset[], ordering: string | null): StoredDandiset[] {
  // Only the first comma-separated term counts; unknown terms are ignored (DRF OrderingFilter).
  const term = (ordering ?? '').split(',')[0]?.trim() ?? '';
  const desc = term.startsWith('-');
  const key = ORDERINGS[desc ? term.slice(1) : term];
  if (!key) return list;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (desc ? -c : c) || (a.identifier < b.identifier ? -1 : 1);
  });
}

async function listDandisets(ctx: RequestContext): Promise<void> {
  const { query, archive } = ctx;
  const draft = boolParam(query, 'draft', true);
  const empty = boolParam(query, 'empty', true);
  const embargoed = boolParam(query, 'embargoed', false);
  const starred = boolParam(query, 'starred', false);
  if (embargoed && !ctx.user) {
    throw new HttpError(
      401,
      'Authentication credentials must be provided when attempting to access embargoed dandisets',
    );
  }
  if (starred && !ctx.user) throw new HttpError(401, 'Must be authenticated to filter by starred dandisets.');
  const userMe = query.get('user') === 'me';
  if (userMe) requireUser(ctx);
  const search = query.get('search');
  const parsed = search ? parseSearch(search) : null;
  if (parsed?.operators.some(o => o.key === 'file_type')) {
    await archive.store.whenLoaded();
  }
  let list = archive.store.sorted().filter(d => {
    if (d.embargoStatus !== 'OPEN' && !(embargoed && canRead(ctx.user, d))) return false;
    if (!draft && publishedOf(d).length === 0) return false;
    if (!empty) {
      const v = mostRecentVersion(d);
      if (!v || versionTotals(v).assetCount === 0) return false;
    }
    if (userMe && !d.owners.includes(ctx.user?.username ?? '')) return false;
    if (starred && !d.starredBy.has(ctx.user?.username ?? '')) return false;
    return parsed ? matchesSearch(archive.store, d, parsed) : true;
  });
  list = order(list, query.get('ordering'));
  const page = dandiPage(ctx, list);
  sendJson(ctx.req, ctx.res, 200, {
    ...page,
    results: page.results.map(d => dandisetItem(d, ctx.user, false)),
  });
}

async function getDandiset(ctx: RequestContext): Promise<void> {
  sendJson(ctx.req, ctx.res, 200, dandisetItem(findDandiset(ctx), ctx.user, true));
}

async function listVersions(ctx: RequestContext): Promise<void> {
  const d = findDandiset(ctx);
  const ord = ctx.query.get('order');
  if (ord !== null && ord !== 'created' && ord !== '-created') {
    throw new HttpError(400, {
      order: [`Select a valid choice. ${ord} is not one of the available choices.`],
    });
  }
  const versions = [...d.versions].sort((a, b) =>
    a.created < b.created ? -1 : a.created > b.created ? 1 : 0,
  );
  if (ord === '-created') versions.reverse();
  const page = dandiPage(ctx, versions);
  sendJson(ctx.req, ctx.res, 200, {
    ...page,
    results: page.results.map(v => versionListItem(d, v, ctx.user)),
  });
}

async function getVersion(ctx: RequestContext): Promise<void> {
  const { d, v } = await findVersion(ctx);
  sendJson(ctx.req, ctx.res, 200, versionMetadata(ctx.archive, d, v));
}

async function getVersionInfo(ctx: RequestContext): Promise<void> {
  const { d, v } = await findVersion(ctx);
  sendJson(ctx.req, ctx.res, 200, versionInfo(ctx.archive, d, v, ctx.user));
}

async function listUsers(ctx: RequestContext): Promise<void> {
  const d = findDandiset(ctx);
  sendJson(
    ctx.req,
    ctx.res,
    200,
    d.owners.map(o => {
      const u = ctx.archive.store.userByName(o);
      return { username: o, name: u?.name ?? o, email: ctx.user && u ? u.email : null };
    }),
  );
}

export const dandisetRoutes: Route[] = [
  { pattern: '/api/dandisets/', handler: listDandisets },
  { pattern: `/api/dandisets/${ID}/`, handler: getDandiset },
  { pattern: `/api/dandisets/${ID}/users/`, handler: listUsers },
  { pattern: `/api/dandisets/${ID}/versions/`, handler: listVersions },
  { pattern: `/api/dandisets/${ID}/versions/${VERSION}/`, handler: getVersion },
  { pattern: `/api/dandisets/${ID}/versions/${VERSION}/info/`, handler: getVersionInfo },
];
