import * as assert from 'node:assert/strict';
import { redactUrl } from '../../../src/net/errors';
import { HttpStatusError, MAX_RENEWALS, PresignedUrl, resolveDownloadUrl } from '../../../src/net/presigned';
import { serve, type TestServer } from './helpers';

describe('net: presigned URLs (resolution, renewal)', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  /** An API whose download URL redirects to a blob URL with a new signature each time. */
  async function archive(): Promise<{
    api: TestServer;
    blob: TestServer;
    download: string;
    credentials: { apiUrl: string; apiKey: string };
  }> {
    const blob = await serve((_req, res) => res.end());
    let signature = 0;
    const api = await serve((req, res) => {
      if (req.url === '/api/assets/a/download')
        return void res.writeHead(301, { location: '/api/assets/a/download/' }).end();
      if (req.url === '/api/assets/a/download/')
        return void res.writeHead(302, { location: `${blob.origin}/blob?sig=${++signature}` }).end();
      if (req.url === '/api/assets/busy/download/')
        return void res
          .writeHead(503, { 'retry-after': '7', 'content-type': 'application/json' })
          .end('{"detail":"try later"}');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found."}');
    });
    servers.push(api, blob);
    return {
      api,
      blob,
      download: `${api.origin}/api/assets/a/download`,
      credentials: { apiUrl: `${api.origin}/api`, apiKey: 'k' },
    };
  }

  it("resolves a download URL through the API's own slash redirect to the blob URL, the key on the API only", async () => {
    const { api, blob, download, credentials } = await archive();
    assert.equal(await resolveDownloadUrl(download, { credentials }), `${blob.origin}/blob?sig=1`);
    assert.deepEqual(
      api.seen.map(r => r.headers.authorization),
      ['token k', 'token k'],
    );
    assert.equal(blob.seen.length, 0, 'resolution does not fetch the blob');
  });

  it('reports an API refusal with its status, words and Retry-After', async () => {
    const { api, credentials } = await archive();
    await assert.rejects(
      resolveDownloadUrl(`${api.origin}/api/assets/none/download/`, { credentials }),
      (e: unknown) => e instanceof HttpStatusError && e.status === 404 && e.detail === 'Not found.',
    );
    await assert.rejects(
      resolveDownloadUrl(`${api.origin}/api/assets/busy/download/`, { credentials }),
      (e: unknown) => e instanceof HttpStatusError && e.status === 503 && e.retryAfterMs === 7000,
    );
  });

  it('renews a refused URL once however many readers meet the refusal, and gives up after a bound', async () => {
    const { api, blob, download, credentials } = await archive();
    const location = new PresignedUrl(download, { credentials });
    const first = await location.current();
    assert.equal(first, `${blob.origin}/blob?sig=1`);
    await Promise.all([location.renew(first), location.renew(first), location.renew(first)]);
    const second = await location.current();
    assert.equal(second, `${blob.origin}/blob?sig=2`, 'one renewal for three refusals of the same URL');
    await location.renew(first); // a late refusal of the old URL changes nothing
    assert.equal(await location.current(), second);
    let url = second;
    for (let i = 1; i < MAX_RENEWALS; i++) {
      await location.renew(url);
      url = await location.current();
    }
    await assert.rejects(
      location.renew(url),
      (e: unknown) => e instanceof HttpStatusError && /keeps refusing/.test(e.detail),
    );
    location.succeeded();
    assert.equal(api.seen.filter(r => r.url.endsWith('/download/')).length, MAX_RENEWALS + 1);
  });

  it('reads a direct URL first and falls back to the API for good once it is refused', async () => {
    const { blob, download, credentials } = await archive();
    const direct = `${blob.origin}/public/blob`;
    const location = new PresignedUrl(download, { credentials, directUrl: direct });
    assert.equal(await location.current(), direct);
    await location.renew(direct);
    assert.equal(await location.current(), `${blob.origin}/blob?sig=1`);
    await location.renew(`${blob.origin}/blob?sig=1`);
    assert.equal(await location.current(), `${blob.origin}/blob?sig=2`, 'never the direct URL again');
  });

  it('keeps signatures and userinfo out of messages', () => {
    assert.equal(
      redactUrl('https://user:pw@bucket.s3.amazonaws.com/blobs/a?X-Amz-Signature=deadbeef'),
      'https://bucket.s3.amazonaws.com/blobs/a?…',
    );
    const error = new HttpStatusError(
      403,
      redactUrl('https://bucket.s3.amazonaws.com/b?X-Amz-Signature=deadbeef'),
      'AccessDenied',
    );
    assert.ok(!error.message.includes('deadbeef') && !error.url.includes('deadbeef'));
  });
});
