import * as assert from 'node:assert/strict';
import { NetError } from '../../../src/net/errors';
import {
  expectLength,
  httpGet,
  MAX_REDIRECTS,
  readBody,
  readText,
  REDIRECT_STATUS,
} from '../../../src/net/request';
import { serve, type TestServer } from './helpers';

describe('net: requests (redirects, credentials per hop, deadlines, body caps)', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });
  const start = async (...args: Parameters<typeof serve>): Promise<TestServer> => {
    const server = await serve(...args);
    servers.push(server);
    return server;
  };

  for (const status of REDIRECT_STATUS) {
    it(`follows ${status}, with the key on the API and never at the other host`, async () => {
      const blob = await start((_req, res) => res.end('bytes'));
      const api = await start((req, res) => {
        if (req.url === '/api/a') return void res.writeHead(status, { location: '/api/a/' }).end();
        res.writeHead(status, { location: `${blob.origin}/blob?X-Amz-Signature=s` }).end();
      });
      const response = await httpGet(`${api.origin}/api/a`, {
        credentials: { apiUrl: `${api.origin}/api`, apiKey: 'k' },
      });
      assert.equal(response.status, 200);
      assert.equal(await readText(response, 100), 'bytes');
      assert.equal(response.url, `${blob.origin}/blob?X-Amz-Signature=s`);
      assert.deepEqual(
        api.seen.map(r => r.headers.authorization),
        ['token k', 'token k'],
      );
      assert.equal(blob.seen[0].headers.authorization, undefined);
    });
  }

  it('gives the key back when a redirect returns to the API, and stops after the hop limit', async () => {
    const other = await start((_req, res) =>
      res.writeHead(302, { location: `${api.origin}/api/final` }).end(),
    );
    const api: TestServer = await start((req, res) => {
      if (req.url === '/api/start')
        return void res.writeHead(302, { location: `${other.origin}/bounce` }).end();
      if (req.url === '/api/final') return void res.end('ok');
      const n = Number(req.url?.split('/').pop());
      res.writeHead(307, { location: `/api/loop/${n + 1}` }).end();
    });
    const credentials = { apiUrl: `${api.origin}/api`, apiKey: 'k' };
    const response = await httpGet(`${api.origin}/api/start`, { credentials });
    assert.equal(await readText(response, 10), 'ok');
    assert.deepEqual(
      api.seen.map(r => [r.url, r.headers.authorization]),
      [
        ['/api/start', 'token k'],
        ['/api/final', 'token k'],
      ],
    );
    assert.equal(other.seen[0].headers.authorization, undefined);

    await assert.rejects(
      httpGet(`${api.origin}/api/loop/0`, { credentials }),
      (e: unknown) => e instanceof NetError && e.code === 'redirect',
    );
    assert.equal(api.seen.filter(r => r.url.startsWith('/api/loop/')).length, MAX_REDIRECTS + 1);
  });

  it('returns the 3xx itself in manual mode, and a redirect without Location is an error', async () => {
    const api = await start((req, res) =>
      res.writeHead(302, req.url === '/bare' ? {} : { location: '/x' }).end(),
    );
    const manual = await httpGet(`${api.origin}/a`, { redirect: 'manual' });
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.location, '/x');
    await assert.rejects(httpGet(`${api.origin}/bare`), /without a Location/);
  });

  it('caps every body read: by Content-Length before reading, and as a chunked body grows', async () => {
    const server = await start((req, res) => {
      if (req.url === '/declared')
        return void res.writeHead(200, { 'content-length': '1000' }).end('x'.repeat(1000));
      res.writeHead(200); // chunked, no length
      let sent = 0;
      const more = (): void => {
        if (sent >= 10_000_000 || res.destroyed) return void res.end();
        sent += 65536;
        res.write(Buffer.alloc(65536, 120), more);
      };
      more();
    });
    await assert.rejects(
      readBody(await httpGet(`${server.origin}/declared`), 999),
      (e: unknown) => e instanceof NetError && e.code === 'too-large',
    );
    assert.equal((await readBody(await httpGet(`${server.origin}/declared`), 1000)).length, 1000);
    await assert.rejects(
      readBody(await httpGet(`${server.origin}/stream`), 100_000),
      (e: unknown) => e instanceof NetError && e.code === 'too-large',
    );
  });

  it('checks a ranged answer announced longer or shorter than asked', async () => {
    const server = await start((_req, res) =>
      res.writeHead(206, { 'content-length': '20' }).end('y'.repeat(20)),
    );
    const response = await httpGet(server.origin);
    assert.throws(
      () => expectLength(response, 10),
      (e: unknown) =>
        e instanceof NetError && e.code === 'too-large' && /20 bytes for a range of 10/.test(e.message),
    );
    const shorter = await httpGet(server.origin);
    assert.throws(
      () => expectLength(shorter, 30),
      (e: unknown) => e instanceof NetError && e.code === 'connection',
    );
    const exact = await httpGet(server.origin);
    expectLength(exact, 20);
    assert.equal((await readBody(exact, 20)).length, 20);
  });

  it('times out headers that never come, and a body that falls silent', async () => {
    const server = await start((req, res) => {
      if (req.url === '/silent') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('a few bytes');
      }
      // '/hang': no answer at all
    });
    const started = Date.now();
    await assert.rejects(
      httpGet(`${server.origin}/hang`, { headersTimeoutMs: 300 }),
      (e: unknown) => e instanceof NetError && e.code === 'timeout' && e.message.includes('127.0.0.1'),
    );
    const silent = await httpGet(`${server.origin}/silent`, { idleTimeoutMs: 300 });
    await assert.rejects(
      readBody(silent, 1000),
      (e: unknown) => e instanceof NetError && e.code === 'timeout',
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('tells a cancellation from a failure, and names the host of a refused connection', async () => {
    const server = await start(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      httpGet(server.origin, { signal: controller.signal }),
      (e: unknown) => e instanceof NetError && e.code === 'aborted',
    );
    const port = server.port;
    await server.close();
    servers.length = 0;
    await assert.rejects(
      httpGet(`http://127.0.0.1:${port}/`),
      (e: unknown) =>
        e instanceof NetError && e.code === 'connection' && e.message.includes(`127.0.0.1:${port}`),
    );
  });
});
