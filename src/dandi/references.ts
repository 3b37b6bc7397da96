import { DandiReferenceError } from './errors';
import {
  KNOWN_INSTANCES,
  instanceByName,
  instanceByPrefix,
  instanceForUrl,
  instanceFromServerInfo,
} from './instances';
import type { DandiInstance, ServerInfo } from './types';
import { discard, httpGet, readText } from '../net/request';

/** An /info/ document is a few KB; a page that is not one is cut off here. */
const MAX_DISCOVERY_BYTES = 1024 * 1024;

/**
 * Every way a person may point at something in DANDI (dandi-api.md section 4), parsed to one
 * normalised target. Known hosts, short ids, dandi:// URLs and DOIs parse offline; only web or
 * API URLs of unknown hosts need the network (their /server-info or /api/info/).
 */
export type ReferenceKind = 'dandiset' | 'folder' | 'asset-path' | 'asset-id' | 'glob' | 'path-prefix';

export interface DandiReference {
  instance: DandiInstance;
  /** Six digits; null only for a version-independent asset URL (`/api/assets/<id>/`). */
  dandisetId: string | null;
  /** `draft`, `0.YYMMDD.HHMM`, or null when omitted (most recent published, else draft). */
  version: string | null;
  kind: ReferenceKind;
  /**
   * folder: ends with `/`; asset-path: exact asset path; glob: pattern (`*` only);
   * path-prefix: the server's case-insensitive prefix filter.
   */
  path?: string;
  /** For kind asset-id. */
  assetId?: string;
}

/** A reference whose server still has to be identified (an unknown host). */
export interface PendingReference extends Omit<DandiReference, 'instance'> {
  instance: null;
  /** The URL's origin, and whether the path went through `/api/` (an API URL rather than the web UI). */
  origin: string;
  viaApi: boolean;
}

export interface ParseOptions {
  /** dandi-cli's `--path-type glob`: web `location=` and dandi:// paths become globs. */
  globMode?: boolean;
  /** Instance of bare ids (`000027`); default DANDI. */
  defaultInstance?: DandiInstance;
  /** Instances to recognise besides the known ones (e.g. the active custom instance). */
  instances?: readonly DandiInstance[];
}

/** Minimal HTTP for server discovery, injectable so tests can replay recorded exchanges. */
export type HttpGet = (
  url: string,
  init: { method: 'GET' | 'HEAD'; signal?: AbortSignal },
) => Promise<{
  status: number;
  location?: string;
  json?: unknown;
}>;

export interface ResolveOptions extends ParseOptions {
  http?: HttpGet;
  signal?: AbortSignal;
}

const ID = /^\d{6}$/;
const VERSION = /^(?:\d+\.\d+\.\d+|draft)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function unknown(text: string, why?: string): DandiReferenceError {
  return new DandiReferenceError(
    'unknown-url',
    `"${text}" is not a DANDI reference${why ? `: ${why}` : ''}.`,
  );
}

/** Parses without the network; an unknown host comes back as a {@link PendingReference}. */
export function parseReferenceOffline(
  input: string,
  options: ParseOptions = {},
): DandiReference | PendingReference {
  const text = input.trim();
  if (!text) throw unknown(input, 'it is empty');
  const defaultInstance = options.defaultInstance ?? KNOWN_INSTANCES[0];

  // Bare id, optionally with a version: 000027, 000027/draft, 000027@0.210831.2033
  const bare = /^(\d+)(?:[/@]([^/]+))?\/?$/.exec(text);
  if (bare) return dandisetRef(defaultInstance, bare[1], bare[2] ?? null, text);

  const doi = parseDoi(text);
  if (doi) return doi;

  if (/^dandi:\/\//i.test(text)) return parseDandiUrl(text, options);

  // Short form: DANDI:000027[/version], DANDI-SANDBOX:…, LINC:…, EMBER-DANDI:… (any case).
  const short = /^([A-Za-z][A-Za-z-]*):(\d+)(?:\/([^/]+))?\/?$/.exec(text);
  if (short) {
    const instance = instanceByPrefix(short[1].toUpperCase());
    if (!instance)
      throw new DandiReferenceError(
        'unknown-instance',
        `Unknown instance prefix "${short[1]}" in "${text}".`,
      );
    return dandisetRef(instance, short[2], short[3] ?? null, text);
  }

  if (/^https?:\/\//i.test(text)) return parseHttpUrl(text, options);
  throw unknown(text);
}

/** Parses any reference, asking an unknown server who it is (`/server-info`, then `/api/info/`). */
export async function parseReference(input: string, options: ResolveOptions = {}): Promise<DandiReference> {
  const parsed = parseReferenceOffline(input, options);
  if (parsed.instance) return parsed;
  const http = options.http ?? defaultHttpGet;
  const instance = await discoverInstance(parsed.origin, parsed.viaApi, http, options.signal);
  if (!instance) {
    throw new DandiReferenceError(
      'unknown-instance',
      `${parsed.origin} does not look like a DANDI server (no /server-info or /api/info/).`,
    );
  }
  const { origin: _origin, viaApi: _viaApi, ...rest } = parsed;
  return { ...rest, instance };
}

function dandisetRef(
  instance: DandiInstance,
  id: string,
  version: string | null,
  text: string,
): DandiReference {
  if (!ID.test(id)) throw unknown(text, 'a Dandiset id has six digits, e.g. 000027');
  if (version !== null && !VERSION.test(version))
    throw unknown(text, `"${version}" is not a version (draft or 0.YYMMDD.HHMM)`);
  return { instance, dandisetId: id, version, kind: 'dandiset' };
}

/** 10.48324/dandi.000728/0.240827.1809, doi:…, https://doi.org/… (Dandiset-level DOIs too). */
function parseDoi(text: string): DandiReference | undefined {
  const m =
    /^(?:doi:|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9})\/([a-z][a-z-]*)\.(\d{6})(?:\/(\d+\.\d+\.\d+|draft))?\/?$/i.exec(
      text,
    );
  if (!m) return undefined;
  const byName = instanceByName(m[2].toLowerCase());
  const byPrefix = KNOWN_INSTANCES.find(i => i.doiPrefix === m[1]);
  const instance = byName ?? byPrefix;
  if (!instance)
    throw new DandiReferenceError('unknown-instance', `Unknown instance "${m[2]}" in DOI "${text}".`);
  return { instance, dandisetId: m[3], version: m[4] ?? null, kind: 'dandiset' };
}

/** dandi://<instance>/<id>[@<version>][/<path>] — a path ending in `/` is a folder. */
function parseDandiUrl(text: string, options: ParseOptions): DandiReference {
  const m = /^dandi:\/\/([^/]+)\/(\d+)(?:@([^/]+))?(?:\/(.*))?$/i.exec(text);
  if (!m) throw unknown(text, 'expected dandi://<instance>/<id>[@<version>][/<path>]');
  const instance = instanceByName(m[1].toLowerCase()) ?? options.instances?.find(i => i.name === m[1]);
  if (!instance) {
    const names = KNOWN_INSTANCES.map(i => i.name)
      .sort()
      .join(', ');
    throw new DandiReferenceError(
      'unknown-instance',
      `Unknown instance '${m[1]}'.  Valid instances: ${names}`,
    );
  }
  const ref = dandisetRef(instance, m[2], m[3] ?? null, text);
  const path = m[4] ?? '';
  if (!path) return ref;
  if (options.globMode) return { ...ref, kind: 'glob', path };
  return path.endsWith('/') ? { ...ref, kind: 'folder', path } : { ...ref, kind: 'asset-path', path };
}

function parseHttpUrl(text: string, options: ParseOptions): DandiReference | PendingReference {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw unknown(text, 'the URL is malformed');
  }
  if (url.hostname === 'identifiers.org' || url.hostname === 'www.identifiers.org') {
    const m = /^\/?([A-Za-z-]+):(\d+)(?:\/(\d+\.\d+\.\d+))?\/?$/.exec(decodeURIComponent(url.pathname));
    if (!m) throw unknown(text);
    return parseReferenceOffline(`${m[1]}:${m[2]}${m[3] ? `/${m[3]}` : ''}`, options);
  }
  // Legacy hash routes: https://dandiarchive.org/#/dandiset/000001/files?location=...
  let pathname = url.pathname;
  let query = url.searchParams;
  if (url.hash.startsWith('#/')) {
    const inner = new URL(url.hash.slice(1), url.origin);
    pathname = inner.pathname;
    query = inner.searchParams;
  }
  const segments = pathname
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));
  const viaApi = segments[0] === 'api';
  if (viaApi) segments.shift();
  const target = parseRoute(segments, query, text, options);
  const instance = instanceForUrl(url, options.instances ?? []);
  if (instance) return { ...target, instance };
  return { ...target, instance: null, origin: url.origin, viaApi };
}

type Target = Omit<DandiReference, 'instance'>;

/** The path grammar shared by the web UI and the API (after an optional `api/`). */
function parseRoute(seg: string[], query: URLSearchParams, text: string, options: ParseOptions): Target {
  const [head, id, ...rest] = seg;
  if ((head === 'dandiset' || head === 'dandisets') && id !== undefined) {
    if (!ID.test(id)) throw unknown(text, 'a Dandiset id has six digits');
    return head === 'dandiset' ? webRoute(id, rest, query, text, options) : apiRoute(id, rest, query, text);
  }
  if (head === 'assets' && id !== undefined && UUID.test(id) && isAssetTail(rest)) {
    return { dandisetId: null, version: null, kind: 'asset-id', assetId: id.toLowerCase() };
  }
  throw unknown(text, 'the URL does not name a Dandiset, version, folder or asset');
}

/** /dandiset/<id>[/<version>][/files][?location=<folder>&page=<n>] */
function webRoute(
  id: string,
  rest: string[],
  query: URLSearchParams,
  text: string,
  options: ParseOptions,
): Target {
  let version: string | null = null;
  const tail = [...rest];
  if (tail.length && VERSION.test(tail[0])) version = tail.shift() ?? null;
  if (tail.length && tail[0] === 'files') tail.shift();
  if (tail.length) throw unknown(text, `unexpected "${tail.join('/')}" after the Dandiset`);
  const base: Target = { dandisetId: id, version, kind: 'dandiset' };
  // URLSearchParams decodes and keeps `page` apart (dandi-cli's regex would swallow "&page=1").
  const location = (query.get('location') ?? '').replace(/^\/+/, '');
  if (!location) return base;
  if (options.globMode) return { ...base, kind: 'glob', path: location };
  return { ...base, kind: 'folder', path: location.endsWith('/') ? location : `${location}/` };
}

/** /dandisets/<id>[/versions[/<v>[/assets[/<uuid>[/download|/info]|/paths]]]][/][?path=|?glob=|?path_prefix=] */
function apiRoute(id: string, rest: string[], query: URLSearchParams, text: string): Target {
  if (rest.length === 0) return { dandisetId: id, version: null, kind: 'dandiset' };
  if (rest[0] !== 'versions') throw unknown(text);
  if (rest.length === 1) return { dandisetId: id, version: null, kind: 'dandiset' };
  const version = rest[1];
  if (!VERSION.test(version)) throw unknown(text, `"${version}" is not a version (draft or 0.YYMMDD.HHMM)`);
  const after = rest.slice(2);
  if (after.length === 0 || (after.length === 1 && after[0] === 'info'))
    return { dandisetId: id, version, kind: 'dandiset' };
  if (after[0] !== 'assets') throw unknown(text);
  if (after.length === 1) {
    const glob = query.get('glob');
    if (glob !== null) return { dandisetId: id, version, kind: 'glob', path: glob };
    const path = query.get('path');
    if (path !== null) return { dandisetId: id, version, kind: 'path-prefix', path };
    return { dandisetId: id, version, kind: 'dandiset' };
  }
  if (after[1] === 'paths' && after.length === 2) {
    const prefix = (query.get('path_prefix') ?? '').replace(/^\/+|\/+$/g, '');
    return prefix
      ? { dandisetId: id, version, kind: 'folder', path: `${prefix}/` }
      : { dandisetId: id, version, kind: 'dandiset' };
  }
  if (UUID.test(after[1]) && isAssetTail(after.slice(2))) {
    return { dandisetId: id, version, kind: 'asset-id', assetId: after[1].toLowerCase() };
  }
  throw unknown(text);
}

function isAssetTail(tail: string[]): boolean {
  return tail.length === 0 || (tail.length === 1 && (tail[0] === 'download' || tail[0] === 'info'));
}

/** dandi-cli's discovery: `<origin>/server-info` (the web UI's proxy of /info/), then `<origin>/api/info/`. */
async function discoverInstance(
  origin: string,
  viaApi: boolean,
  http: HttpGet,
  signal?: AbortSignal,
): Promise<DandiInstance | undefined> {
  const candidates = [`${origin}/server-info`, `${origin}/api/info/`];
  for (const url of candidates) {
    let response;
    try {
      response = await http(url, { method: 'GET', signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      continue;
    }
    if (response.status !== 200 || !isServerInfo(response.json)) continue;
    const fallbackApi = viaApi || url.endsWith('/api/info/') ? `${origin}/api` : undefined;
    const instance = instanceFromServerInfo(response.json, fallbackApi);
    if (instance) return instance;
  }
  return undefined;
}

function isServerInfo(value: unknown): value is ServerInfo {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Discovery through the HTTP layer with a short deadline; never sends credentials. */
export const defaultHttpGet: HttpGet = async (url, init) => {
  const response = await httpGet(url, {
    method: init.method,
    signal: init.signal,
    headers: { accept: 'application/json' },
    redirect: 'manual',
    headersTimeoutMs: 15_000,
    idleTimeoutMs: 15_000,
  });
  const location = response.headers.location;
  let json: unknown;
  try {
    json =
      init.method === 'GET' && response.status === 200
        ? JSON.parse(await readText(response, MAX_DISCOVERY_BYTES, init.signal))
        : (discard(response.body), undefined);
  } catch {
    json = undefined;
  }
  return { status: response.status, location, json };
};
