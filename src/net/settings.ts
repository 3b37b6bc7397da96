// The network settings every request of the extension obeys: proxy, TLS verification, extra CAs.
// Plain Node (no `vscode`): the VS Code side reads `http.proxy`, `http.proxyStrictSSL`,
// `http.noProxy` (and the environment's HTTPS_PROXY/NO_PROXY) and hands them here; the HTTP layer
// in src/net builds its connection pools from whatever is current.

export interface NetworkSettings {
  /** Proxy URL (`http://host:port`), from VS Code's `http.proxy` or HTTPS_PROXY/HTTP_PROXY. */
  proxy?: string;
  /** Hosts (and `.domain` suffixes, `*`) that bypass the proxy: `http.noProxy` or NO_PROXY. */
  noProxy: string[];
  /** Verify TLS certificates (`http.proxyStrictSSL`); false accepts any certificate. */
  strictSSL: boolean;
  /** Extra CA certificates (PEM) trusted besides Node's roots, which include NODE_EXTRA_CA_CERTS. */
  extraCaCerts: string[];
}

const DEFAULTS: NetworkSettings = { noProxy: [], strictSSL: true, extraCaCerts: [] };

let current: NetworkSettings = DEFAULTS;
const listeners = new Set<(settings: NetworkSettings) => void>();

/** Replaces the settings; the HTTP layer rebuilds its pools on the next request. */
export function configureNetwork(settings: Partial<NetworkSettings>): void {
  current = { ...DEFAULTS, ...settings };
  for (const listener of listeners) listener(current);
}

export function networkSettings(): NetworkSettings {
  return current;
}

/** Called on every change; returns the unsubscribe function. */
export function onNetworkSettingsChanged(listener: (settings: NetworkSettings) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
