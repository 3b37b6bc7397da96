import { Agent, type Dispatcher, errors as undiciErrors, request } from 'undici';
import { DandiApiError } from './errors';
import { trimSlashes } from './instances';

/**
 * JSON over HTTP for the DANDI API: keep-alive, deadlines, retries with back-off on transient
 * failures (connection errors, 429, 5xx, the hosting platform's HTML error pages), Retry-After
 * honoured within a bound, and every other failure turned into a {@link DandiApiError} with a
 * sentence a person understands. The API key is sent only to the API's own origin and path.
 */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** First back-off delay; doubled per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we wait for; longer (or past) values fall back to the back-off. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export interface TransportOptions {
  apiUrl: string;
  /** Shown in messages: "Dandiset 000123 was not found on <instanceLabel>". */
  instanceLabel: string;
  apiKey?: string;
  userAgent: string;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Deadline for each request's headers and for the pause between body chunks. */
  timeoutMs?: number;
  /** Called for retries and other notable events; never given the API key. */
  log?: (message: string) => void;
}

/** What the request is about, for error messages ("Dandiset 000123", "the Dandiset list"). */
export interface RequestSubject {
  subject: string;
}

let sharedAgent: Agent | undefined;
/** One keep-alive pool for every client in the process (instance switches reuse it). */
export function sharedDispatcher(): Agent {
  sharedAgent ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connect: { timeout: 15_000 },
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    connections: 16,
  });
  return sharedAgent;
}

export class ApiTransport {
  readonly apiUrl: string;
  private readonly apiOrigin: string;
  private readonly apiPath: string;
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  /** Requests sent (including retries); benchmarks and tests read it. */
  requestCount = 0;

  constructor(private readonly options: TransportOptions) {
    this.apiUrl = trimSlashes(options.apiUrl);
    const parsed = new URL(this.apiUrl);
    this.apiOrigin = parsed.origin;
    this.apiPath = parsed.pathname.replace(/\/+$/, '') + '/';
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.dispatcher = options.dispatcher ?? sharedDispatcher();
  }

  /** Absolute URL of an API path (`dandisets/000003/`) with query parameters. */
  url(path: string, params?: Record<string, string | number | boolean | undefined>): string {
    const url = new URL(`${this.apiUrl}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(params ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** True when `url` is on the API (so it may carry the API key). */
  isApiUrl(url: string): boolean {
    const parsed = new URL(url);
    return parsed.origin === this.apiOrigin && (parsed.pathname + '/').startsWith(this.apiPath);
  }

  /** GET JSON with retries. 2xx bodies that are not JSON become 'invalid-response'. */
  async getJson<T>(url: string, about: RequestSubject, signal?: AbortSignal): Promise<T> {
    const response = await this.send(url, about, signal);
    if (response.status >= 200 && response.status < 300) {
      if (!response.isJson) {
        throw new DandiApiError('invalid-response', `${this.options.instanceLabel} sent something that is not JSON for ${about.subject}.`, response.status, undefined, this.describePath(url));
      }
      return response.json as T;
    }
    throw this.errorFor(response.status, response, about, url);
  }

  /** Like {@link getJson} but returns the status and parsed body of 4xx answers instead of throwing. */
  async getJsonOrStatus(url: string, about: RequestSubject, signal?: AbortSignal): Promise<{ status: number; json: unknown; detail?: string }> {
    const response = await this.send(url, about, signal);
    if (response.status >= 400 && response.status < 500) return { status: response.status, json: response.json, detail: detailOf(response.json) };
    if (response.status >= 200 && response.status < 300 && response.isJson) return { status: response.status, json: response.json };
    if (response.status >= 200 && response.status < 300) {
      throw new DandiApiError('invalid-response', `${this.options.instanceLabel} sent something that is not JSON for ${about.subject}.`, response.status);
    }
    throw this.errorFor(response.status, response, about, url);
  }

  /** The `Location` of an API redirect (the presigned blob URL), with retries; the key goes to the API only. */
  async resolveRedirect(url: string, about: RequestSubject, signal?: AbortSignal): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      this.requestCount++;
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent };
      if (this.options.apiKey && this.isApiUrl(url)) headers.authorization = `token ${this.options.apiKey}`;
      const response = await request(url, { method: 'GET', headers, signal, dispatcher: this.dispatcher, headersTimeout: this.options.timeoutMs ?? 60_000 });
      const location = header(response.headers, 'location');
      const text = await response.body.text();
      if (response.statusCode >= 300 && response.statusCode < 400 && location) return new URL(location, url).toString();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const transient = TRANSIENT_STATUS.has(response.statusCode);
      if (!transient || attempt >= this.retry.attempts) {
        if (response.statusCode === 400) {
          throw new DandiApiError('bad-request', detailOf(json) ?? `${about.subject} cannot be downloaded as one file.`, 400, detailOf(json));
        }
        throw this.errorFor(response.statusCode, { isJson: json !== undefined, json }, about, url);
      }
      await sleep(this.retryAfter(header(response.headers, 'retry-after')) ?? this.backoff(attempt), signal);
    }
  }

  /** Up to `maxBytes` of a blob URL (a Range request; no Authorization header, ever). */
  async readBlob(url: string, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; truncated: boolean }> {
    this.requestCount++;
    const response = await request(url, {
      method: 'GET',
      headers: { 'user-agent': this.options.userAgent, range: `bytes=0-${maxBytes}` },
      signal,
      dispatcher: this.dispatcher,
      headersTimeout: this.options.timeoutMs ?? 60_000,
      bodyTimeout: this.options.timeoutMs ?? 60_000,
    });
    if (response.statusCode !== 200 && response.statusCode !== 206) {
      await response.body.dump();
      if (response.statusCode === 416) return { bytes: new Uint8Array(0), truncated: false };
      throw new DandiApiError(response.statusCode === 403 ? 'forbidden' : 'unavailable', `The file host answered HTTP ${response.statusCode}.`, response.statusCode);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      total += buffer.length;
      if (total > maxBytes) break;
    }
    if (total > maxBytes) response.body.destroy();
    const all = Buffer.concat(chunks);
    return { bytes: new Uint8Array(all.subarray(0, Math.min(all.length, maxBytes))), truncated: all.length > maxBytes };
  }

  /** Turns a final non-2xx answer into a typed error with a readable message. */
  errorFor(status: number, response: { isJson: boolean; json?: unknown; text?: string }, about: RequestSubject, url: string): DandiApiError {
    const where = this.options.instanceLabel;
    const detail = response.isJson ? detailOf(response.json) : undefined;
    const path = this.describePath(url);
    const subject = about.subject;
    const capital = subject.charAt(0).toUpperCase() + subject.slice(1);
    switch (status) {
      case 404:
        return new DandiApiError('not-found', `${capital} was not found on ${where}.`, status, detail ?? (response.isJson ? undefined : 'not a valid address on the server'), path);
      case 401:
        if (detail && /invalid token/i.test(detail)) {
          return new DandiApiError('unauthorized', `${where} rejected the API key. Sign in again with a valid key.`, status, detail, path);
        }
        return new DandiApiError('unauthorized', `${capital} on ${where} needs you to sign in.`, status, detail, path);
      case 403:
        return new DandiApiError('forbidden', `You do not have permission to see ${subject} on ${where}.`, status, detail, path);
      case 400:
        return new DandiApiError('bad-request', `${where} rejected the request for ${subject}${detail ? `: ${detail}` : '.'}`, status, detail, path);
      default:
        if (TRANSIENT_STATUS.has(status) || status >= 500) {
          return new DandiApiError('unavailable', `${where} is unavailable right now (HTTP ${status}); try again later.`, status, detail, path);
        }
        return new DandiApiError('invalid-response', `${where} answered HTTP ${status} for ${subject}.`, status, detail, path);
    }
  }

  private describePath(url: string): string {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  }

  private async send(url: string, about: RequestSubject, signal?: AbortSignal): Promise<RawResponse> {
    let lastError: DandiApiError | undefined;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      throwIfAborted(signal);
      let response: RawResponse;
      try {
        response = await this.once(url, signal);
      } catch (e) {
        if (signal?.aborted) throw new DandiApiError('cancelled', 'The request was cancelled.');
        lastError = this.networkError(e, url);
        if (attempt === this.retry.attempts) break;
        const delay = this.backoff(attempt);
        this.options.log?.(`${lastError.message} Retrying in ${delay} ms (attempt ${attempt + 1}/${this.retry.attempts}).`);
        await sleep(delay, signal);
        continue;
      }
      // HTML from the hosting platform (Heroku's "Application Error") is transient whatever its status says;
      // an HTML 404 is Django's answer to a malformed id and is final.
      const platformPage = !response.isJson && response.status >= 500;
      if (!TRANSIENT_STATUS.has(response.status) && !platformPage) return response;
      lastError = this.errorFor(response.status, response, about, url);
      if (attempt === this.retry.attempts) break;
      const delay = this.retryAfter(response.retryAfter) ?? this.backoff(attempt);
      this.options.log?.(`${this.options.instanceLabel} answered HTTP ${response.status}${response.isJson ? '' : ' (HTML page)'} for ${this.describePath(url)}; retrying in ${delay} ms.`);
      await sleep(delay, signal);
    }
    throw lastError ?? new DandiApiError('network', `Could not reach ${this.options.instanceLabel}.`);
  }

  private async once(url: string, signal?: AbortSignal, redirects = 0): Promise<RawResponse> {
    this.requestCount++;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent };
    if (this.options.apiKey && this.isApiUrl(url)) headers.authorization = `token ${this.options.apiKey}`;
    const timeout = this.options.timeoutMs ?? 60_000;
    const response = await request(url, { method: 'GET', headers, signal, dispatcher: this.dispatcher, headersTimeout: timeout, bodyTimeout: timeout });
    const location = header(response.headers, 'location');
    // The API answers slash-less paths with 301; follow same-origin redirects only (never leak the key).
    if ([301, 302, 307, 308].includes(response.statusCode) && location && redirects < 3) {
      await response.body.dump();
      const next = new URL(location, url).toString();
      if (new URL(next).origin === this.apiOrigin) return this.once(next, signal, redirects + 1);
    }
    const text = await response.body.text();
    const contentType = header(response.headers, 'content-type') ?? '';
    let json: unknown;
    let isJson = false;
    if (/json/i.test(contentType) || /^\s*[[{"]/.test(text)) {
      try {
        json = JSON.parse(text);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    return { status: response.statusCode, isJson, json, text, retryAfter: header(response.headers, 'retry-after') };
  }

  private networkError(e: unknown, url: string): DandiApiError {
    const host = new URL(url).host;
    const code = (e as { code?: string }).code;
    const timedOut = e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e instanceof undiciErrors.ConnectTimeoutError;
    const why = timedOut ? 'the server did not answer in time' : code ? code : e instanceof Error ? e.message : String(e);
    return new DandiApiError('network', `Could not reach ${this.options.instanceLabel} at ${host} (${why}).`);
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp * (0.75 + Math.random() * 0.5));
  }

  /** Retry-After in seconds or as an HTTP date; ignored when absent, in the past or beyond the bound. */
  private retryAfter(value: string | undefined): number | undefined {
    if (!value) return undefined;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    if (!Number.isFinite(ms) || ms < 0) return undefined;
    return Math.min(ms, this.retry.maxRetryAfterMs);
  }
}

interface RawResponse {
  status: number;
  isJson: boolean;
  json?: unknown;
  text?: string;
  retryAfter?: string;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The server's message from `{"detail": ...}`, a bare JSON string, or `{field: [messages]}`. */
export function detailOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.detail === 'string') return record.detail;
  const parts: string[] = [];
  for (const [field, messages] of Object.entries(record)) {
    const list = Array.isArray(messages) ? messages.filter(m => typeof m === 'string') : typeof messages === 'string' ? [messages] : [];
    if (list.length) parts.push(`${field}: ${list.join(' ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DandiApiError('cancelled', 'The request was cancelled.');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DandiApiError('cancelled', 'The request was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DandiApiError('cancelled', 'The request was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
