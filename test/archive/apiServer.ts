import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type ArchiveContext, authenticate, type RequestContext } from './context';
import { validateFaults } from './faults';
import {
  countBytes,
  DJANGO_404,
  HEROKU_503,
  HttpError,
  redirect,
  send,
  sendHtml,
  sendJson,
  sleep,
} from './http';
import { poisonedLink } from './poisonedLink';
import { type RequestLog } from './requestLog';
import { Router } from './router';
import { assetRoutes } from './routesAssets';
import { dandisetRoutes } from './routesDandisets';
import { miscRoutes, webRoutes } from './routesMisc';

/** The API origin: /api/ routes, the minimal web UI and the /__control endpoints. */

const apiRouter = new Router([...miscRoutes, ...dandisetRoutes, ...assetRoutes]);
const webRouter = new Router(webRoutes);

export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Range, Accept',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Expose-Headers':
    'Content-Range, Content-Length, ETag, Last-Modified, Location, Retry-After',
};

export interface ControlHooks {
  log: RequestLog;
  /** Moves the archive's clock (presigned URL expiry) forward. */
  advanceClock(seconds: number): void;
  resetAll(): void;
  /** Only these remote addresses may connect (undefined: anyone). */
  setAllowedClients(addresses: string[] | undefined): void;
}

function parseAllowedClients(body: unknown): string[] | undefined {
  const addresses = (body as { addresses?: unknown }).addresses;
  if (addresses === null || addresses === undefined) return undefined;
  if (
    !Array.isArray(addresses) ||
    addresses.length === 0 ||
    !addresses.every(a => typeof a === 'string' && a !== '')
  ) {
    throw new TypeError('addresses must be a non-empty array of IP addresses, or null to let anyone connect');
  }
  return addresses as string[];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function control(
  archive: ArchiveContext,
  hooks: ControlHooks,
  req: IncomingMessage,
  res: ServerResponse,
  action: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  try {
    if (action === 'log' && method === 'GET') return sendJson(req, res, 200, hooks.log.entries);
    if (action === 'faults' && method === 'GET') return sendJson(req, res, 200, archive.faults.current);
    if (action === 'poisoned-link' && method === 'GET')
      return sendJson(
        req,
        res,
        200,
        await poisonedLink(archive, new URL(req.url ?? '/', 'http://x').searchParams),
      );
    if (method !== 'POST')
      return sendJson(req, res, 405, { error: `${method} not allowed on /__control/${action}` });
    const text = await readBody(req);
    const body: unknown = text.trim() ? JSON.parse(text) : {};
    switch (action) {
      case 'faults':
        archive.faults.set(validateFaults(body));
        return sendJson(req, res, 200, { ok: true, faults: archive.faults.current });
      case 'reset':
        hooks.resetAll();
        return sendJson(req, res, 200, { ok: true });
      case 'clear-log':
        hooks.log.clear();
        return sendJson(req, res, 200, { ok: true });
      case 'allowed-clients':
        hooks.setAllowedClients(parseAllowedClients(body));
        return sendJson(req, res, 200, { ok: true });
      case 'clock': {
        const seconds = (body as { advanceSeconds?: unknown }).advanceSeconds;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds))
          throw new TypeError('advanceSeconds must be a number');
        hooks.advanceClock(seconds);
        return sendJson(req, res, 200, { ok: true });
      }
      default:
        return sendJson(req, res, 404, { error: `unknown control action "${action}"` });
    }
  } catch (e) {
    sendJson(req, res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}

/** Latency, hang, 429 and 503 faults, shared by both origins. Returns true when the request was consumed. */
export async function applyRequestFaults(
  archive: ArchiveContext,
  origin: 'api' | 'blob',
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const { faults } = archive;
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.takeHang(origin)) return true; // never answered: the client must give up
  if (faults.takeEndless(origin)) {
    void sendEndless(req, res);
    return true;
  }
  const retryAfter = faults.takeRateLimit(origin);
  if (retryAfter !== undefined) {
    const headers = { 'Retry-After': String(retryAfter), ...CORS_HEADERS };
    if (origin === 'api')
      sendJson(
        req,
        res,
        429,
        { detail: `Request was throttled. Expected available in ${retryAfter} seconds.` },
        headers,
      );
    else
      send(
        req,
        res,
        429,
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        { 'Content-Type': 'application/xml', ...headers },
      );
    return true;
  }
  if (faults.takeHtml503(origin)) {
    sendHtml(req, res, 503, HEROKU_503, CORS_HEADERS);
    return true;
  }
  return false;
}

/** Stops a runaway test server anyway: past this, the client under test has failed to stop. */
const ENDLESS_SAFETY_BYTES = 4 * 1024 * 1024 * 1024;

/** The endless fault: a body with no Content-Length that keeps coming until the client hangs up. */
async function sendEndless(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const range = /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] === undefined ? start + 1024 * 1024 - 1 : Number(range[2]);
    res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/*`, ...CORS_HEADERS });
  } else res.writeHead(200, { 'Content-Type': 'application/json', ...CORS_HEADERS });
  res.write('[');
  const chunk = Buffer.from('0,'.repeat(32 * 1024));
  let sent = 0;
  while (!res.destroyed && sent < ENDLESS_SAFETY_BYTES) {
    countBytes(res, chunk.length);
    sent += chunk.length;
    if (!res.write(chunk))
      await new Promise<void>(resolve => {
        const done = () => (res.off('drain', done), res.off('close', done), resolve());
        res.on('drain', done);
        res.on('close', done);
      });
  }
  res.destroy();
}

export function apiHandler(archive: ArchiveContext, hooks: ControlHooks) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname.startsWith('/__control/'))
      return control(archive, hooks, req, res, url.pathname.slice('/__control/'.length).replace(/\/$/, ''));
    hooks.log.watch('api', req, res);
    if (await applyRequestFaults(archive, 'api', req, res)) return;
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return send(req, res, 200, '', {});
    const isApi = url.pathname.startsWith('/api/');
    const match = (isApi ? apiRouter : webRouter).match(method, url.pathname);
    try {
      if (match.kind === 'append-slash') return redirect(req, res, 301, `${url.pathname}/${url.search}`);
      if (match.kind === 'method-not-allowed')
        throw new HttpError(
          405,
          { detail: `Method "${method}" not allowed.` },
          { Allow: match.allowed.join(', ') },
        );
      if (match.kind === 'none') return sendHtml(req, res, 404, DJANGO_404);
      const ctx: RequestContext = {
        archive,
        req,
        res,
        url,
        pathname: url.pathname,
        query: url.searchParams,
        params: match.params,
        origin: `${new URL(archive.apiUrl).protocol}//${req.headers.host ?? new URL(archive.apiUrl).host}`,
        user: isApi ? authenticate(archive, req) : null,
      };
      await match.route.handler(ctx);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) return sendJson(req, res, e.status, e.body, e.headers);
      console.error('stand-in archive: handler failed:', e);
      sendHtml(req, res, 500, '<h1>Server Error (500)</h1>');
    }
  };
}
