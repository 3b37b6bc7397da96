import { assertCanRead, type RequestContext } from './context';
import { boolParam, escapeHtml, HttpError, notFound, redirect, sendHtml, sendJson } from './http';
import { type JsonObject, type StoredAsset, type StoredDandiset, type StoredVersion } from './model';
import { dandiPage, lazyPage } from './pagination';
import { byteOrder, childrenOf, pathIndex, type PathNode } from './pathIndex';
import { type Route } from './router';
import { ID, VERSION, findVersion } from './routesDandisets';
import { assetInfo, assetItem, assetMetadata, blobPath, s3Url } from './serialize';
import { uuidFrom } from './content';
import { generatedBlob } from './blobs';

/** Asset listing, paths, single assets and downloads (dandi-api.md 1.8 to 1.12, 2.1). */

const AID = '(?<aid>[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})';

function globMatcher(glob: string): RegExp {
  const body = glob
    .split('*')
    .map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

const ORDERS: Record<string, (a: StoredAsset) => string> = {
  created: a => a.created,
  modified: a => a.modified,
  path: a => a.path,
};

function filterAssets(ctx: RequestContext, v: StoredVersion): StoredAsset[] {
  const { query } = ctx;
  let assets = v.assets;
  const path = query.get('path');
  if (path) {
    const exact = assets.filter(a => a.path === path);
    if (exact.length > 0) assets = exact;
    else {
      const lower = path.toLowerCase();
      assets = assets.filter(a => a.path.toLowerCase().startsWith(lower));
    }
  }
  const glob = query.get('glob');
  if (glob) {
    const re = globMatcher(glob);
    assets = assets.filter(a => re.test(a.path));
  }
  if (boolParam(query, 'zarr', false)) assets = assets.filter(a => a.zarr !== null);
  const ord = query.get('order');
  if (ord) {
    const desc = ord.startsWith('-');
    const key = ORDERS[desc ? ord.slice(1) : ord];
    if (!key)
      throw new HttpError(400, {
        order: [`Select a valid choice. ${ord} is not one of the available choices.`],
      });
    assets = [...assets].sort((a, b) => {
      const c = byteOrder(key(a), key(b));
      return desc ? -c : c;
    });
  }
  return assets;
}

let inserted = 0;
/** The draftChangesBetweenPages fault: a new asset that sorts first in the listed folder. */
function changeDraft(ctx: RequestContext, d: StoredDandiset, v: StoredVersion, folder: string): void {
  const n = ++inserted;
  const path = `${folder ? `${folder}/` : ''}000-inserted-${n}.bin`;
  const blob = generatedBlob(uuidFrom(`blob:inserted:${d.identifier}:${n}`), 100 + n, new Date());
  const first = v.assets.reduce((m, a) => (a.created < m ? a.created : m), v.created);
  const created = new Date(Date.parse(first) - 1000).toISOString().replace('Z', '000Z');
  const asset: StoredAsset = {
    assetId: uuidFrom(`asset:inserted:${d.identifier}:${n}:${Date.now()}`),
    path,
    blob,
    zarr: null,
    created,
    modified: new Date().toISOString().replace('Z', '000Z'),
    metadata: { schemaKey: 'Asset', encodingFormat: 'application/octet-stream' },
  };
  v.assets = [asset, ...v.assets];
  v.generation++;
  v.status = 'Pending';
  v.modified = asset.modified;
  ctx.archive.store.indexAssets(d, [asset]);
}

async function listAssets(ctx: RequestContext): Promise<void> {
  const { d, v } = await findVersion(ctx);
  const withMetadata = boolParam(ctx.query, 'metadata', false);
  const page = lazyPage(ctx, filterAssets(ctx, v));
  const results = await Promise.all(
    page.results.map(async a =>
      withMetadata ? { ...assetItem(a), metadata: await assetMetadata(ctx.archive, d, a) } : assetItem(a),
    ),
  );
  sendJson(ctx.req, ctx.res, 200, { ...page, results });
  if (ctx.archive.faults.draftChangesBetweenPages && v.version === 'draft' && page.count !== null) {
    changeDraft(ctx, d, v, '');
  }
}

function pathItem(ctx: RequestContext, n: PathNode, versionPk: number): JsonObject {
  return {
    path: n.path,
    version: versionPk,
    aggregate_files: n.aggregateFiles,
    aggregate_size: n.aggregateSize,
    asset: n.asset ? { asset_id: n.asset.assetId, url: s3Url(ctx.archive, n.asset) } : null,
  };
}

async function listPaths(ctx: RequestContext): Promise<void> {
  const { d, v } = await findVersion(ctx);
  const prefix = (ctx.query.get('path_prefix') ?? '').replace(/^\/+|\/+$/g, '');
  const index = pathIndex(v);
  const node = prefix === '' ? index.root : index.nodes.get(prefix);
  if (!node) throw new HttpError(404, { detail: 'Specified path not found.' });
  const children = node.asset ? [] : childrenOf(node);
  const versionPk = Number.parseInt(d.identifier, 10) * 10 + d.versions.indexOf(v);
  const page = dandiPage(ctx, children);
  sendJson(ctx.req, ctx.res, 200, {
    ...page,
    results: page.results.map(p => pathItem(ctx, index.nodes.get(p) as PathNode, versionPk)),
  });
  if (
    ctx.archive.faults.draftChangesBetweenPages &&
    v.version === 'draft' &&
    (ctx.query.get('page') ?? '1') === '1'
  )
    changeDraft(ctx, d, v, prefix);
}

async function assetInVersion(ctx: RequestContext): Promise<{ d: StoredDandiset; a: StoredAsset }> {
  const { d, v } = await findVersion(ctx);
  const a = v.assets.find(x => x.assetId === ctx.params.aid);
  if (!a) throw notFound();
  return { d, a };
}

async function assetById(ctx: RequestContext): Promise<{ d: StoredDandiset; a: StoredAsset }> {
  const hit = await ctx.archive.store.findAsset(ctx.params.aid as string);
  if (!hit) throw notFound();
  assertCanRead(ctx, hit.dandiset);
  return { d: hit.dandiset, a: hit.asset };
}

function download(ctx: RequestContext, a: StoredAsset): void {
  if (a.zarr || !a.blob) {
    throw new HttpError(
      400,
      'Unable to provide download link for zarr assets. Please browse the zarr files directly to do so.',
    );
  }
  const name = a.path.split('/').pop() ?? a.path;
  const inline = ctx.query.get('content_disposition') === 'inline';
  const encoding =
    typeof a.metadata.encodingFormat === 'string' ? a.metadata.encodingFormat : 'application/octet-stream';
  const extra: Record<string, string> = {
    'response-content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"`,
  };
  if (inline) extra['response-content-type'] = encoding;
  const url = ctx.archive.presigner.presign(ctx.archive.blobOrigin, blobPath(a.blob.blobId), 'GET', extra);
  if (inline && encoding.startsWith('video/')) {
    sendHtml(
      ctx.req,
      ctx.res,
      200,
      `<video autoplay muted controls><source src="${escapeHtml(url)}" type="${escapeHtml(encoding)}"></video>`,
    );
    return;
  }
  redirect(ctx.req, ctx.res, 302, url);
}

function metadataHandler(find: (ctx: RequestContext) => Promise<{ d: StoredDandiset; a: StoredAsset }>) {
  return async (ctx: RequestContext): Promise<void> => {
    const { d, a } = await find(ctx);
    sendJson(ctx.req, ctx.res, 200, await assetMetadata(ctx.archive, d, a));
  };
}

function infoHandler(find: (ctx: RequestContext) => Promise<{ d: StoredDandiset; a: StoredAsset }>) {
  return async (ctx: RequestContext): Promise<void> => {
    const { d, a } = await find(ctx);
    sendJson(ctx.req, ctx.res, 200, await assetInfo(ctx.archive, d, a));
  };
}

function downloadHandler(find: (ctx: RequestContext) => Promise<{ d: StoredDandiset; a: StoredAsset }>) {
  return async (ctx: RequestContext): Promise<void> => {
    const { a } = await find(ctx);
    download(ctx, a);
  };
}

async function validation(ctx: RequestContext): Promise<void> {
  await assetInVersion(ctx);
  sendJson(ctx.req, ctx.res, 200, { status: 'Valid', validation_errors: [] });
}

/** /webdav/assets/atpath/: a folder or asset plus (optionally) its children. */
async function atPath(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const id = q.get('dandiset_id') ?? '';
  const version = q.get('version_id') ?? '';
  if (!/^\d{6}$/.test(id)) throw new HttpError(400, { dandiset_id: ['Enter a valid value.'] });
  ctx.params.id = id;
  ctx.params.version = version;
  const { d, v } = await findVersion(ctx);
  const raw = q.get('path') ?? '';
  const mustBeFolder = raw.endsWith('/');
  const path = raw.replace(/^\/+|\/+$/g, '');
  const index = pathIndex(v);
  const node = path === '' ? index.root : index.nodes.get(path);
  if (!node || (mustBeFolder && node.asset))
    throw new HttpError(404, { detail: `Folder or asset not found at ${raw}` });
  const withMeta = boolParam(q, 'metadata', false);
  const render = async (n: PathNode): Promise<JsonObject> => {
    if (!n.asset)
      return {
        type: 'folder',
        resource: { path: n.path, total_assets: n.aggregateFiles, total_size: n.aggregateSize },
      };
    const item: JsonObject = { ...assetItem(n.asset) };
    if (withMeta) item.metadata = await assetMetadata(ctx.archive, d, n.asset);
    return { type: 'asset', resource: item };
  };
  const entries: PathNode[] = path === '' ? [] : [node];
  if (!node.asset && boolParam(q, 'children', false))
    for (const c of childrenOf(node)) entries.push(index.nodes.get(c) as PathNode);
  const page = dandiPage(ctx, entries);
  sendJson(ctx.req, ctx.res, 200, { ...page, results: await Promise.all(page.results.map(render)) });
}

const NESTED = `/api/dandisets/${ID}/versions/${VERSION}/assets`;

export const assetRoutes: Route[] = [
  { pattern: `${NESTED}/`, handler: listAssets },
  { pattern: `${NESTED}/paths/`, handler: listPaths },
  { pattern: `${NESTED}/${AID}/`, handler: metadataHandler(assetInVersion) },
  { pattern: `${NESTED}/${AID}/info/`, handler: infoHandler(assetInVersion) },
  { pattern: `${NESTED}/${AID}/download/`, handler: downloadHandler(assetInVersion) },
  { pattern: `${NESTED}/${AID}/validation/`, handler: validation },
  { pattern: `/api/assets/${AID}/`, handler: metadataHandler(assetById) },
  { pattern: `/api/assets/${AID}/info/`, handler: infoHandler(assetById) },
  { pattern: `/api/assets/${AID}/download/`, handler: downloadHandler(assetById) },
  { pattern: '/api/webdav/assets/atpath/', handler: atPath },
];
