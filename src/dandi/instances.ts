import type { DandiInstance, ServerInfo } from './types';

/** dandi-cli's known instances (dandi/consts.py), with the short-reference prefixes they answer to. */
export const KNOWN_INSTANCES: readonly DandiInstance[] = [
  {
    name: 'dandi',
    prefix: 'DANDI',
    apiUrl: 'https://api.dandiarchive.org/api',
    webUrl: 'https://dandiarchive.org',
    doiPrefix: '10.48324',
  },
  {
    name: 'dandi-sandbox',
    prefix: 'DANDI-SANDBOX',
    apiUrl: 'https://api.sandbox.dandiarchive.org/api',
    webUrl: 'https://sandbox.dandiarchive.org',
  },
  {
    name: 'ember-dandi',
    prefix: 'EMBER-DANDI',
    apiUrl: 'https://api-dandi.emberarchive.org/api',
    webUrl: 'https://dandi.emberarchive.org',
  },
  {
    name: 'ember-dandi-sandbox',
    prefix: 'EMBER-DANDI-SANDBOX',
    apiUrl: 'https://api-dandi.sandbox.emberarchive.org/api',
    webUrl: 'https://dandi.sandbox.emberarchive.org',
  },
  { name: 'linc', prefix: 'LINC', apiUrl: 'https://api.lincbrain.org/api', webUrl: 'https://lincbrain.org' },
  {
    name: 'linc-staging',
    prefix: 'LINC-STAGING',
    apiUrl: 'https://staging-api.lincbrain.org/api',
    webUrl: 'https://staging.lincbrain.org',
  },
  {
    name: 'dandi-api-local-docker-tests',
    prefix: 'DANDI-API-LOCAL-DOCKER-TESTS',
    apiUrl: 'http://localhost:8000/api',
    webUrl: 'http://localhost:8085',
  },
];

/** Hosts that redirect to a known instance's web UI (dandi-api.md 0.1 and section 4 rows 2 and 5). */
const WEB_ALIASES: Record<string, string> = {
  'gui.dandiarchive.org': 'dandi',
  'www.dandiarchive.org': 'dandi',
  'gui-staging.dandiarchive.org': 'dandi-sandbox',
  'api-staging.dandiarchive.org': 'dandi-sandbox',
  'gui-beta-dandiarchive-org.netlify.app': 'dandi',
};

export function instanceByName(name: string): DandiInstance | undefined {
  return KNOWN_INSTANCES.find(i => i.name === name);
}

export function instanceByPrefix(prefix: string): DandiInstance | undefined {
  return KNOWN_INSTANCES.find(i => i.prefix === prefix);
}

/** Removes trailing slashes so URLs compare and join predictably. */
export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A URL the extension may fetch or open: parses, and is plain http(s). */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The known (or extra, e.g. the active custom) instance whose web UI or API origin serves `url`.
 * The API must match on its path too (`/api`), the web UI on the origin alone.
 */
export function instanceForUrl(url: URL, extra: readonly DandiInstance[] = []): DandiInstance | undefined {
  const all = [...extra, ...KNOWN_INSTANCES];
  for (const instance of all) {
    const api = new URL(instance.apiUrl);
    if (api.origin === url.origin) return instance;
  }
  for (const instance of all) {
    if (instance.webUrl && new URL(instance.webUrl).origin === url.origin) return instance;
  }
  const alias = WEB_ALIASES[url.hostname];
  if (alias) return instanceByName(alias);
  // Netlify previews of the web UI: deploy-preview-<n>--gui-dandiarchive-org.netlify.app → sandbox.
  if (/--gui-dandiarchive-org\.netlify\.app$/.test(url.hostname)) return instanceByName('dandi-sandbox');
  if (/dandiarchive-org\.netlify\.app$/.test(url.hostname)) return instanceByName('dandi');
  return undefined;
}

/**
 * An instance described by a server's `/info/` (or the web UI's `/server-info`). Known API URLs map
 * back to their known instance; others are named after the API host, as dandi-cli does.
 */
/** A web UI address from /info/, only when it is a plain http(s) URL: it is opened and written into dandiset.yaml. */
function webAddress(url: string | undefined): string | null {
  if (!url || /[\u0000-\u001f\u007f\s]/.test(url)) return null;
  return isHttpUrl(url) ? trimSlashes(url) : null;
}

export function instanceFromServerInfo(info: ServerInfo, fallbackApiUrl?: string): DandiInstance | undefined {
  const apiUrl = info.services?.api?.url ?? fallbackApiUrl;
  if (!apiUrl) return undefined;
  const api = trimSlashes(apiUrl);
  const known = KNOWN_INSTANCES.find(i => i.apiUrl === api);
  if (known) return known;
  const webUrl = webAddress(info.services?.webui?.url);
  const instance: DandiInstance = { name: new URL(api).host, apiUrl: api, webUrl };
  if (info.instance_config?.doi_prefix) instance.doiPrefix = info.instance_config.doi_prefix;
  if (info.instance_config?.instance_name)
    instance.doiName = info.instance_config.instance_name.toLowerCase();
  return instance;
}

/**
 * Why the custom API URL cannot be used (the settings then fall back to DANDI), or undefined when
 * it can or is not in use. The extension says so instead of silently browsing another archive.
 */
export function customApiUrlProblem(name: string, customApiUrl: string): string | undefined {
  if (name !== 'custom' && (instanceByName(name) || !customApiUrl)) return undefined;
  const api = trimSlashes(customApiUrl.trim());
  if (!api) return 'dandi.instance is "custom" but dandi.apiUrl is empty';
  try {
    const { protocol } = new URL(api);
    return protocol === 'http:' || protocol === 'https:'
      ? undefined
      : `dandi.apiUrl "${api}" is not an http(s) URL`;
  } catch {
    return `dandi.apiUrl "${api}" is not a valid URL`;
  }
}

/** The setting `dandi.instance` + `dandi.apiUrl` as an instance (custom: named after its host). */
export function instanceFromSettings(name: string, customApiUrl: string): DandiInstance {
  if (customApiUrlProblem(name, customApiUrl)) return KNOWN_INSTANCES[0];
  if (name === 'custom' || (!instanceByName(name) && customApiUrl)) {
    const api = trimSlashes(customApiUrl.trim());
    const known = KNOWN_INSTANCES.find(i => i.apiUrl === api);
    if (known) return known;
    // The web UI comes from /info/ services.webui later (DandiSession.webUrl, src/session).
    return { name: new URL(api).host, apiUrl: api, webUrl: null };
  }
  return instanceByName(name) ?? KNOWN_INSTANCES[0];
}

/** Human label of an instance: "DANDI", "DANDI sandbox", or the host of a custom one. */
export function instanceLabel(instance: DandiInstance): string {
  switch (instance.name) {
    case 'dandi':
      return 'DANDI';
    case 'dandi-sandbox':
      return 'DANDI sandbox';
    case 'ember-dandi':
      return 'EMBER-DANDI';
    case 'ember-dandi-sandbox':
      return 'EMBER-DANDI sandbox';
    case 'linc':
      return 'LINC';
    case 'linc-staging':
      return 'LINC staging';
    default:
      return instance.name;
  }
}
