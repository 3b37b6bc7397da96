import * as assert from 'node:assert/strict';
import { get, getJson, type PageBody, useArchive } from './helpers';

interface AssetItem {
  asset_id: string;
  blob: string | null;
  zarr: string | null;
  path: string;
  size: number;
  created: string;
  metadata?: { digest: Record<string, string>; contentUrl: string[]; contentSize: number; path: string };
}

interface PathItem {
  path: string;
  aggregate_files: number;
  aggregate_size: number;
  asset: { asset_id: string; url: string } | null;
}

describe('stand-in archive: assets, paths and atpath', () => {
  const archive = useArchive();
  const assets = (id: string, v = 'draft'): string =>
    `${archive().apiUrl}/dandisets/${id}/versions/${v}/assets/`;

  it('serves the real 000109 listing with zarr: null and Z timestamps', async () => {
    const page = await getJson<PageBody<AssetItem>>(`${assets('000109')}?page_size=1000`);
    assert.equal(page.count, 350);
    const a = page.results.find(x => x.asset_id === '4673e4e6-10fe-449d-88a5-696eba13528e') as AssetItem;
    assert.equal(a.path, 'sub-642843699/sub-642843699_ses-642857917_icephys.nwb');
    assert.equal(a.size, 18827277);
    assert.equal(a.zarr, null);
    assert.equal(a.created, '2021-07-02T17:53:13.890062Z');
  });

  it('uses LazyPagination: count on page 1 only, 200 with no results past the end', async () => {
    const id = archive().ids.scale;
    const p1 = await getJson<PageBody<AssetItem>>(`${assets(id)}?page_size=1000`);
    assert.ok((p1.count as number) >= 10_000);
    assert.equal(p1.next, `${assets(id)}?page=2&page_size=1000`);
    const p2 = await getJson<PageBody<AssetItem>>(p1.next as string);
    assert.equal(p2.count, null);
    assert.equal(p2.previous, `${assets(id)}?page_size=1000`);
    const past = await get(`${assets(id)}?page=999&page_size=1000`);
    assert.equal(past.status, 200);
    assert.deepEqual((past.json as PageBody).results, []);
    assert.equal((past.json as PageBody).count, null);
    for (const bad of ['0', 'abc']) {
      const r = await get(`${assets(id)}?page=${bad}`);
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, { detail: 'Invalid page.' });
    }
    assert.equal((await getJson<PageBody>(`${assets(id)}?page_size=0`)).results.length, 100);
  });

  it('filters path as a case-insensitive prefix, with the exact-match shortcut', async () => {
    const id = archive().ids.scale;
    const folder = await getJson<PageBody<AssetItem>>(`${assets(id)}?path=SUB-001/ses-001/&page_size=1000`);
    assert.equal(folder.count, 50);
    const exactPath = 'sub-001/ses-001/sub-001_ses-001_run-001.nwb';
    const exact = await getJson<PageBody<AssetItem>>(`${assets(id)}?path=${encodeURIComponent(exactPath)}`);
    assert.deepEqual(
      exact.results.map(a => a.path),
      [exactPath],
    );
    const prefix = await getJson<PageBody<AssetItem>>(
      `${assets(id)}?path=${encodeURIComponent(exactPath.slice(0, -5))}`,
    );
    assert.equal(prefix.count, 9, 'run-001 .. run-009 share the prefix run-00');
  });

  it('matches glob case-insensitively with * across folders, and orders', async () => {
    const id = archive().ids.scale;
    const pngs = await getJson<PageBody<AssetItem>>(`${assets(id)}?glob=*.PNG&page_size=10`);
    assert.equal(pngs.count, 1200);
    const sub = await getJson<PageBody<AssetItem>>(`${assets(id)}?glob=sub-040*run-050.nwb`);
    assert.equal(sub.count, 5);
    const byPath = await getJson<PageBody<AssetItem>>(`${assets(id)}?order=-path&page_size=3`);
    assert.equal(byPath.results[0]?.path, 'sub-040/ses-005/sub-040_ses-005_run-050.nwb');
    const bad = await get(`${assets(id)}?order=size`);
    assert.equal(bad.status, 400);
  });

  it('adds metadata with digests and content URLs consistent with the blob host', async () => {
    const a = archive();
    const page = await getJson<PageBody<AssetItem>>(`${assets('000064')}?metadata=true`);
    const item = page.results[0] as AssetItem;
    const meta = item.metadata as NonNullable<AssetItem['metadata']>;
    assert.equal(meta.contentSize, 218366752);
    assert.match(meta.digest['dandi:dandi-etag'] as string, /^[0-9a-f]{32}-4$/);
    assert.equal(meta.contentUrl[0], `${a.apiUrl}/assets/${item.asset_id}/download/`);
    assert.equal(meta.contentUrl[1], `${a.blobOrigin}/blobs/1a5/4a4/1a54a43e-f675-4603-9935-63ffbe0cb085`);
    const noMeta = await getJson<PageBody<AssetItem>>(assets('000064'));
    assert.equal(noMeta.results[0]?.metadata, undefined);
  });

  it('lists Zarr assets only with zarr=true', async () => {
    const zarrs = await getJson<PageBody<AssetItem>>(`${assets(archive().ids.zarr)}?zarr=true`);
    assert.equal(zarrs.count, 1);
    assert.equal(zarrs.results[0]?.blob, null);
    assert.match(zarrs.results[0]?.zarr as string, /^[0-9a-f-]{36}$/);
  });

  it('builds 000026 (57k assets, Zarrs) on first use', async () => {
    const page = await getJson<PageBody<AssetItem>>(`${assets('000026')}?zarr=true&page_size=2`);
    assert.equal(page.count, 567);
    const d = await getJson<{ draft_version: { asset_count: number } }>(
      `${archive().apiUrl}/dandisets/000026/`,
    );
    assert.equal(d.draft_version.asset_count, 57717);
  });

  it('lists one folder level with paths/: aggregates, byte order, asset url or null', async () => {
    const a = archive();
    const root = await getJson<PageBody<PathItem>>(`${assets(a.ids.scale)}paths/?page_size=1000`);
    assert.equal(root.count, 41);
    const stimuli = root.results.find(p => p.path === 'stimuli') as PathItem;
    assert.equal(stimuli.aggregate_files, 1200);
    assert.equal(stimuli.asset, null);
    const files = await getJson<PageBody<PathItem>>(
      `${assets(a.ids.scale)}paths/?path_prefix=stimuli/&page_size=1000`,
    );
    assert.equal(files.count, 1200);
    assert.equal(files.results.length, 1000);
    const first = files.results[0] as PathItem;
    assert.equal(first.path, 'stimuli/stim-0001.png');
    assert.match(
      first.asset?.url as string,
      new RegExp(`^${a.blobOrigin}/blobs/[0-9a-f]{3}/[0-9a-f]{3}/[0-9a-f-]{36}$`),
    );
    assert.equal(first.aggregate_files, 1);
    const mixed = await getJson<PageBody<PathItem>>(`${assets('001773', '0.260412.1743')}paths/`);
    const names = mixed.results.map(p => p.path);
    assert.deepEqual(
      names,
      [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
    );
  });

  it('answers 404 for an unknown path_prefix and an empty 200 for a file prefix', async () => {
    const id = archive().ids.scale;
    const missing = await get(`${assets(id)}paths/?path_prefix=nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: 'Specified path not found.' });
    const file = await getJson<PageBody<PathItem>>(`${assets(id)}paths/?path_prefix=stimuli/stim-0001.png`);
    assert.equal(file.count, 0);
    assert.deepEqual(file.results, []);
  });

  it('serves single assets nested and top-level: metadata and info', async () => {
    const a = archive();
    const aid = 'bb61e86d-e28f-4da7-b07a-44dfa377cf32';
    const nested = await getJson<{ identifier: string; path: string }>(`${assets('000064')}${aid}/`);
    assert.equal(nested.identifier, aid);
    assert.deepEqual(await getJson(`${a.apiUrl}/assets/${aid}/`), nested);
    const info = await getJson<{ asset_id: string; metadata: { path: string } }>(
      `${a.apiUrl}/assets/${aid}/info/`,
    );
    assert.equal(info.metadata.path, 'sub-001/sub-001.nwb');
    const validation = await getJson(`${assets('000064')}${aid}/validation/`);
    assert.deepEqual(validation, { status: 'Valid', validation_errors: [] });
    const other = await get(`${assets('000003')}${aid}/`);
    assert.equal(other.status, 404);
    assert.deepEqual(other.json, { detail: 'Not found.' });
  });

  it('serves atpath for folders and assets', async () => {
    const a = archive();
    const url = `${a.apiUrl}/webdav/assets/atpath/?dandiset_id=${a.ids.scale}&version_id=draft`;
    const folder = await getJson<PageBody<{ type: string; resource: Record<string, unknown> }>>(
      `${url}&path=sub-001/&children=true`,
    );
    assert.equal(folder.results[0]?.type, 'folder');
    assert.equal(folder.results[0]?.resource.total_assets, 250);
    assert.equal(folder.count, 6);
    const missing = await get(`${url}&path=nope`);
    assert.deepEqual(missing.json, { detail: 'Folder or asset not found at nope' });
  });

  it('serves the hostile-path Dandiset as data', async () => {
    const a = archive();
    const page = await getJson<PageBody<AssetItem>>(assets(a.hostileId));
    const paths = page.results.map(x => x.path);
    for (const p of ['../escape.nwb', 'sub-01/../../x.nwb', '/abs.nwb', 'con.txt'])
      assert.ok(paths.includes(p), p);
    assert.ok(
      paths.some(p => /[\u0000-\u001f]/.test(p)),
      'a control character',
    );
  });
});
