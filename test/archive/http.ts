import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Json } from './model';

/** Response helpers shared by the API and the blob host. */

/** Thrown by handlers; the router turns it into the response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const notFound = (): HttpError => new HttpError(404, { detail: 'Not found.' });
export const invalidPage = (): HttpError => new HttpError(404, { detail: 'Invalid page.' });

/** Django's production 404 page (route regex mismatch: not JSON). */
export const DJANGO_404 = `<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`;

/** Heroku's router error page (platform timeouts and crashes). */
export const HEROKU_503 = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
    <style media="screen">
      html,body,iframe { margin: 0; padding: 0; }
      html,body { height: 100%; overflow: hidden; }
      iframe { width: 100%; height: 100%; border: 0; }
    </style>
  </head>
  <body>
    <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
  </body>
</html>
`;

/** Body bytes sent per response, for the request log. */
const sentBytes = new WeakMap<ServerResponse, number>();

export function bytesSent(res: ServerResponse): number {
  return sentBytes.get(res) ?? 0;
}

export function countBytes(res: ServerResponse, n: number): void {
  sentBytes.set(res, bytesSent(res) + n);
}

export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string | number>,
): void {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': data.length });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  countBytes(res, data.length);
  res.end(data);
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Json | unknown,
  headers: Record<string, string> = {},
): void {
  send(req, res, status, JSON.stringify(body), {
    'Content-Type': 'application/json',
    Vary: 'Accept, Origin',
    ...headers,
  });
}

export function sendHtml(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  send(req, res, status, html, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
}

export function redirect(
  req: IncomingMessage,
  res: ServerResponse,
  status: 301 | 302,
  location: string,
): void {
  send(req, res, status, '', { Location: location, 'Content-Type': 'text/html; charset=utf-8' });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** Python's `quote_plus` (what DRF's urlencode produces). */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** DRF's replace_query_param: query keys sorted alphabetically, `page` set or removed. */
export function rebuildUrl(
  origin: string,
  pathname: string,
  query: URLSearchParams,
  changes: Record<string, string | null>,
): string {
  const entries: [string, string][] = [];
  const keys = new Set([...query.keys(), ...Object.keys(changes)]);
  for (const key of [...keys].sort()) {
    if (key in changes) {
      const v = changes[key];
      if (v !== null && v !== undefined) entries.push([key, v]);
    } else for (const v of query.getAll(key)) entries.push([key, v]);
  }
  const qs = entries.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
  return `${origin}${pathname}${qs ? `?${qs}` : ''}`;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Lower-cased header record for the request log. */
export function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** DRF BooleanField spellings; anything else is a 400 `{param: ["Must be a valid boolean."]}`. */
const TRUE = new Set([
  'true',
  'True',
  'TRUE',
  '1',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  't',
  'T',
  'y',
  'Y',
]);
const FALSE = new Set([
  'false',
  'False',
  'FALSE',
  '0',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'f',
  'F',
  'n',
  'N',
]);

export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new HttpError(400, { [name]: ['Must be a valid boolean.'] });
}
