/**
 * JSON over HTTP for the DANDI API: keep-alive, deadlines, retries with back-off on transient
 * failures (connection errors, 429, 5xx, the hosting platform's HTML error pages), Retry-After
 * honoured within a bound, and every other failure turned into a {@link DandiApiError} with a
 * sentence a person understands. The API key is sent only to the API's own origin and path.
 */
import { isWithin } from '../net/credentials';
import { NetError, redactUrl } from '../net/errors';
import { resolveDownloadUrl, HttpStatusError } from '../net/presigned';
import { discard, httpGet, readText, type NetResponse } from '../net/request';
import {
  DEFAULT_RETRY as NET_RETRY,
  parseRetryAfter,
  pause,
  retryDelay,
  TRANSIENT_STATUS,
  type RetryPolicy,
} from '../net/retry';
import { DandiApiError } from './errors';
import { trimSlashes } from './instances';

export type { RetryPolicy };

/** The API's policy: the HTTP layer's, with Retry-After waits bounded for interactive requests. */
export const DEFAULT_RETRY: RetryPolicy = { ...NET_RETRY, maxRetryAfterMs: 30_000 };

export interface TransportOptions {
  apiUrl: string;
  /** Shown in messages: "Dandiset 000123 was not found on <instanceLabel>". */
  instanceLabel: string;
  apiKey?: string;
  userAgent: string;
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

/** Largest JSON answer read (a page of 1000 assets with metadata is a few MB). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export class ApiTransport {
  readonly apiUrl: string;
  private readonly retry: RetryPolicy;
  /** Requests sent (including retries); benchmarks and tests read it. */
  requestCount = 0;

  constructor(private readonly options: TransportOptions) {
    this.apiUrl = trimSlashes(options.apiUrl);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
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
    return isWithin(url, this.apiUrl);
  }

  private get credentials() {
    return { apiUrl: this.apiUrl, apiKey: this.options.apiKey };
  }

  private get timeouts() {
    const timeout = this.options.timeoutMs ?? 60_000;
    return { headersTimeoutMs: timeout, idleTimeoutMs: timeout };
  }

  /** GET JSON with retries. 2xx bodies that are not JSON become 'invalid-response'. */
  async getJson<T>(url: string, about: RequestSubject, signal?: AbortSignal): Promise<T> {
    const response = await this.send(url, about, signal);
    if (response.status >= 200 && response.status < 300) {
      if (!response.isJson) {
        throw new DandiApiError(
          'invalid-response',
          `${this.options.instanceLabel} sent something that is not JSON for ${about.subject}.`,
          response.status,
          undefined,
          this.describePath(url),
        );
      }
      return response.json as T;
    }
    throw this.errorFor(response.status, response, about, url);
  }

  /** Like {@link getJson} but returns the status and parsed body of 4xx answers instead of throwing. */
  async getJsonOrStatus(
    url: string,
    about: RequestSubject,
    signal?: AbortSignal,
  ): Promise<{ status: number; json: unknown; detail?: string }> {
    const response = await this.send(url, about, signal);
    if (response.status >= 400 && response.status < 500)
      return { status: response.status, json: response.json, detail: detailOf(response.json) };
    if (response.status >= 200 && response.status < 300 && response.isJson)
      return { status: response.status, json: response.json };
    if (response.status >= 200 && response.status < 300) {
      throw new DandiApiError(
        'invalid-response',
        `${this.options.instanceLabel} sent something that is not JSON for ${about.subject}.`,
        response.status,
      );
    }
    throw this.errorFor(response.status, response, about, url);
  }

  /** The `Location` of an API redirect (the presigned blob URL), with retries; the key goes to the API only. */
  async resolveRedirect(url: string, about: RequestSubject, signal?: AbortSignal): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      try {
        return await resolveDownloadUrl(url, {
          credentials: this.credentials,
          signal,
          headers: { 'user-agent': this.options.userAgent },
          onRequest: () => this.requestCount++,
          ...this.timeouts,
        });
      } catch (e) {
        if (signal?.aborted) throw cancelled();
        if (!(e instanceof HttpStatusError)) {
          if (!(e instanceof NetError) || attempt >= this.retry.attempts) throw this.networkError(e);
          await this.pause(retryDelay(attempt, this.retry), signal);
          continue;
        }
        if (!TRANSIENT_STATUS.has(e.status) || attempt >= this.retry.attempts) {
          if (e.status === 400)
            throw new DandiApiError(
              'bad-request',
              e.detail || `${about.subject} cannot be downloaded as one file.`,
              400,
              e.detail || undefined,
            );
          const json = e.detail ? e.detail : undefined;
          throw this.errorFor(e.status, { isJson: json !== undefined, json }, about, url);
        }
        await this.pause(retryDelay(attempt, this.retry, e.retryAfterMs), signal);
      }
    }
  }

  /** Up to `maxBytes` of a blob URL (a Range request; the key never goes to a blob host). */
  async readBlob(
    url: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; truncated: boolean }> {
    let response: NetResponse;
    try {
      response = await httpGet(url, {
        headers: { 'user-agent': this.options.userAgent, range: `bytes=0-${maxBytes}` },
        credentials: this.credentials,
        signal,
        onRequest: () => this.requestCount++,
        ...this.timeouts,
      });
    } catch (e) {
      throw signal?.aborted ? cancelled() : this.networkError(e);
    }
    if (response.status !== 200 && response.status !== 206) {
      discard(response.body);
      if (response.status === 416) return { bytes: new Uint8Array(0), truncated: false };
      throw new DandiApiError(
        response.status === 403 ? 'forbidden' : 'unavailable',
        `The file host answered HTTP ${response.status}.`,
        response.status,
      );
    }
    // One byte past the cap tells whether there is more; a server ignoring Range is cut off there.
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        total += chunk.length;
        if (total > maxBytes) break;
      }
    } catch (e) {
      throw signal?.aborted ? cancelled() : this.networkError(e);
    } finally {
      discard(response.body);
    }
    const all = Buffer.concat(chunks);
    return {
      bytes: new Uint8Array(all.subarray(0, Math.min(all.length, maxBytes))),
      truncated: all.length > maxBytes,
    };
  }

  /** Turns a final non-2xx answer into a typed error with a readable message. */
  errorFor(
    status: number,
    response: { isJson: boolean; json?: unknown; text?: string },
    about: RequestSubject,
    url: string,
  ): DandiApiError {
    const where = this.options.instanceLabel;
    const detail = response.isJson ? detailOf(response.json) : undefined;
    const path = this.describePath(url);
    const subject = about.subject;
    const capital = subject.charAt(0).toUpperCase() + subject.slice(1);
    switch (status) {
      case 404:
        return new DandiApiError(
          'not-found',
          `${capital} was not found on ${where}.`,
          status,
          detail ?? (response.isJson ? undefined : 'not a valid address on the server'),
          path,
        );
      case 401:
        if (detail && /invalid token/i.test(detail)) {
          return new DandiApiError(
            'unauthorized',
            `${where} rejected the API key. Sign in again with a valid key.`,
            status,
            detail,
            path,
          );
        }
        return new DandiApiError(
          'unauthorized',
          `${capital} on ${where} needs you to sign in.`,
          status,
          detail,
          path,
        );
      case 403:
        return new DandiApiError(
          'forbidden',
          `You do not have permission to see ${subject} on ${where}.`,
          status,
          detail,
          path,
        );
      case 400:
        return new DandiApiError(
          'bad-request',
          `${where} rejected the request for ${subject}${detail ? `: ${detail}` : '.'}`,
          status,
          detail,
          path,
        );
      default:
        if (TRANSIENT_STATUS.has(status) || status >= 500) {
          return new DandiApiError(
            'unavailable',
            `${where} is unavailable right now (HTTP ${status}); try again later.`,
            status,
            detail,
            path,
          );
        }
        return new DandiApiError(
          'invalid-response',
          `${where} answered HTTP ${status} for ${subject}.`,
          status,
          detail,
          path,
        );
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
        if (signal?.aborted) throw cancelled();
        lastError = this.networkError(e);
        if (attempt === this.retry.attempts) break;
        const delay = retryDelay(attempt, this.retry);
        this.options.log?.(
          `${lastError.message} Retrying in ${delay} ms (attempt ${attempt + 1}/${this.retry.attempts}).`,
        );
        await this.pause(delay, signal);
        continue;
      }
      // HTML from the hosting platform (Heroku's "Application Error") is transient whatever its status says;
      // an HTML 404 is Django's answer to a malformed id and is final.
      const platformPage = !response.isJson && response.status >= 500;
      if (!TRANSIENT_STATUS.has(response.status) && !platformPage) return response;
      lastError = this.errorFor(response.status, response, about, url);
      if (attempt === this.retry.attempts) break;
      const delay = retryDelay(attempt, this.retry, parseRetryAfter(response.retryAfter));
      this.options.log?.(
        `${this.options.instanceLabel} answered HTTP ${response.status}${response.isJson ? '' : ' (HTML page)'} for ${redactUrl(this.describePath(url))}; retrying in ${delay} ms.`,
      );
      await this.pause(delay, signal);
    }
    throw lastError ?? new DandiApiError('network', `Could not reach ${this.options.instanceLabel}.`);
  }

  /** One GET of JSON (redirects followed: the API adds slashes with 301; the key stays on the API). */
  private async once(url: string, signal?: AbortSignal): Promise<RawResponse> {
    const response = await httpGet(url, {
      headers: { accept: 'application/json', 'user-agent': this.options.userAgent },
      credentials: this.credentials,
      signal,
      onRequest: () => this.requestCount++,
      ...this.timeouts,
    });
    const text = await readText(response, MAX_JSON_BYTES, signal);
    const contentType = response.headers['content-type'] ?? '';
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
    return { status: response.status, isJson, json, text, retryAfter: response.headers['retry-after'] };
  }

  private networkError(e: unknown): DandiApiError {
    const net = e instanceof NetError ? e : undefined;
    const why =
      net?.code === 'timeout'
        ? 'the server did not answer in time'
        : e instanceof Error
          ? e.message
          : String(e);
    if (net?.code === 'tls')
      return new DandiApiError('network', `Could not reach ${this.options.instanceLabel}: ${net.message}`);
    const host = net?.host || new URL(this.apiUrl).host;
    return new DandiApiError('network', `Could not reach ${this.options.instanceLabel} at ${host} (${why}).`);
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await pause(ms, signal);
    } catch {
      throw cancelled();
    }
  }
}

interface RawResponse {
  status: number;
  isJson: boolean;
  json?: unknown;
  text?: string;
  retryAfter?: string;
}

/** The server's message from `{"detail": ...}`, a bare JSON string, or `{field: [messages]}`. */
export function detailOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.detail === 'string') return record.detail;
  const parts: string[] = [];
  for (const [field, messages] of Object.entries(record)) {
    const list = Array.isArray(messages)
      ? messages.filter(m => typeof m === 'string')
      : typeof messages === 'string'
        ? [messages]
        : [];
    if (list.length) parts.push(`${field}: ${list.join(' ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

function cancelled(): DandiApiError {
  return new DandiApiError('cancelled', 'The request was cancelled.');
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled();
}
