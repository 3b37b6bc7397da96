import { request } from 'undici';
import { startArchive } from '../../archive/server';
import { type ArchiveOptions, type StandInArchive } from '../../archive/types';

/** Shared helpers for the stand-in archive's own tests (real servers, real HTTP). */

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body when it is JSON, else undefined. */
  json: unknown;
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
  method: 'GET' | 'HEAD' | 'POST' = 'GET',
  body?: string,
): Promise<Reply> {
  const res = await request(url, { method, headers, body });
  const text = await res.body.text();
  let json: unknown;
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json') && text) json = JSON.parse(text);
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** GET that must answer 200 JSON. */
export async function getJson<T = Record<string, unknown>>(
  url: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const r = await get(url, headers);
  if (r.status !== 200) throw new Error(`GET ${url} -> ${r.status}: ${r.text.slice(0, 300)}`);
  return r.json as T;
}

export interface PageBody<T = Record<string, unknown>> {
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
}

export function header(r: Reply, name: string): string {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

export function tokenHeader(key: string): Record<string, string> {
  return { Authorization: `token ${key}` };
}

/** One archive per test file, with the real fixtures beside the checkout. */
export function useArchive(options: ArchiveOptions = {}): () => StandInArchive {
  let archive: StandInArchive | undefined;
  before(async function () {
    this.timeout(60_000);
    archive = await startArchive(options);
  });
  after(async () => {
    await archive?.close();
  });
  afterEach(() => {
    archive?.faults.reset();
  });
  return () => {
    if (!archive) throw new Error('archive not started');
    return archive;
  };
}

/** Presigned download URL of an asset (the API's 302 Location). */
export async function downloadLocation(
  archive: StandInArchive,
  assetId: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const r = await get(`${archive.apiUrl}/assets/${assetId}/download/`, headers);
  if (r.status !== 302) throw new Error(`download of ${assetId} -> ${r.status}: ${r.text}`);
  return header(r, 'location');
}

/** The generated Dandisets the test user `owner` owns: all but the curator's (the Zarr corpora). */
export function ownersIds(a: StandInArchive): string[] {
  const curators = new Set([a.ids.zarrCorpus, a.ids.omeLarge]);
  return Object.values(a.ids).filter(id => !curators.has(id));
}
