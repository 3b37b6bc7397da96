import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Presigned-looking S3 URLs (SigV4 query shape) that the blob host really checks: the signature
 * is an HMAC over method, path and the other query parameters, so a HEAD on a GET URL, an edited
 * URL or an expired one is refused like S3 refuses them.
 */
export const DEFAULT_EXPIRY_SECONDS = 21600;
const ACCESS_KEY = 'AKIASTANDINARCHIVE00';

/** SigV4 query encoding (RFC 3986: spaces as %20, as in real presigned URLs). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type PresignCheck =
  { ok: true } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

export class Presigner {
  private readonly secret = randomBytes(32);
  /** Added to Date.now(): tests move the clock instead of sleeping. */
  clockOffsetMs = 0;

  constructor(readonly expirySeconds: number = DEFAULT_EXPIRY_SECONDS) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private sign(method: string, pathname: string, params: [string, string][]): string {
    const canonical = params
      .filter(([k]) => k !== 'X-Amz-Signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return createHmac('sha256', this.secret).update(`${method}\n${pathname}\n${canonical}`).digest('hex');
  }

  /** `extra` holds response-content-disposition / response-content-type overrides. */
  presign(origin: string, pathname: string, method: 'GET' | 'HEAD', extra: Record<string, string>): string {
    const date = new Date(this.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const params: [string, string][] = [
      ...Object.entries(extra),
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `${ACCESS_KEY}/${date.slice(0, 8)}/us-east-2/s3/aws4_request`],
      ['X-Amz-Date', date],
      ['X-Amz-Expires', String(this.expirySeconds)],
      ['X-Amz-SignedHeaders', 'host'],
    ];
    params.push(['X-Amz-Signature', this.sign(method, pathname, params)]);
    return `${origin}${pathname}?${params.map(([k, v]) => `${k}=${rfc3986(v)}`).join('&')}`;
  }

  static isSigned(query: URLSearchParams): boolean {
    return query.has('X-Amz-Signature') || query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential');
  }

  check(method: string, pathname: string, query: URLSearchParams): PresignCheck {
    const date = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires') ?? 'NaN');
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!m || !Number.isFinite(expires)) {
      return {
        ok: false,
        code: 'AccessDenied',
        message: 'Query-string authentication requires the X-Amz-Date and X-Amz-Expires parameters',
      };
    }
    const signedAt = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    if (this.now() > signedAt + expires * 1000)
      return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    const given = Buffer.from(query.get('X-Amz-Signature') ?? '', 'utf8');
    const expected = Buffer.from(this.sign(method, pathname, [...query.entries()]), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      };
    }
    return { ok: true };
  }
}
