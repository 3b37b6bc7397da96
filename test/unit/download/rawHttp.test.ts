import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ChunkedBodyError, RawHttpClient, type BodyReader } from '../../../src/download/rawHttp';
import { Transport } from '../../../src/download/transport';
import { TEST_CERTIFICATE, TEST_KEY } from './testCertificate';

/** A TCP server whose every request is answered by `answer` (raw bytes, full control). */
async function rawServer(answer: (socket: Socket, request: string, index: number) => void): Promise<{ url: string; server: Server; connections: () => number }> {
  let connections = 0;
  let requests = 0;
  const server = createServer(socket => {
    connections++;
    let head = '';
    socket.on('data', data => {
      head += data.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        const end = head.indexOf('\r\n\r\n');
        const request = head.slice(0, end);
        head = head.slice(end + 4);
        answer(socket, request, requests++);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/blob`, server, connections: () => connections };
}

async function readAll(body: BodyReader, into?: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let part = await body.read(into); part; part = await body.read(into)) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

const client = (): RawHttpClient => new RawHttpClient({ headersTimeoutMs: 2000, idleTimeoutMs: 2000 });

describe('raw HTTP client (blob bodies)', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach(close => close()));

  it('reads bodies into the given memory, headers split anywhere, and keeps the connection for the next GET', async () => {
    const body = randomBytes(300_000);
    const seen: string[] = [];
    const { url, server, connections } = await rawServer((socket, request) => {
      seen.push(request);
      const head = Buffer.from(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${body.length}\r\nContent-Range: bytes 0-${body.length - 1}/*\r\n\r\n`);
      // Byte by byte for the head, then the body in odd pieces.
      const all = Buffer.concat([head, body]);
      let at = 0;
      const next = (): void => {
        if (at >= all.length) return;
        const size = at < head.length ? 1 : 77_777;
        socket.write(all.subarray(at, at + size), next);
        at += size;
      };
      next();
    });
    const http = client();
    closers.push(() => server.close(), () => http.close());
    for (let i = 0; i < 2; i++) {
      const res = await http.get(url, { range: 'bytes=0-299999', authorization: 'token k' });
      assert.equal(res.statusCode, 206);
      assert.equal(res.headers['content-range'], `bytes 0-${body.length - 1}/*`);
      const into = Buffer.alloc(1 << 20);
      assert.ok((await readAll(res.body, into)).equals(body));
    }
    assert.equal(connections(), 1, 'the second GET reused the connection');
    assert.match(seen[0] as string, /^GET \/blob HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\naccept-encoding: identity\r\nrange: bytes=0-299999\r\nauthorization: token k$/);
  });

  it('asks again on a fresh connection when a kept one was closed by the server meanwhile', async () => {
    const { url, server, connections } = await rawServer(socket => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello`); // keep-alive claimed, then closed
    });
    const http = client();
    closers.push(() => server.close(), () => http.close());
    for (let i = 0; i < 3; i++) {
      const res = await http.get(url, {});
      assert.equal((await readAll(res.body)).toString(), 'hello');
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    assert.equal(connections(), 3);
  });

  it('fails a body cut short, ends a body without a length at the close, and refuses a chunked 2xx', async () => {
    const { url, server } = await rawServer((socket, request) => {
      if (request.includes('short')) socket.end('HTTP/1.1 206 Partial Content\r\nContent-Length: 1000\r\n\r\nonly this');
      else if (request.includes('unframed')) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
      else socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    });
    const http = client();
    closers.push(() => server.close(), () => http.destroy());
    const short = await http.get(`${url}?short`, {});
    await assert.rejects(readAll(short.body), (err: Error & { code?: string }) => err.code === 'ECONNRESET');
    const unframed = await http.get(`${url}?unframed`, {});
    assert.equal((await readAll(unframed.body)).toString(), 'until the end');
    await assert.rejects(http.get(`${url}?chunked`, {}), ChunkedBodyError);
  });

  it('skips informational answers, and refuses header values that would smuggle in headers', async () => {
    const { url, server } = await rawServer(socket => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const http = client();
    closers.push(() => server.close(), () => http.destroy());
    const res = await http.get(url, {});
    assert.equal(res.statusCode, 200);
    assert.equal((await readAll(res.body)).toString(), 'ok');
    await assert.rejects(http.get(url, { authorization: 'token abc\r\nx-evil: 1' }), /line break/);
  });

  it('gives up on silent servers (headers, then body), and on cancellation at once', async () => {
    const { url, server } = await rawServer((socket, request) => {
      if (request.includes('stall-body')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      // 'stall-head': no answer at all.
    });
    const http = new RawHttpClient({ headersTimeoutMs: 300, idleTimeoutMs: 300 });
    closers.push(() => server.close(), () => http.destroy());
    await assert.rejects(http.get(`${url}?stall-head`, {}), /no data for/);
    const stalled = await http.get(`${url}?stall-body`, {});
    await assert.rejects(readAll(stalled.body), /no data for/);
    const controller = new AbortController();
    const cancelled = await http.get(`${url}?stall-body`, {}, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(readAll(cancelled.body), (err: Error) => err.name === 'AbortError' || /abort/i.test(err.message));
    assert.ok(Date.now() - started < 250, 'the abort did not wait for the idle timeout');
  });

  it('speaks TLS, reading through the same buffer', async () => {
    const body = randomBytes(1 << 20);
    const server = createHttpsServer({ cert: TEST_CERTIFICATE, key: TEST_KEY }, (req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const http = new RawHttpClient({ headersTimeoutMs: 2000, idleTimeoutMs: 2000, tls: { ca: TEST_CERTIFICATE } });
    const strict = client();
    closers.push(() => server.close(), () => http.close(), () => strict.destroy());
    const res = await http.get(`https://127.0.0.1:${port}/blob`, {});
    assert.ok((await readAll(res.body, Buffer.alloc(100_000))).equals(body));
    await assert.rejects(strict.get(`https://localhost:${port}/blob`, {}), /self-signed|certificate/i, 'an unknown certificate is refused');
  });

  it('lets the transport read a chunked blob body through undici instead', async () => {
    const { url, server } = await rawServer(socket => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    });
    const transport = new Transport({ timeouts: { headersMs: 2000, idleMs: 2000 }, connections: 2 });
    closers.push(() => server.close(), () => void transport.destroy());
    for (let i = 0; i < 2; i++) {
      const res = await transport.getBlob(url, 0, 11, 11, 'http://api.invalid');
      assert.equal(res.kind, 'whole');
      assert.equal((await readAll(res.body)).toString(), 'hello world');
    }
  });
});
