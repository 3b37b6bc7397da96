import { assertCanRead, type RequestContext, requireUser } from './context';
import { boolParam, escapeHtml, HttpError, notFound, redirect, sendHtml, sendJson } from './http';
import { dandisetModified, publishedOf, type StoredZarr, versionTotals } from './model';
import { dandiPage } from './pagination';
import { type Route } from './router';
import { infoDocument } from './serialize';

/** /info/, /stats/, auth, users, Zarr and the minimal web UI. */

const ZID = '(?<zid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const ZARR_MODIFIED = '2024-03-27T00:00:00.000Z';

async function info(ctx: RequestContext): Promise<void> {
  sendJson(ctx.req, ctx.res, 200, infoDocument(ctx.archive));
}

async function stats(ctx: RequestContext): Promise<void> {
  const all = [...ctx.archive.store.dandisets.values()];
  const size = all.reduce((n, d) => n + d.versions.reduce((m, v) => m + versionTotals(v).size, 0), 0);
  sendJson(ctx.req, ctx.res, 200, {
    dandiset_count: all.length,
    published_dandiset_count: all.filter(d => publishedOf(d).length > 0).length,
    user_count: ctx.archive.store.users.length,
    size,
  });
}

async function authToken(ctx: RequestContext): Promise<void> {
  sendJson(ctx.req, ctx.res, 200, requireUser(ctx).apiKey);
}

async function usersMe(ctx: RequestContext): Promise<void> {
  const u = requireUser(ctx);
  sendJson(ctx.req, ctx.res, 200, { username: u.username, name: u.name, admin: u.admin, status: 'APPROVED' });
}

function zarrRecord(z: StoredZarr): Record<string, string | number> {
  return {
    name: z.name,
    dandiset: z.dandisetId,
    zarr_id: z.zarrId,
    status: 'Complete',
    checksum: z.checksum,
    file_count: z.entries.length,
    size: z.size,
  };
}

async function findZarr(ctx: RequestContext): Promise<StoredZarr> {
  let z = ctx.archive.store.zarrs.get(ctx.params.zid as string);
  if (!z) {
    await ctx.archive.store.whenLoaded();
    z = ctx.archive.store.zarrs.get(ctx.params.zid as string);
  }
  if (!z) throw notFound();
  return z;
}

async function listZarrs(ctx: RequestContext): Promise<void> {
  await ctx.archive.store.whenLoaded();
  const dandiset = ctx.query.get('dandiset');
  const name = ctx.query.get('name');
  const list = [...ctx.archive.store.zarrs.values()].filter(
    z => (!dandiset || z.dandisetId === dandiset) && (!name || z.name === name),
  );
  const page = dandiPage(ctx, list);
  sendJson(ctx.req, ctx.res, 200, { ...page, results: page.results.map(zarrRecord) });
}

async function getZarr(ctx: RequestContext): Promise<void> {
  sendJson(ctx.req, ctx.res, 200, zarrRecord(await findZarr(ctx)));
}

/** S3-style listing with an `after` cursor; `download=true` redirects to the presigned entry. */
async function zarrFiles(ctx: RequestContext): Promise<void> {
  const z = await findZarr(ctx);
  // An embargoed Zarr's files (listing and presigned keys) only for those who may read its Dandiset.
  const owner = z.embargoed ? ctx.archive.store.dandisets.get(z.dandisetId) : undefined;
  if (owner) assertCanRead(ctx, owner);
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  if (boolParam(q, 'download', false)) {
    const entry = z.entries.find(e => e.key === prefix);
    if (!entry) throw notFound();
    const method = ctx.req.method === 'HEAD' ? 'HEAD' : 'GET';
    redirect(
      ctx.req,
      ctx.res,
      302,
      ctx.archive.presigner.presign(ctx.archive.blobOrigin, `/zarr/${z.zarrId}/${entry.key}`, method, {}),
    );
    return;
  }
  const after = q.get('after') ?? '';
  const rawLimit = Number(q.get('limit') ?? '1000');
  if (!Number.isInteger(rawLimit) || rawLimit < 1)
    throw new HttpError(400, { limit: ['Ensure this value is greater than or equal to 1.'] });
  const limit = Math.min(rawLimit, 1000);
  const matching = z.entries.filter(e => e.key.startsWith(prefix) && e.key > after);
  const results = matching.slice(0, limit);
  let next: string | null = null;
  if (matching.length > limit) {
    const u = new URL(`${ctx.origin}${ctx.pathname}`);
    for (const [k, v] of q) if (k !== 'after') u.searchParams.append(k, v);
    u.searchParams.set('after', (results[results.length - 1] as { key: string }).key);
    next = u.toString();
  }
  sendJson(ctx.req, ctx.res, 200, {
    next,
    results: results.map(e => ({
      Key: e.key,
      LastModified: ZARR_MODIFIED,
      ETag: e.md5,
      Size: e.data.length,
    })),
  });
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

async function webHome(ctx: RequestContext): Promise<void> {
  sendHtml(
    ctx.req,
    ctx.res,
    200,
    page(
      'DANDI stand-in archive',
      `<h1>DANDI stand-in archive</h1><p>API: <code>${escapeHtml(ctx.archive.apiUrl)}</code></p>`,
    ),
  );
}

async function webServerInfo(ctx: RequestContext): Promise<void> {
  sendJson(ctx.req, ctx.res, 200, infoDocument(ctx.archive));
}

async function webDandiset(ctx: RequestContext): Promise<void> {
  const d = ctx.archive.store.dandisets.get(ctx.params.id as string);
  const version = ctx.params.version ?? null;
  const v = d
    ? version
      ? d.versions.find(x => x.version === version)
      : d.versions[d.versions.length - 1]
    : undefined;
  if (!d || !v || (d.embargoStatus !== 'OPEN' && !ctx.user)) {
    sendHtml(ctx.req, ctx.res, 200, page('DANDI Archive', '<h1>Dandiset not found</h1>'));
    return;
  }
  const location = ctx.query.get('location');
  const files = ctx.params.files ? `<p>Files at <code>${escapeHtml(location ?? '')}</code></p>` : '';
  sendHtml(
    ctx.req,
    ctx.res,
    200,
    page(
      `DANDI:${d.identifier}`,
      `<h1>${escapeHtml(v.name)}</h1><p>DANDI:${d.identifier}/${escapeHtml(v.version)} · modified ${escapeHtml(dandisetModified(d))}</p>${files}`,
    ),
  );
}

export const miscRoutes: Route[] = [
  { pattern: '/api/info/', handler: info },
  { pattern: '/api/stats/', handler: stats },
  { pattern: '/api/auth/token/', handler: authToken },
  { pattern: '/api/users/me/', handler: usersMe },
  { pattern: '/api/zarr/', handler: listZarrs },
  { pattern: `/api/zarr/${ZID}/`, handler: getZarr },
  { pattern: `/api/zarr/${ZID}/files/`, handler: zarrFiles },
];

/** Web UI routes: no trailing-slash redirects, HTML pages. */
export const webRoutes: Route[] = [
  { pattern: '/', handler: webHome },
  { pattern: '/server-info', handler: webServerInfo },
  {
    pattern: '/dandiset/(?<id>\\d{6})(?:/(?<version>0\\.\\d{6}\\.\\d{4}|draft)(?<files>/files)?)?/?',
    handler: webDandiset,
  },
];
