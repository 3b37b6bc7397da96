import * as net from 'node:net';
import * as tls from 'node:tls';
import { abortError, DownloadError } from './types';

/**
 * HTTP/1.1 GETs for blob bodies, read into the caller's memory. undici hands out a new Buffer per
 * socket read (64 KiB); at loopback speed that garbage alone kept V8's collector busy for 0.5 s per
 * GiB. Here each socket reads (`onread`) into one buffer of its own, copied at once into what
 * `read(into)` offers: a part's write buffer. (Reading into the write buffer itself is not
 * possible safely: Node fixes the buffer of a read when the previous one ends.)
 *
 * Only what blob GETs need: no request body, no pipelining, no proxies (neither had undici's
 * Agent), Content-Length or read-until-close bodies. A chunked 2xx answer is refused with
 * `ChunkedBodyError` so the caller can ask again through undici.
 */

export interface BodyReader {
  /**
   * The body's next bytes, received into `into` when given (the result is then a prefix of it),
   * else into a buffer of the reader's. Valid until the next call; undefined at the end.
   */
  read(into?: Buffer): Promise<Buffer | undefined>;
  /** Up to `limit` bytes of the rest as text (error pages), then the body is dropped. */
  text(limit: number): Promise<string>;
  /** Drops the rest; a connection is kept for reuse only when its body was read to the end. */
  discard(): void;
}

export interface RawResponse {
  statusCode: number;
  /** Lower-case names; the first value of a repeated header. */
  headers: Record<string, string>;
  body: BodyReader;
}

export class ChunkedBodyError extends Error {
  constructor() {
    super('the server sent a chunked body');
    this.name = 'ChunkedBodyError';
  }
}

export interface RawHttpOptions {
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  /** Extra TLS options (a test's certificate authority). */
  tls?: tls.ConnectionOptions;
}

const HEADER_LIMIT = 64 * 1024;
const SCRATCH = 64 * 1024;
const READ_BUFFER = 256 * 1024;
const MAX_IDLE_PER_ORIGIN = 32;
const IDLE_KEEP_MS = 30_000;

function connectionError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/** One socket and the read in progress on it. */
class Connection {
  readonly socket: net.Socket;
  /** Where every socket read lands (one buffer for the socket's life: no garbage per read). */
  private readonly own = Buffer.allocUnsafe(READ_BUFFER);
  /** Bytes the socket read while nobody was reading (kept for the next read). */
  private readonly early: Buffer[] = [];
  private pending: { into: Buffer; resolve: (n: number) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  reused = false;

  constructor(
    readonly key: string,
    url: URL,
    private readonly options: RawHttpOptions,
  ) {
    const onread = {
      buffer: this.own,
      callback: (count: number) => {
        const pending = this.pending;
        this.pending = undefined;
        const taken = pending ? this.own.copy(pending.into, 0, 0, Math.min(count, pending.into.length)) : 0;
        // More than the reader had room for (or nobody reading): kept for the next read.
        if (taken < count) this.early.push(Buffer.from(this.own.subarray(taken, count)));
        pending?.resolve(taken);
        return false; // pause until the next read asks for more
      },
    };
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    this.socket =
      url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], onread, ...options.tls } as tls.ConnectionOptions)
        : net.connect({ host, port, onread });
    this.socket.pause();
    const fail = (err: Error): void => {
      this.failure ??= err;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(this.failure);
    };
    this.socket.on('error', fail);
    this.socket.on('end', () => fail(connectionError('the server closed the connection')));
    this.socket.on('close', () => fail(connectionError('the connection closed')));
    this.socket.on('timeout', () => {
      fail(connectionError(`no data for ${Math.round((this.socket.timeout ?? 0) / 1000)} s`));
      this.socket.destroy();
    });
  }

  get usable(): boolean {
    return !this.failure && !this.socket.destroyed;
  }

  /** Sends the request (after the handshake for a new socket; its silence counts as headers time). */
  async send(request: string): Promise<void> {
    if (!this.reused) {
      this.socket.setTimeout(this.options.headersTimeoutMs);
      await new Promise<void>((resolve, reject) => {
        const settle = (err?: Error): void => {
          this.socket.off('error', settle).off('close', closed).off(connected, ready);
          if (err) reject(err);
          else resolve();
        };
        const ready = (): void => settle();
        const closed = (): void => settle(this.failure ?? connectionError('the connection closed'));
        const connected = this.socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
        this.socket.once(connected, ready).once('error', settle).once('close', closed);
      });
      this.socket.setTimeout(0);
    }
    if (this.failure) throw this.failure;
    this.socket.write(request);
  }

  /** Reads once into `into`: resolves with the byte count; rejects on close, error or silence. */
  readInto(into: Buffer, timeoutMs: number): Promise<number> {
    const early = this.early[0];
    if (early) {
      const count = early.copy(into, 0, 0, Math.min(into.length, early.length));
      if (count === early.length) this.early.shift();
      else this.early[0] = early.subarray(count);
      return Promise.resolve(count);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.pending = {
        into,
        resolve: n => (this.socket.setTimeout(0), resolve(n)),
        reject: err => (this.socket.setTimeout(0), reject(err)),
      };
      this.socket.setTimeout(timeoutMs);
      this.socket.resume();
    });
  }

  destroy(): void {
    this.failure ??= connectionError('the connection was dropped');
    this.socket.destroy();
  }
}

interface ParsedHead {
  statusCode: number;
  headers: Record<string, string>;
  keepAlive: boolean;
}

function parseHead(head: string): ParsedHead {
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!status) throw connectionError(`not an HTTP/1.x response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  const connection = (headers.connection ?? '').toLowerCase();
  const keepAlive = status[1] === '1' ? connection !== 'close' : connection === 'keep-alive';
  return { statusCode: Number(status[2]), headers, keepAlive };
}

/** Keep-alive sockets by origin, and the GET itself. */
export class RawHttpClient {
  private readonly idle = new Map<string, Connection[]>();
  private readonly open = new Set<Connection>();

  constructor(private readonly options: RawHttpOptions) {}

  /** GET `url` with `headers`; the response's headers have arrived when this resolves. */
  async get(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<RawResponse> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported URL scheme ${parsed.protocol}`);
    const lines = [`GET ${parsed.pathname}${parsed.search} HTTP/1.1`, `host: ${parsed.host}`, 'accept-encoding: identity'];
    for (const [name, value] of Object.entries(headers)) {
      // A line break in a value (an API key pasted badly) would smuggle in headers of its own.
      if (/[\r\n]/.test(name + value)) throw new DownloadError(`the request header ${JSON.stringify(name)} contains a line break`);
      lines.push(`${name}: ${value}`);
    }
    const request = `${lines.join('\r\n')}\r\n\r\n`;
    // A kept socket the server has meanwhile closed fails before any answer: one fresh try then.
    for (;;) {
      const connection = this.take(parsed);
      try {
        return await this.exchange(connection, request, signal);
      } catch (err) {
        connection.destroy();
        this.open.delete(connection);
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
        if (!(connection.reused && err instanceof Error && (err as { beforeAnswer?: boolean }).beforeAnswer)) throw err;
      }
    }
  }

  private take(url: URL): Connection {
    const key = `${url.protocol}//${url.host}`;
    const kept = this.idle.get(key);
    while (kept && kept.length > 0) {
      const connection = kept.pop() as Connection;
      if (!connection.usable) continue;
      connection.socket.setTimeout(0);
      connection.reused = true;
      return connection;
    }
    const connection = new Connection(key, url, this.options);
    this.open.add(connection);
    return connection;
  }

  private release(connection: Connection): void {
    if (!connection.usable) return;
    const kept = this.idle.get(connection.key) ?? [];
    if (kept.length >= MAX_IDLE_PER_ORIGIN) return this.drop(connection);
    kept.push(connection);
    this.idle.set(connection.key, kept);
    // An idle socket is closed after a while (the socket's own idle timer; it is unreferenced).
    connection.socket.setTimeout(IDLE_KEEP_MS);
    connection.socket.unref();
  }

  private drop(connection: Connection): void {
    connection.destroy();
    this.open.delete(connection);
  }

  /** Reads a response head (skipping 1xx ones); what came after it is the body's start. */
  private async readHead(connection: Connection): Promise<{ head: ParsedHead; leftover: Buffer }> {
    const buffer = Buffer.allocUnsafe(HEADER_LIMIT);
    let filled = 0;
    let answered = false;
    for (;;) {
      const end = buffer.subarray(0, filled).indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = parseHead(buffer.subarray(0, end).toString('latin1'));
        if (head.statusCode >= 200) return { head, leftover: buffer.subarray(end + 4, filled) };
        // Informational (100 Continue, 103 Early Hints): the answer follows.
        filled = buffer.copy(buffer, 0, end + 4, filled);
        continue;
      }
      if (filled === buffer.length) throw connectionError('the response headers are larger than 64 KiB');
      const count = await connection.readInto(buffer.subarray(filled), this.options.headersTimeoutMs).catch((err: Error) => {
        throw answered ? err : Object.assign(err, { beforeAnswer: true });
      });
      answered = true;
      filled += count;
    }
  }

  private async exchange(connection: Connection, request: string, signal?: AbortSignal): Promise<RawResponse> {
    const onAbort = (): void => connection.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    connection.socket.ref();
    let response: { head: ParsedHead; leftover: Buffer };
    try {
      if (signal?.aborted) throw abortError();
      await connection.send(request);
      response = await this.readHead(connection);
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      throw err;
    }
    const { statusCode, headers, keepAlive } = response.head;
    const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      signal?.removeEventListener('abort', onAbort);
      throw connectionError(`an invalid Content-Length (${headers['content-length']})`);
    }
    if (chunked && statusCode < 300) {
      signal?.removeEventListener('abort', onAbort);
      throw new ChunkedBodyError();
    }
    let remaining = statusCode === 204 || statusCode === 304 ? 0 : (length ?? Infinity);
    let leftover: Buffer | undefined = response.leftover;
    let scratch: Buffer | undefined;
    let finished = false;
    const finish = (reuse: boolean): void => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      if (reuse && keepAlive && !chunked) this.release(connection);
      else this.drop(connection);
    };
    if (leftover.length > remaining) leftover = leftover.subarray(0, remaining);
    const body: BodyReader = {
      read: async into => {
        if (leftover && leftover.length > 0) {
          const bytes = leftover;
          leftover = undefined;
          remaining -= bytes.length;
          if (remaining === 0) finish(true);
          return bytes;
        }
        if (remaining <= 0) {
          finish(true);
          return undefined;
        }
        const target = into ?? (scratch ??= Buffer.allocUnsafe(SCRATCH));
        const space = target.subarray(0, Math.min(remaining, target.length));
        try {
          const count = await connection.readInto(space, this.options.idleTimeoutMs);
          remaining -= count;
          // At the body's end the socket goes back at once: a caller that stops reading when it
          // has its bytes (fetchRange does) must not hold it.
          if (remaining === 0) finish(true);
          return space.subarray(0, count);
        } catch (err) {
          finish(false);
          // A body without a length ends when the connection closes.
          if (remaining === Infinity && !connection.usable && !signal?.aborted && (err as { code?: string }).code === 'ECONNRESET') return undefined;
          if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
          throw err;
        }
      },
      text: async limit => {
        const parts: Buffer[] = [];
        let size = 0;
        try {
          for (let part = await body.read(); part && size < limit; part = await body.read()) {
            parts.push(Buffer.from(part));
            size += part.length;
          }
        } catch {
          // An error page cut short is still worth showing.
        }
        body.discard();
        return Buffer.concat(parts).subarray(0, limit).toString('utf8');
      },
      discard: () => finish(remaining === 0 && (!leftover || leftover.length === 0)),
    };
    return { statusCode, headers, body };
  }

  /** Closes idle sockets; those in use close when their body ends. */
  close(): void {
    for (const kept of this.idle.values()) for (const connection of kept) this.drop(connection);
    this.idle.clear();
  }

  /** Drops every socket at once (after a cancellation). */
  destroy(): void {
    this.close();
    for (const connection of this.open) connection.destroy();
    this.open.clear();
  }
}
