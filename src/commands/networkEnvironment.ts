import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { NetworkSettings } from '../net/settings';

/**
 * VS Code's `http.*` settings and the process environment, turned into the NetworkSettings every
 * request obeys. Plain Node (the VS Code side only reads the settings), so it is unit-tested.
 */

/** The `http.*` settings VS Code itself uses for its own requests. */
export interface HttpConfiguration {
  /** `http.proxy` ('' when unset). */
  proxy: string;
  /** `http.proxyStrictSSL`. */
  proxyStrictSSL: boolean;
  /** `http.noProxy`. */
  noProxy: readonly string[];
  /** `http.systemCertificates`: trust the operating system's CA store, as VS Code does for corporate proxies. */
  systemCertificates: boolean;
}

export interface NetworkEnvironment {
  settings: NetworkSettings;
  /** Where the proxy came from, for the log. */
  proxySource: 'http.proxy' | 'environment' | 'none';
  /** Settings that could not be used, each a sentence naming the setting. */
  problems: string[];
}

/** Where Linux distributions keep the system CA bundle (Debian/Ubuntu first). */
export const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
];

type Env = Readonly<Record<string, string | undefined>>;
type ReadText = (file: string) => string | undefined;

const readIfPresent: ReadText = file => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

function firstEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** `host:port` becomes `http://host:port` (as curl reads proxy variables); only HTTP(S) proxies can carry our requests. */
function proxyUrl(raw: string, source: string, problems: string[]): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    problems.push(
      `${source} "${redact(raw)}" is not a proxy URL (expected http://host:port); requests go without a proxy.`,
    );
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(
      `${source} uses ${url.protocol.slice(0, -1)}, which the DANDI extension cannot use (only http:// and https:// proxies); requests go without a proxy.`,
    );
    return undefined;
  }
  return withScheme;
}

/** A proxy URL without its password, for messages and logs. */
export function redact(proxy: string): string {
  return proxy.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

const splitList = (text: string | undefined): string[] => (text ?? '').split(/[\s,]+/).filter(Boolean);

/** Individual PEM certificates of a bundle, without those Node already trusts. */
function certificatesIn(pem: string, known: Set<string>): string[] {
  const out: string[] = [];
  for (const cert of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
    const body = cert.replace(/-----[^-]+-----|\s/g, '');
    if (known.has(body)) continue;
    known.add(body);
    out.push(cert);
  }
  return out;
}

/**
 * The proxy comes from `http.proxy`, else HTTPS_PROXY/HTTP_PROXY (either case); `http.noProxy`
 * always applies, NO_PROXY only with a proxy from the environment (the variables go together).
 * Extra CAs: with `http.systemCertificates`, the system bundle's certificates that Node's roots
 * lack (NODE_EXTRA_CA_CERTS is part of Node's store already; only a missing file is reported).
 */
export function networkEnvironment(
  http: HttpConfiguration,
  env: Env,
  readText: ReadText = readIfPresent,
): NetworkEnvironment {
  const problems: string[] = [];
  const fromSettings = http.proxy.trim();
  const fromEnv = firstEnv(env, 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy');
  const proxySource = fromSettings ? 'http.proxy' : fromEnv ? 'environment' : 'none';
  const proxy = fromSettings
    ? proxyUrl(fromSettings, 'The setting http.proxy', problems)
    : fromEnv
      ? proxyUrl(fromEnv, 'The environment variable HTTPS_PROXY/HTTP_PROXY', problems)
      : undefined;
  const noProxy = [...http.noProxy.map(h => h.trim()).filter(Boolean)];
  if (proxySource === 'environment') noProxy.push(...splitList(firstEnv(env, 'NO_PROXY', 'no_proxy')));

  const known = new Set(rootCertificates.map(c => c.replace(/-----[^-]+-----|\s/g, '')));
  const extraCaCerts: string[] = [];
  /** A missing system bundle is normal (other distributions); a missing NODE_EXTRA_CA_CERTS file is a mistake. */
  const read = (file: string, what: string, mustExist: boolean): string | undefined => {
    try {
      const text = readText(file);
      if (text === undefined && mustExist) problems.push(`${what} ${file} does not exist.`);
      return text;
    } catch (e) {
      problems.push(`Could not read ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  // Node loads NODE_EXTRA_CA_CERTS into its default store itself (and the HTTP layer keeps it when
  // it adds extras), but only warns on stderr when the file is missing: say so where users look.
  const nodeExtra = env.NODE_EXTRA_CA_CERTS?.trim();
  if (nodeExtra) read(nodeExtra, 'NODE_EXTRA_CA_CERTS:', true);
  if (http.systemCertificates) {
    for (const file of SYSTEM_CA_BUNDLES) {
      const text = read(file, 'the system CA bundle', false);
      if (text === undefined) continue;
      extraCaCerts.push(...certificatesIn(text, known));
      break;
    }
  }
  return {
    settings: {
      ...(proxy ? { proxy } : {}),
      noProxy: [...new Set(noProxy)],
      strictSSL: http.proxyStrictSSL,
      extraCaCerts,
    },
    proxySource: proxy ? proxySource : 'none',
    problems,
  };
}
