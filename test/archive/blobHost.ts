import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { applyRequestFaults, CORS_HEADERS, type ControlHooks } from './apiServer';
import { BufferContent, type ByteSource } from './content';
import { type ArchiveContext } from './context';
import { countBytes, escapeHtml, send, sleep } from './http';
import { Presigner } from './presign';

/** The S3-like blob host: /blobs/xxx/yyy/<blob_id> and /zarr/<zarr_id>/<key> (dandi-api.md 2.2). */

interface S3Object {
  content: ByteSource;
  etag: string;
  lastModified: Date;
  embargoed: boolean;
}

function s3Error(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeHtml(message)}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  send(req, res, status, xml, {
    'Content-Type': 'application/xml',
    'x-amz-request-id': requestId,
    ...CORS_HEADERS,
    ...extra,
  });
}

async function findObject(archive: ArchiveContext, pathname: string): Promise<S3Object | undefined> {
  const blob = /^\/blobs\/([0-9a-f]{3})\/([0-9a-f]{3})\/([0-9a-f-]{36})$/.exec(pathname);
  if (blob) {
    const id = blob[3] as string;
    if (!id.startsWith(`${blob[1]}${blob[2]}`)) return undefined;
    let b = archive.store.blobs.get(id);
    if (!b) {
      await archive.store.whenLoaded();
      b = archive.store.blobs.get(id);
    }
    if (!b) return undefined;
    return {
      content: b.content,
      etag: (await b.digests()).etag,
      lastModified: b.lastModified,
      embargoed: b.embargoed,
    };
  }
  const zarr = /^\/zarr\/([0-9a-f-]{36})\/(.+)$/.exec(pathname);
  if (zarr) {
    let z = archive.store.zarrs.get(zarr[1] as string);
    if (!z) {
      await archive.store.whenLoaded();
      z = archive.store.zarrs.get(zarr[1] as string);
    }
    const entry = z?.entries.find(e => e.key === zarr[2]);
    if (!z || !entry) return undefined;
    return {
      content: new BufferContent(entry.data),
      etag: entry.md5,
      lastModified: new Date('2024-03-27T00:00:00Z'),
      embargoed: z.embargoed,
    };
  }
  return undefined;
}

/** Single `bytes=` ranges only; anything else is ignored (full body), like S3. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  if (start >= size) return 'unsatisfiable';
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (last < start) return undefined;
  return { start, end: last + 1 };
}

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams a body with the body faults: bandwidth cap, flipped byte, reset mid-body. */
async function streamBody(
  archive: ArchiveContext,
  req: IncomingMessage,
  res: ServerResponse,
  content: ByteSource,
  start: number,
  end: number,
): Promise<void> {
  const length = end - start;
  const resetAt = archive.faults.takeReset();
  const resetAfter = resetAt === undefined ? undefined : Math.min(resetAt, Math.max(0, length - 1));
  const corruptAt = archive.faults.takeCorrupt(length);
  const rate = archive.faults.bandwidthBytesPerSec;
  const began = Date.now();
  let sent = 0;
  for await (const original of content.read(start, end)) {
    let chunk = original;
    if (corruptAt !== undefined && corruptAt >= sent && corruptAt < sent + chunk.length) {
      chunk = Buffer.from(chunk);
      chunk[corruptAt - sent] = (chunk[corruptAt - sent] as number) ^ 0xff;
    }
    if (resetAfter !== undefined && sent + chunk.length >= resetAfter) {
      const part = chunk.subarray(0, resetAfter - sent);
      countBytes(res, part.length);
      await new Promise<void>(resolve => res.write(part, () => resolve()));
      req.socket.resetAndDestroy();
      return;
    }
    const piece = rate > 0 ? Math.max(1024, Math.floor(rate / 20)) : chunk.length;
    for (let off = 0; off < chunk.length; off += piece) {
      const slice = chunk.subarray(off, off + piece);
      countBytes(res, slice.length);
      sent += slice.length;
      if (!res.write(slice)) await waitDrain(res);
      if (res.destroyed) return;
      if (rate > 0) {
        const due = began + (sent / rate) * 1000 - Date.now();
        if (due > 0) await sleep(due);
      }
    }
  }
  res.end();
}

export function blobHandler(archive: ArchiveContext, hooks: ControlHooks) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    hooks.log.watch('blob', req, res);
    if (await applyRequestFaults(archive, 'blob', req, res)) return;
    try {
      await serveObject(archive, req, res);
    } catch (e) {
      if (res.headersSent) res.destroy();
      else s3Error(req, res, 500, 'InternalError', e instanceof Error ? e.message : String(e));
    }
  };
}

async function serveObject(
  archive: ArchiveContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://blob');
  if (method === 'OPTIONS') return send(req, res, 200, '', CORS_HEADERS);
  if (method !== 'GET' && method !== 'HEAD')
    return s3Error(
      req,
      res,
      405,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
    );
  // S3 allows one auth mechanism per request, and never an API token.
  if (req.headers.authorization !== undefined) {
    return s3Error(
      req,
      res,
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const signed = Presigner.isSigned(url.searchParams);
  if (signed) {
    const check = archive.presigner.check(method, url.pathname, url.searchParams);
    if (!check.ok) return s3Error(req, res, 403, check.code, check.message);
  }
  const obj = await findObject(archive, url.pathname);
  if (!obj) {
    // Like a private bucket: anonymous callers cannot tell missing from forbidden.
    return signed
      ? s3Error(req, res, 404, 'NoSuchKey', 'The specified key does not exist.')
      : s3Error(req, res, 403, 'AccessDenied', 'Access Denied');
  }
  if (obj.embargoed && !signed) return s3Error(req, res, 403, 'AccessDenied', 'Access Denied');
  const size = obj.content.size;
  const headers: Record<string, string | number> = {
    'Content-Type': url.searchParams.get('response-content-type') ?? 'application/octet-stream',
    'Last-Modified': obj.lastModified.toUTCString(),
    ETag: `"${obj.etag}"`,
    'Accept-Ranges': 'bytes',
    'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
    ...CORS_HEADERS,
  };
  const disposition = url.searchParams.get('response-content-disposition');
  if (disposition) headers['Content-Disposition'] = disposition;
  // S3's conditional GET/HEAD (a resuming client can pin the object it started with).
  const quoted = `"${obj.etag}"`;
  const ifMatch = req.headers['if-match'];
  if (
    ifMatch &&
    ifMatch.trim() !== '*' &&
    !ifMatch
      .split(',')
      .map(t => t.trim())
      .includes(quoted)
  ) {
    return s3Error(
      req,
      res,
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }
  const ifNoneMatch = req.headers['if-none-match'];
  if (
    ifNoneMatch &&
    (ifNoneMatch.trim() === '*' ||
      ifNoneMatch
        .split(',')
        .map(t => t.trim())
        .includes(quoted))
  ) {
    res.writeHead(304, { ETag: quoted, 'Last-Modified': obj.lastModified.toUTCString(), ...CORS_HEADERS });
    res.end();
    return;
  }
  let range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    return s3Error(req, res, 416, 'InvalidRange', 'The requested range is not satisfiable', {
      'Content-Range': `bytes */${size}`,
    });
  }
  if (range && method === 'GET' && archive.faults.takeIgnoreRange()) range = undefined;
  const start = range?.start ?? 0;
  const end = range?.end ?? size;
  if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
  res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': end - start });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await streamBody(archive, req, res, obj.content, start, end);
}
