// GET through the shared pools: credentials decided hop by hop (credentials.ts), redirects with
// one set of codes and one hop limit, a deadline for the headers and an idle timeout for the body,
// and body reads that never buffer more than the caller allows.
import { request, type Dispatcher } from 'undici';
import { authorizationFor, headersFor, type ApiCredentials } from './credentials';
import { sharedDispatcher } from './dispatcher';
import { hostOf, NetError, redactUrl, toNetError } from './errors';

export const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 5;
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export interface GetOptions {
  /** GET unless told (HEAD for discovery probes). */
  method?: 'GET' | 'HEAD';
  /** Plain headers for every hop (accept, range, user-agent); never credentials. */
  headers?: Record<string, string>;
  /** The API key, sent only where credentials.ts allows. */
  credentials?: ApiCredentials;
  /** Headers bound to one origin (a plain HTTP source's own), sent only there. */
  originHeaders?: { url: string; headers?: Record<string, string> };
  signal?: AbortSignal;
  /** Deadline for the response headers. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. */
  idleTimeoutMs?: number;
  /** `follow` (default) follows redirects; `manual` returns the first answer, 3xx included. */
  redirect?: 'follow' | 'manual';
  /** Bytes undici buffers ahead of the reader (large blob bodies read faster with 1 MiB). */
  highWaterMark?: number;
  /** Called for every request sent (redirect hops included). */
  onRequest?: (url: string) => void;
}

export type ResponseBody = Dispatcher.ResponseData['body'];

export interface NetResponse {
  status: number;
  /** Lower-case names, the first value of a repeated header. */
  headers: Record<string, string | undefined>;
  /** The URL that answered (after redirects). */
  url: string;
  body: ResponseBody;
}

function firstValues(headers: Dispatcher.ResponseData['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value[0] : value;
  return out;
}

/** Drops a body without reading it; a destroyed body must not raise an unhandled error. */
export function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** One GET (following redirects unless told not to). Network failures become NetErrors. */
export async function httpGet(url: string, options: GetOptions = {}): Promise<NetResponse> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      ...options.headers,
      ...headersFor(current, options.originHeaders),
      ...authorizationFor(current, options.credentials),
    };
    options.onRequest?.(current);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(current, {
        method: options.method ?? 'GET',
        headers,
        signal: options.signal,
        dispatcher: sharedDispatcher(),
        headersTimeout: options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
        bodyTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        highWaterMark: options.highWaterMark,
      });
    } catch (error) {
      throw toNetError(error, current, options.signal);
    }
    const answer: NetResponse = {
      status: response.statusCode,
      headers: firstValues(response.headers),
      url: current,
      body: response.body,
    };
    if (options.redirect === 'manual' || !REDIRECT_STATUS.has(answer.status)) return answer;
    discard(response.body);
    const location = answer.headers.location;
    if (!location)
      throw new NetError(
        'redirect',
        `${hostOf(current)} answered ${answer.status} without a Location`,
        hostOf(current),
      );
    if (hop + 1 > MAX_REDIRECTS)
      throw new NetError('redirect', `too many redirects from ${redactUrl(url)}`, hostOf(url));
    current = new URL(location, current).toString();
  }
}

/**
 * The whole body, at most `maxBytes`: a Content-Length above it fails before reading, and a body
 * that grows past it fails as soon as it does (nothing past the cap is buffered).
 */
export async function readBody(
  response: NetResponse,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const declared = response.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    discard(response.body);
    throw tooLarge(response.url, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        discard(response.body);
        throw tooLarge(response.url, maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw toNetError(error, response.url, signal);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(url: string, maxBytes: number): NetError {
  return new NetError(
    'too-large',
    `${hostOf(url)} sent more than the ${maxBytes} bytes expected`,
    hostOf(url),
  );
}

/** The body as text, at most `maxBytes`. */
export async function readText(
  response: NetResponse,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
  return (await readBody(response, maxBytes, signal)).toString('utf8');
}

/**
 * The first `maxBytes` of a body as text (an error page), then the rest dropped; never throws.
 * For messages only: a long error page is not an error of its own.
 */
export async function peekText(response: NetResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) break;
    }
  } catch {
    // What arrived is enough for a message.
  }
  discard(response.body);
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/**
 * Checks a ranged answer's declared length against what was asked: a body that says it is longer
 * (or shorter) than the range fails before a byte is read.
 */
export function expectLength(response: NetResponse, expected: number): void {
  const declared = response.headers['content-length'];
  if (declared === undefined || Number(declared) === expected) return;
  discard(response.body);
  const host = hostOf(response.url);
  if (Number(declared) > expected)
    throw new NetError('too-large', `${host} announced ${declared} bytes for a range of ${expected}`, host);
  throw new NetError('connection', `${host} announced ${declared} bytes for a range of ${expected}`, host);
}
