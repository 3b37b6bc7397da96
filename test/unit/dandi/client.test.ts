import * as assert from 'node:assert/strict';
import { DandiClient } from '../../../src/dandi/client';
import { DandiApiError } from '../../../src/dandi/errors';
import type { AssetRecord } from '../../../src/dandi/types';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: DandiApiError['kind'],
  message?: RegExp,
): Promise<DandiApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DandiApiError, `expected a DandiApiError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

describe('DandiClient against the stand-in archive', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  const make = (apiKey?: string, extra: Partial<ConstructorParameters<typeof DandiClient>[0]> = {}) =>
    new DandiClient({
      instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
      apiKey,
      retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
      ...extra,
    });
  const apiRequests = (pathPart: string) =>
    archive.log.filter(e => e.origin === 'api' && e.url.includes(pathPart));

  before(async () => {
    archive = await startArchive();
  });
  after(() => archive.close());
  beforeEach(() => {
    archive.faults.reset();
    archive.clearLog();
  });

  describe('paginators', () => {
    it('pages the Dandiset list one page at a time (count on every page; past the end is empty)', async () => {
      const client = make();
      const first = await client.listDandisets({ page: 1, pageSize: 10, ordering: 'id' });
      assert.equal(first.items.length, 10);
      assert.equal(first.nextPage, 2);
      assert.ok(first.count !== null && first.count > 300);
      const second = await client.listDandisets({ page: 2, pageSize: 10, ordering: 'id' });
      assert.ok(second.items[0].identifier > first.items[9].identifier);
      const past = await client.listDandisets({ page: 10_000, pageSize: 10 });
      assert.deepEqual([past.items.length, past.nextPage], [0, null]);
    });

    it('lists 11,200 assets (count on page 1 only) with concurrent pages, in order, without duplicates', async () => {
      const client = make();
      const assets = await collect(client.iterateAssets(archive.ids.scale, 'draft', { order: 'path' }));
      assert.equal(assets.length, 11_200);
      assert.equal(new Set(assets.map(a => a.asset_id)).size, 11_200);
      const paths = assets.map(a => a.path);
      assert.deepEqual(paths, [...paths].sort());
      const pages = apiRequests(`/dandisets/${archive.ids.scale}/versions/draft/assets/?`);
      assert.equal(pages.length, 12, 'page_size=1000 → 12 pages');
    });

    it('follows the count of the paths paginator across pages (a folder with 1,200 children)', async () => {
      const client = make(undefined, { pageSize: 500 });
      const children = await collect(client.iteratePaths(archive.ids.scale, 'draft', 'stimuli'));
      assert.equal(children.length, 1200);
      assert.ok(children.every(c => c.asset !== null && c.path.startsWith('stimuli/')));
      assert.equal(apiRequests('/assets/paths/').length, 3);
    });

    it('one page of a folder for Load more, with the next page number', async () => {
      const client = make();
      const page1 = await client.listPaths(archive.ids.scale, 'draft', 'stimuli', 1);
      assert.deepEqual([page1.items.length, page1.count, page1.nextPage], [1000, 1200, 2]);
      const page2 = await client.listPaths(archive.ids.scale, 'draft', 'stimuli', 2);
      assert.deepEqual([page2.items.length, page2.nextPage], [200, null]);
    });

    it('filters by path prefix case-sensitively and by glob', async () => {
      const client = make();
      const folder = await collect(
        client.iterateAssets(archive.ids.scale, 'draft', { path: 'sub-001/ses-002/' }),
      );
      assert.equal(folder.length, 50);
      const upper = await collect(client.iterateAssets(archive.ids.scale, 'draft', { path: 'SUB-001/' }));
      assert.equal(upper.length, 0, 'the server matches case-insensitively; the client keeps exact case');
      const glob = await collect(client.iterateAssets(archive.ids.scale, 'draft', { glob: '*run-050.nwb' }));
      assert.equal(glob.length, 200);
    });

    it('a draft that changes between pages yields every asset once', async () => {
      const client = make(undefined, { pageSize: 100 });
      const before = await collect(client.iterateAssets(archive.ids.nwbDemo, 'draft'));
      archive.faults.set({ draftChangesBetweenPages: true });
      const listed: AssetRecord[] = await collect(
        client.iterateAssets(archive.ids.scale, 'draft', { path: 'sub-001/' }),
      );
      assert.equal(new Set(listed.map(a => a.asset_id)).size, listed.length, 'no duplicates');
      assert.ok(listed.length >= 250, `all 250 original assets (got ${listed.length})`);
      assert.ok(before.length >= 0);
    });

    it('includes asset metadata on request (digests, blobDateModified) without per-asset requests', async () => {
      const client = make();
      const assets = await collect(
        client.iterateAssets(archive.ids.scale, 'draft', { path: 'sub-003/ses-001/', metadata: true }),
      );
      assert.equal(assets.length, 50);
      assert.ok(assets.every(a => typeof a.metadata?.digest?.['dandi:dandi-etag'] === 'string'));
      assert.equal(archive.log.filter(e => e.origin === 'api').length, 1);
    });
  });

  describe('retries', () => {
    it('honours Retry-After on 429 and then succeeds', async () => {
      archive.faults.set({ rateLimit: { count: 2, retryAfterSeconds: 1, scope: 'api' } });
      const dandiset = await make().getDandiset(archive.ids.scale);
      assert.equal(dandiset.identifier, archive.ids.scale);
      assert.deepEqual(
        apiRequests(`/dandisets/${archive.ids.scale}/`).map(e => e.status),
        [429, 429, 200],
      );
    });

    it('treats the platform HTML 503 page as transient', async () => {
      archive.faults.set({ html503: { count: 2, scope: 'api' } });
      const versions = await make().listVersions(archive.ids.nwbDemo);
      assert.ok(versions.some(v => v.version === 'draft'));
    });

    it('gives up with a clear "unavailable" error when the HTML errors persist', async () => {
      archive.faults.set({ html503: { count: 10, scope: 'api' } });
      const error = await rejectsWith(
        make(undefined, { retry: { attempts: 3, baseDelayMs: 5 } }).getDandiset(archive.ids.scale),
        'unavailable',
        /unavailable right now \(HTTP 503\)/,
      );
      assert.equal(error.transient, true);
      assert.equal(apiRequests('/dandisets/').length, 3);
    });

    it('reports a connection failure as a network error', async () => {
      const client = new DandiClient({
        instance: { name: 'gone', apiUrl: 'http://127.0.0.1:9/api', webUrl: null },
        retry: { attempts: 2, baseDelayMs: 5 },
      });
      await rejectsWith(client.getDandiset('000003'), 'network', /Could not reach gone at 127\.0\.0\.1:9/);
    });

    it('stops at once when aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(make().getDandiset(archive.ids.scale, controller.signal), 'cancelled');
    });
  });

  describe('typed errors', () => {
    it('404 for an unknown Dandiset, in words', async () => {
      const error = await rejectsWith(
        make().getDandiset('999999'),
        'not-found',
        /^Dandiset 999999 was not found on stand-in\.$/,
      );
      assert.equal(error.status, 404);
    });
    it('HTML 404 for a malformed id or version', async () => {
      await rejectsWith(make().getDandiset('27'), 'not-found');
      await rejectsWith(
        make().getVersionMetadata(archive.ids.scale, 'latest'),
        'not-found',
        /Version latest of Dandiset/,
      );
    });
    it('401 anonymous, 403 for a non-owner, 200 for the owner of an embargoed Dandiset', async () => {
      await rejectsWith(make().getDandiset(archive.ids.embargoed), 'unauthorized', /needs you to sign in/);
      await rejectsWith(
        make(archive.apiKeys.other).getDandiset(archive.ids.embargoed),
        'forbidden',
        /do not have permission/,
      );
      assert.equal(
        (await make(archive.apiKeys.owner).getDandiset(archive.ids.embargoed)).embargo_status,
        'EMBARGOED',
      );
    });
    it('embargoed=true needs auth (bare-string 401 detail kept)', async () => {
      const error = await rejectsWith(make().listDandisets({ embargoed: true }), 'unauthorized');
      assert.match(error.detail ?? '', /Authentication credentials must be provided/);
      const mine = await make(archive.apiKeys.owner).listDandisets({
        user: 'me',
        embargoed: true,
        pageSize: 100,
      });
      assert.ok(mine.items.some(d => d.identifier === archive.ids.embargoed));
    });
    it('an invalid API key is rejected by the key check; a valid one names its user', async () => {
      await rejectsWith(make('0'.repeat(40)).validateApiKey(), 'unauthorized', /rejected the API key/);
      assert.equal((await make(archive.apiKeys.owner).validateApiKey()).username, 'owner');
    });
    it('a malformed asset id is refused before any request', async () => {
      await rejectsWith(make().getAsset('not-a-uuid'), 'bad-request');
      assert.equal(archive.log.length, 0);
    });
  });

  describe('auth and caching', () => {
    it('sends the API key to the API and never to the blob host', async () => {
      const client = make(archive.apiKeys.owner);
      const [asset] = await collect(
        client.iterateAssets(archive.ids.embargoed, 'draft', { path: 'sub-01/' }),
      );
      const { bytes } = await client.readAssetBytes(asset.asset_id, 100);
      assert.equal(bytes.length, 100);
      const api = archive.log.filter(e => e.origin === 'api');
      const blob = archive.log.filter(e => e.origin === 'blob');
      assert.ok(
        api.length >= 2 && api.every(e => e.headers.authorization === `token ${archive.apiKeys.owner}`),
      );
      assert.ok(blob.length >= 1 && blob.every(e => e.headers.authorization === undefined));
    });

    it('caches published versions and asset metadata; drafts are fetched every time', async () => {
      const client = make();
      const [published] = (await client.listVersions(archive.ids.nwbDemo)).filter(v => v.version !== 'draft');
      assert.ok(published, 'the demo Dandiset has a published version');
      archive.clearLog();
      await client.getVersionMetadata(archive.ids.nwbDemo, published.version);
      await client.getVersionMetadata(archive.ids.nwbDemo, published.version);
      await client.getVersionMetadata(archive.ids.nwbDemo, 'draft');
      await client.getVersionMetadata(archive.ids.nwbDemo, 'draft');
      assert.equal(apiRequests(`/versions/${published.version}/`).length, 1);
      assert.equal(apiRequests('/versions/draft/').length, 2);
    });

    it('reads server info and builds download URLs on the API', async () => {
      const client = make();
      const info = await client.info();
      assert.equal(info.services?.api?.url, archive.apiUrl);
      assert.equal(
        client.assetDownloadUrl('bb61e86d-e28f-4da7-b07a-44dfa377cf32'),
        `${archive.apiUrl}/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/`,
      );
    });

    it('lists Zarr files with cursor pagination', async () => {
      const client = make();
      const zarrAsset = (await collect(client.iterateAssets(archive.ids.zarr, 'draft'))).find(a => a.zarr);
      assert.ok(zarrAsset?.zarr, 'the Zarr Dandiset has a Zarr asset');
      const files = await collect(client.listZarrFiles(zarrAsset.zarr));
      assert.ok(
        files.length > 0 && files.every(f => typeof f.Key === 'string' && typeof f.Size === 'number'),
      );
    });
  });
});
