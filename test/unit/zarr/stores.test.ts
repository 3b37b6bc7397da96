import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ZarrError } from '../../../src/zarr/errors';
import { openZarr } from '../../../src/zarr/reader';
import { ZARR_FIXTURES } from './helpers';

type Handler = (key: string, req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/** A plain HTTP server over a fixture folder, with per-test overrides; Range headers are ignored. */
function serve(
  folder: string,
  override: Handler = () => false,
): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const key = decodeURIComponent((req.url ?? '/').slice(1));
    seen.push(key);
    void (async () => {
      if (await override(key, req, res)) return;
      try {
        const data = await readFile(join(folder, ...key.split('/')));
        res.writeHead(200, { 'content-length': data.length });
        res.end(data);
      } catch {
        res.writeHead(404);
        res.end();
      }
    })();
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, server, seen });
    }),
  );
}

const close = (server: Server) => new Promise<void>(resolve => server.close(() => resolve()));

describe('Zarr HTTP store', () => {
  it('says clearly when .zmetadata is an HTML page (a portal or login page answering 200)', async () => {
    const { url, server } = await serve(ZARR_FIXTURES, (key, _req, res) => {
      if (key !== '.zmetadata') return false;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Please sign in</body></html>');
      return true;
    });
    try {
      await assert.rejects(openZarr({ kind: 'http', baseUrl: url }), (error: unknown) => {
        assert.ok(error instanceof ZarrError);
        assert.equal(error.code, 'metadata');
        assert.match(error.message, /\.zmetadata in http:\/\/127\.0\.0\.1:\d+\/ is an HTML page/);
        return true;
      });
    } finally {
      await close(server);
    }
  });

  it('retries transient answers, treats 404 and 403 as absent keys, and names a key that keeps failing', async () => {
    let refusals = 0;
    const { url, server, seen } = await serve(
      join(ZARR_FIXTURES, 'zarritajs__v2_data.zarr'),
      (key, _req, res) => {
        if (key === '.zmetadata' && refusals++ < 1) {
          res.writeHead(503, { 'retry-after': '0' });
          res.end();
          return true;
        }
        if (key === '2d.chunked.i2/0.1') {
          res.writeHead(403);
          res.end('<Error><Code>AccessDenied</Code></Error>');
          return true;
        }
        if (key === '2d.chunked.i2/1.0') {
          res.writeHead(500);
          res.end();
          return true;
        }
        return false;
      },
    );
    try {
      const reader = await openZarr({ kind: 'http', baseUrl: url }, { maxAttempts: 2 });
      assert.equal(reader.requests, 2, 'a 503, then the document');
      // Chunk 0.1 is "absent" (403): its element is the fill value, 0.
      assert.deepEqual(
        Array.from((await reader.read('2d.chunked.i2', [0, null])).values as Int16Array),
        [1, 0],
      );
      await assert.rejects(
        reader.read('2d.chunked.i2', [1, null]),
        /2d\.chunked\.i2\/1\.0: HTTP 500 \(gave up after 2 attempts\)/,
      );
      assert.ok(
        seen.every(k => !k.endsWith('/')),
        'no listing',
      );
    } finally {
      await close(server);
    }
  });

  it('reads sharded arrays from a server that ignores Range (the range is cut from the whole body)', async () => {
    const { url, server } = await serve(join(ZARR_FIXTURES, 'zarritajs__v3_data.zarr'));
    try {
      const reader = await openZarr({ kind: 'http', baseUrl: url });
      const { values } = await reader.read('2d.chunked.ragged.compressed.sharded.i2', []);
      assert.deepEqual(Array.from(values as Int16Array), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await close(server);
    }
  });
});
