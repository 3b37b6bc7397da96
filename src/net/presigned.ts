// Presigned-URL resolution and renewal. DANDI's download URL (`{api}/assets/{id}/download/`)
// answers 302 to a presigned blob URL that expires; the blob host then answers 403. An open
// asset's unsigned URL, when known, is tried first (no API round trip) and dropped for good once
// refused. Renewal is bounded: a host that keeps refusing fresh URLs is an error, not a loop.
import { isWithin } from './credentials';
import { hostOf, NetError, redactUrl } from './errors';
import {
  discard,
  httpGet,
  MAX_REDIRECTS,
  peekText,
  REDIRECT_STATUS,
  type GetOptions,
  type NetResponse,
} from './request';
import { parseRetryAfter } from './retry';

/** A final non-2xx answer, with what a caller needs to classify and word it. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    /** Redacted. */
    readonly url: string,
    /** The server's words (JSON `detail`, S3's `<Code>: <Message>`, or the start of the text). */
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${hostOf(url)} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

/** Short readable text of an error body; never throws. */
export async function errorDetail(response: NetResponse): Promise<string> {
  const text = await peekText(response, 4096);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') return parsed;
    if (parsed && typeof parsed === 'object' && 'detail' in parsed) return String(parsed.detail);
  } catch {
    // Not JSON.
  }
  // S3 answers XML: <Error><Code>SlowDown</Code><Message>...</Message></Error>.
  const s3 = /<Code>([^<]*)<\/Code>(?:\s*<Message>([^<]*)<\/Message>)?/.exec(text);
  if (s3) return [s3[1], s3[2]].filter(Boolean).join(': ');
  return /<html|<!doctype/i.test(text)
    ? 'an HTML error page'
    : text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export async function statusError(response: NetResponse): Promise<HttpStatusError> {
  return new HttpStatusError(
    response.status,
    redactUrl(response.url),
    await errorDetail(response),
    parseRetryAfter(response.headers['retry-after']),
  );
}

export type ResolveOptions = Pick<
  GetOptions,
  'credentials' | 'signal' | 'headersTimeoutMs' | 'idleTimeoutMs' | 'onRequest' | 'headers'
>;

/**
 * Where a download URL leads: the Location of its redirect off the API (the presigned URL), after
 * following the API's own slash-adding redirects; the URL itself when it serves the bytes (2xx).
 * A non-2xx answer throws HttpStatusError.
 */
export async function resolveDownloadUrl(downloadUrl: string, options: ResolveOptions = {}): Promise<string> {
  let url = downloadUrl;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await httpGet(url, { ...options, redirect: 'manual' });
    const location = response.headers.location;
    if (REDIRECT_STATUS.has(response.status) && location) {
      discard(response.body);
      const next = new URL(location, url).toString();
      const onApi = options.credentials
        ? isWithin(next, options.credentials.apiUrl)
        : new URL(next).origin === new URL(url).origin;
      if ((response.status === 301 || response.status === 308) && onApi) {
        url = next;
        continue;
      }
      return next;
    }
    if (response.status >= 200 && response.status < 300) {
      discard(response.body);
      return url;
    }
    throw await statusError(response);
  }
  throw new NetError('redirect', `too many redirects from ${redactUrl(downloadUrl)}`, hostOf(downloadUrl));
}

export const MAX_RENEWALS = 4;

/** The URL to read one object from, resolved once and renewed when the blob host refuses it. */
export class PresignedUrl {
  private pending: Promise<string> | undefined;
  private directTried = false;
  private renewals = 0;

  constructor(
    private readonly downloadUrl: string,
    private readonly options: ResolveOptions & { directUrl?: string } = {},
  ) {}

  /** The direct URL the first time when given, else the presigned URL behind the download URL. */
  current(signal?: AbortSignal): Promise<string> {
    if (!this.pending) {
      const direct = this.options.directUrl !== undefined && !this.directTried;
      if (direct) this.directTried = true;
      const pending = direct
        ? Promise.resolve(this.options.directUrl as string)
        : resolveDownloadUrl(this.downloadUrl, { ...this.options, signal: signal ?? this.options.signal });
      pending.catch(() => {
        if (this.pending === pending) this.pending = undefined;
      });
      this.pending = pending;
    }
    return this.pending;
  }

  /** True while `url` is a URL of the download URL's answer or the direct URL (not the API itself). */
  isResolved(url: string): boolean {
    return url !== this.downloadUrl;
  }

  /**
   * The blob host refused `url` (an expired signature, or a direct URL that is not public): the
   * next `current()` asks the API again, unless a newer URL replaced it already. Throws after
   * MAX_RENEWALS refusals in a row of fresh URLs.
   */
  async renew(url: string): Promise<void> {
    // Parts reading the same object meet the same refusal: only the first renews.
    const pending = this.pending;
    if (!pending || (await pending.catch(() => undefined)) !== url || this.pending !== pending) return;
    if (++this.renewals > MAX_RENEWALS) {
      throw new HttpStatusError(
        403,
        redactUrl(url),
        `the file host keeps refusing fresh download URLs (${MAX_RENEWALS} renewals)`,
      );
    }
    this.pending = undefined;
  }

  /** A read through the current URL worked: the renewal budget starts again. */
  succeeded(): void {
    this.renewals = 0;
  }
}
