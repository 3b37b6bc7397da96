import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { type RequestLogEntry } from '../../archive/types';
import { downloadLocation, get, getJson, header, type PageBody, useArchive } from './helpers';

type Asset = { asset_id: string; path: string; size: number };

describe('stand-in archive: fault injection, control endpoint and request log', () => {
  const archive = useArchive();

  async function smallBlobUrl(): Promise<{ url: string; size: number }> {
    const a = archive();
    const page = await getJson<PageBody<Asset>>(
      `${a.apiUrl}/dandisets/${a.ids.scale}/versions/draft/assets/?path=stimuli/stim-0250.png`,
    );
    const asset = page.results[0] as Asset;
    return { url: await downloadLocation(a, asset.asset_id), size: asset.size };
  }

  async function bodyOf(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Buffer }> {
    const r = await request(url, { headers });
    return { status: r.statusCode, body: Buffer.from(await r.body.arrayBuffer()) };
  }

  it('answers 429 with Retry-After for the next N requests in scope, then recovers', async () => {
    const a = archive();
    a.faults.set({ rateLimit: { count: 2, retryAfterSeconds: 7, scope: 'api' } });
    assert.equal((await get(`${a.apiUrl}/dandisets/`)).status, 429);
    const r = await get(`${a.apiUrl}/info/`);
    assert.equal(r.status, 429);
    assert.equal(header(r, 'retry-after'), '7');
    assert.deepEqual(r.json, { detail: 'Request was throttled. Expected available in 7 seconds.' });
    assert.equal((await get(`${a.apiUrl}/info/`)).status, 200);
    a.faults.set({ rateLimit: { count: 1, retryAfterSeconds: 1, scope: 'blob' } });
    assert.equal((await get(`${a.apiUrl}/info/`)).status, 200, 'blob scope leaves the API alone');
  });

  it('answers 503 with the Heroku HTML page', async () => {
    const a = archive();
    a.faults.set({ html503: { count: 1 } });
    const r = await get(`${a.apiUrl}/dandisets/`);
    assert.equal(r.status, 503);
    assert.match(header(r, 'content-type'), /^text\/html/);
    assert.match(r.text, /<title>Application Error<\/title>/);
    assert.equal((await get(`${a.apiUrl}/dandisets/`)).status, 200);
  });

  it('resets the connection mid-body after the given number of bytes', async () => {
    const a = archive();
    const { url, size } = await smallBlobUrl();
    a.clearLog();
    a.faults.set({ resetMidBody: { count: 1, afterBytes: 100 } });
    await assert.rejects(async () => {
      const r = await request(url);
      await r.body.arrayBuffer();
    });
    const entry = a.log.find(e => e.origin === 'blob') as RequestLogEntry;
    assert.equal(entry.bytes, 100);
    const again = await bodyOf(url);
    assert.equal(again.body.length, size, 'the next request is whole');
  });

  it('ignores Range once (200 with the whole body) and flips one byte on request', async () => {
    const a = archive();
    const { url, size } = await smallBlobUrl();
    const good = (await bodyOf(url)).body;
    a.faults.set({ ignoreRange: { count: 1 } });
    const ignored = await bodyOf(url, { Range: 'bytes=10-19' });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.body.length, size);
    assert.equal((await bodyOf(url, { Range: 'bytes=10-19' })).status, 206);
    a.faults.set({ corruptByte: { count: 1, offset: 5 } });
    const bad = (await bodyOf(url)).body;
    const diffs = [...bad.keys()].filter(i => bad[i] !== good[i]);
    assert.deepEqual(diffs, [5]);
    assert.deepEqual((await bodyOf(url)).body, good);
  });

  it('caps bandwidth without changing the bytes', async () => {
    const a = archive();
    const { url } = await smallBlobUrl();
    const good = (await bodyOf(url)).body;
    a.faults.set({ bandwidthBytesPerSec: 64 * 1024, latencyMs: 5 });
    assert.deepEqual((await bodyOf(url)).body, good);
  });

  it('hangs the blob host until the client gives up', async () => {
    const a = archive();
    const { url } = await smallBlobUrl();
    a.faults.set({ hang: { count: 1 } });
    await assert.rejects(request(url, { signal: AbortSignal.timeout(300) }));
    assert.equal((await bodyOf(url)).status, 200);
  });

  it('adds an asset at the front of a draft after page 1, so page 2 repeats an item', async () => {
    const a = archive();
    const base = `${a.apiUrl}/dandisets/${a.ids.zarr}/versions/draft/assets/?page_size=1`;
    a.faults.set({ draftChangesBetweenPages: true });
    const p1 = await getJson<PageBody<Asset>>(base);
    const p2 = await getJson<PageBody<Asset>>(`${base}&page=2`);
    assert.equal(p2.results[0]?.asset_id, p1.results[0]?.asset_id, 'the first item shifted to page 2');
    const paths = await getJson<PageBody<{ path: string }>>(
      `${a.apiUrl}/dandisets/${a.ids.zarr}/versions/draft/assets/paths/`,
    );
    assert.match(paths.results[0]?.path as string, /^000-inserted-\d+\.bin$/);
    a.faults.reset();
    const d = await getJson<{ draft_version: { status: string; asset_count: number } }>(
      `${a.apiUrl}/dandisets/${a.ids.zarr}/`,
    );
    assert.equal(d.draft_version.status, 'Pending');
    assert.ok(d.draft_version.asset_count > 2);
  });

  it('is controllable over HTTP: faults, reset, clock, log', async () => {
    const a = archive();
    const post = (action: string, body: unknown): Promise<{ status: number; json: unknown }> =>
      get(`${a.controlUrl}/${action}`, { 'content-type': 'application/json' }, 'POST', JSON.stringify(body));
    assert.equal((await post('faults', { html503: { count: 1, scope: 'api' } })).status, 200);
    assert.equal((await get(`${a.apiUrl}/info/`)).status, 503);
    const bad = await post('faults', { nonsense: 1 });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /unknown fault "nonsense"/);
    await post('faults', { html503: { count: 5 } });
    assert.equal((await post('reset', {})).status, 200);
    assert.equal((await get(`${a.apiUrl}/info/`)).status, 200);
    assert.equal((await post('clock', { advanceSeconds: 0 })).status, 200);
    await post('clear-log', {});
    await get(`${a.apiUrl}/dandisets/000003/`, { 'X-Probe': 'Yes' });
    const log = await getJson<RequestLogEntry[]>(`${a.controlUrl}/log`);
    assert.equal(log.length, 1, 'control requests are not logged');
    assert.deepEqual(
      { ...log[0], headers: undefined },
      {
        origin: 'api',
        method: 'GET',
        url: '/api/dandisets/000003/',
        status: 200,
        bytes: (log[0] as RequestLogEntry).bytes,
        client: '127.0.0.1',
        headers: undefined,
      },
    );
    assert.equal(log[0]?.headers['x-probe'], 'Yes');
    assert.ok((log[0] as RequestLogEntry).bytes > 100);
  });

  it('records that no Authorization header reached the blob host in a normal download', async () => {
    const a = archive();
    a.clearLog();
    const { url } = await smallBlobUrl();
    await bodyOf(url);
    const blobEntries = a.log.filter(e => e.origin === 'blob');
    assert.equal(blobEntries.length, 1);
    assert.equal(blobEntries[0]?.headers.authorization, undefined);
    assert.equal(blobEntries[0]?.method, 'GET');
  });
});
