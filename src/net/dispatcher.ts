// The connection pools every request of the extension shares, built from the network settings:
// a proxy (VS Code's http.proxy, else HTTPS_PROXY/HTTP_PROXY from the environment) for every host
// but those of noProxy (CONNECT for https), TLS verification on unless turned off, and extra CA
// certificates added to Node's roots. A settings change closes the pools; the next request builds
// new ones.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { networkSettings, onNetworkSettingsChanged, type NetworkSettings } from './settings';

const POOL = {
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
  /** Per origin; callers bound their own concurrency (a download's parts, the API's pages). */
  connections: 128,
  pipelining: 1,
};
const CONNECT_TIMEOUT_MS = 15_000;

let current: Dispatcher | undefined;
let unsubscribe: (() => void) | undefined;

/** TLS options of every connection (to the servers, and to an https proxy). */
export function tlsOptions(settings: NetworkSettings): { ca?: string[]; rejectUnauthorized: boolean } {
  // `ca` replaces Node's roots, so the extras are added to them (NODE_EXTRA_CA_CERTS is already in
  // Node's default store, which an explicit `ca` would otherwise drop: keep the default then).
  const ca =
    settings.extraCaCerts.length > 0
      ? [...rootCertificates, ...extraFromEnvironment(), ...settings.extraCaCerts]
      : undefined;
  return { ca, rejectUnauthorized: settings.strictSSL };
}

/** NODE_EXTRA_CA_CERTS is read by Node at start into its default store, not into rootCertificates. */
function extraFromEnvironment(): string[] {
  const path = process.env.NODE_EXTRA_CA_CERTS;
  if (!path) return [];
  try {
    const text = readFileSync(path, 'utf8');
    return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  } catch {
    return [];
  }
}

function build(settings: NetworkSettings): Dispatcher {
  const tls = tlsOptions(settings);
  const proxy = settings.proxy?.trim();
  // EnvHttpProxyAgent routes by scheme and NO_PROXY; given explicit values it ignores the
  // environment, given none it reads HTTP_PROXY/HTTPS_PROXY/NO_PROXY itself.
  return new EnvHttpProxyAgent({
    ...POOL,
    ...(proxy ? { httpProxy: proxy, httpsProxy: proxy, noProxy: settings.noProxy.join(',') } : {}),
    // Plain http is forwarded as an absolute-URI request: proxies often allow CONNECT to 443 only.
    proxyTunnel: false,
    connect: { ...tls, timeout: CONNECT_TIMEOUT_MS },
    requestTls: tls,
    proxyTls: tls,
  });
}

/** The dispatcher of the current settings (built on first use and after every change). */
export function sharedDispatcher(): Dispatcher {
  unsubscribe ??= onNetworkSettingsChanged(() => void resetNetwork());
  current ??= build(networkSettings());
  return current;
}

/** Closes the pools gracefully (requests in flight finish); the next request builds new ones. */
export async function resetNetwork(): Promise<void> {
  const old = current;
  current = undefined;
  await old?.close().catch(() => undefined);
}
