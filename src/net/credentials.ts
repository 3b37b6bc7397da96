// The one place that decides where secrets go. The DANDI API key travels as
// `Authorization: token <key>` only to the API's own origin (scheme, host and port) and under its
// path: never to the blob host, S3, another port, plain http of the same host, or a URL carrying
// userinfo. Redirects are re-decided hop by hop, so a redirect that leaves the API loses the key.

/** The API whose key this is. */
export interface ApiCredentials {
  /** API root, e.g. `https://api.dandiarchive.org/api`. */
  apiUrl: string;
  apiKey?: string;
}

/** True when `url` is at or under `root`: the same origin and a path inside root's path. */
export function isWithin(url: string, root: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(root);
  } catch {
    return false;
  }
  if (target.username || target.password) return false;
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.origin !== base.origin) return false;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return `${target.pathname}/`.startsWith(prefix);
}

/** The Authorization header for `url`: present only when `url` is on the API the key belongs to. */
export function authorizationFor(
  url: string,
  credentials: ApiCredentials | undefined,
): Record<string, string> {
  if (!credentials?.apiKey || !isWithin(url, credentials.apiUrl)) return {};
  return { authorization: `token ${credentials.apiKey}` };
}

/**
 * Headers a caller attached to one URL (a plain HTTP source's own headers): sent to that URL's
 * origin only, the same rule as the API key's.
 */
export function headersFor(
  url: string,
  scope: { url: string; headers?: Record<string, string> } | undefined,
): Record<string, string> {
  if (!scope?.headers) return {};
  const origin = new URL(scope.url).origin;
  return isWithin(url, `${origin}/`) ? scope.headers : {};
}
