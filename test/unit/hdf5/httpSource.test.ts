import * as assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpSource } from '../../../src/hdf5/sources/http';
import { serve, type TestServer } from '../net/helpers';

const BYTES = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));

/** Answers a range request from BYTES. */
function answerRange(req: IncomingMessage, res: ServerResponse): void {
  const [, from, to] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? [];
  const body = BYTES.subarray(Number(from), Number(to) + 1);
  res
    .writeHead(206, { 'content-range': `bytes ${from}-${to}/${BYTES.length}`, 'content-length': body.length })
    .end(body);
}

describe('hdf5 HTTP source over the HTTP layer', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  it("reads where a plain URL redirected, asks the URL again once that refuses, and keeps the URL's headers at home", async () => {
    let signature = 1;
    const blob = await serve((req, res) => {
      if (!req.url?.endsWith(`sig=${signature}`)) return void res.writeHead(403).end();
      answerRange(req, res);
    });
    const origin = await serve((_req, res) =>
      res.writeHead(302, { location: `${blob.origin}/blob?sig=${signature}` }).end(),
    );
    servers.push(blob, origin);
    const source = new HttpSource({
      url: `${origin.origin}/file.nwb`,
      headers: { 'x-token': 't' },
      probeBytes: 1024,
    });
    assert.deepEqual(await source.read(0, 100), new Uint8Array(BYTES.subarray(0, 100)));
    assert.deepEqual(await source.read(100, 200), new Uint8Array(BYTES.subarray(100, 200)));
    assert.equal(origin.seen.length, 1, 'the second read went straight to where the first was sent');
    signature = 2; // the old signature expires
    assert.deepEqual(await source.read(200, 300), new Uint8Array(BYTES.subarray(200, 300)));
    assert.equal(origin.seen.length, 2, 'the refusal sent the source back to its URL once');
    assert.ok(origin.seen.every(r => r.headers['x-token'] === 't'));
    assert.ok(
      blob.seen.every(r => r.headers['x-token'] === undefined),
      'the headers stay on their origin',
    );
    assert.equal(source.requests, origin.seen.length + blob.seen.length);
  });

  it('refuses a range answer that announces more bytes than asked', async () => {
    const server = await serve((_req, res) =>
      res
        .writeHead(206, { 'content-range': 'bytes 0-99/4096', 'content-length': 200 })
        .end(Buffer.alloc(200)),
    );
    servers.push(server);
    const source = new HttpSource({ url: `${server.origin}/f`, probeBytes: 100, maxAttempts: 1 });
    await assert.rejects(source.read(0, 100), /announced 200 bytes for a range of 100/);
  });

  it('does not retry a bug as if the connection dropped: the error surfaces at once, after one request', async () => {
    const server = await serve(answerRange);
    servers.push(server);
    const source = new HttpSource({ url: `${server.origin}/f`, probeBytes: 100 });
    const target = new Uint8Array(1000);
    const failing = () => {
      throw new TypeError('a progress callback with a bug');
    };
    await assert.rejects(source.readInto(0, 1000, target, failing), {
      name: 'TypeError',
      message: 'a progress callback with a bug',
    });
    assert.equal(source.requests, 1);
    assert.equal(server.seen.length, 1);
  });
});
