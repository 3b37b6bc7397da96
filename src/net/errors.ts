// Every failure of the HTTP layer is a NetError with a code the callers map onto their own error
// classes (DandiApiError, Hdf5Error, DownloadError). Messages name the host, never a signature.

export type NetErrorCode =
  /** No headers in time, a silent body, or the caller's deadline. */
  | 'timeout'
  /** The caller's signal aborted the request. */
  | 'aborted'
  /** The certificate was refused (untrusted CA, self-signed, wrong host, expired). */
  | 'tls'
  /** Connection refused, reset, DNS, proxy refused... (worth retrying). */
  | 'connection'
  /** A body longer than asked for, or than the cap of a JSON or text read. */
  | 'too-large'
  /** Too many redirects, or a redirect without a Location. */
  | 'redirect';

export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    message: string,
    readonly host = '',
  ) {
    super(message);
    this.name = 'NetError';
  }
}

/** Strips the query string (presigned signatures) and any userinfo from a URL for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const query = parsed.search ? '?…' : '';
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}`;
  } catch {
    const q = url.indexOf('?');
    return q < 0 ? url : `${url.slice(0, q)}?…`;
  }
}

/** OpenSSL's codes for a certificate Node refused. */
const CERTIFICATE_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed certificate authority that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is signed by a certificate authority that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'it is signed by a certificate authority that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is signed by a certificate authority that is not trusted',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another host name',
  HOSTNAME_MISMATCH: 'it was issued for another host name',
};

const TIMEOUT_NAMES = new Set([
  'HeadersTimeoutError',
  'BodyTimeoutError',
  'ConnectTimeoutError',
  'TimeoutError',
]);

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in CERTIFICATE_CODES) return code;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns whatever undici, a socket or an abort threw into a NetError naming the host. A refused
 * certificate says what to do about it; the caller's abort stays an abort even when the socket
 * error arrived first.
 */
export function toNetError(error: unknown, url: string, signal?: AbortSignal): NetError {
  if (error instanceof NetError) return error;
  const host = hostOf(url);
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return timedOut
      ? new NetError('timeout', `${host} did not answer before the deadline`, host)
      : new NetError('aborted', 'the request was cancelled', host);
  }
  const name = error instanceof Error ? error.name : '';
  const code = codeOf(error);
  if (
    TIMEOUT_NAMES.has(name) ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new NetError('timeout', `${host} did not answer in time`, host);
  }
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED')
    return new NetError('aborted', 'the request was cancelled', host);
  if (code && code in CERTIFICATE_CODES) {
    return new NetError(
      'tls',
      `The HTTPS certificate of ${host} was refused: ${CERTIFICATE_CODES[code]} (${code}). If a proxy or your organisation ` +
        'inspects HTTPS traffic, make its certificate authority trusted (NODE_EXTRA_CA_CERTS, or the system certificate ' +
        'store); setting http.proxyStrictSSL to false turns verification off altogether.',
      host,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NetError(
    'connection',
    `connection to ${host} failed (${(code ?? name) || 'error'}: ${message})`,
    host,
  );
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
