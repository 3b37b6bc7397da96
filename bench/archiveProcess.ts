/**
 * The stand-in archive in a child process, for benchmarks: a real server does not share the
 * client's event loop (in process, every byte it sends is paid for by the thread under test).
 * Needs dist/tools/archive.js (`node esbuild.mjs --only=tools,bench`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import type { SourceSpec } from '../src/hdf5/types';

export interface ArchiveProcess {
  apiUrl: string;
  webUrl: string;
  controlUrl: string;
  ids: { large: string; scale: string; corpus: string };
  child: ChildProcess;
}

export async function startArchiveProcess(args: string[]): Promise<ArchiveProcess> {
  if (!existsSync('dist/tools/archive.js'))
    throw new Error('build the tools first: node esbuild.mjs --only=tools,bench');
  const child = spawn(process.execPath, ['dist/tools/archive.js', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.trim().startsWith('{')) return { ...(JSON.parse(line) as Omit<ArchiveProcess, 'child'>), child };
  }
  throw new Error('the archive exited before printing its JSON line');
}

/** POSTs to the archive's control endpoint: `faults` (a fault configuration) or `reset`. */
export async function controlArchive(
  archive: Pick<ArchiveProcess, 'controlUrl'>,
  path: 'faults' | 'reset',
  body?: object,
): Promise<void> {
  const res = await request(`${archive.controlUrl}/${path}`, {
    method: 'POST',
    body: body ? JSON.stringify(body) : '',
    headers: { 'content-type': 'application/json' },
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`control ${path} answered ${res.statusCode}`);
}

export interface Counted {
  ms: number;
  requests: number;
  bytes: number;
  /** Of `ms`, what the engine sat blocked on bytes (SourceStats.waitMs), where measured. */
  waitMs?: number;
}

/** Times `work` whole and counts what the archive served meanwhile (its log, cleared first). */
export async function counted(archive: ArchiveProcess, work: () => Promise<unknown>): Promise<Counted> {
  const cleared = await request(`${archive.controlUrl}/clear-log`, { method: 'POST', body: '' });
  await cleared.body.dump();
  const started = performance.now();
  await work();
  const ms = Math.round(performance.now() - started);
  const log = (await (await request(`${archive.controlUrl}/log`)).body.json()) as { bytes: number }[];
  return { ms, requests: log.length, bytes: log.reduce((n, e) => n + e.bytes, 0) };
}

/**
 * The transfer alone: plain ranged GETs of the first `bytes` bytes at `url` (undici, on a
 * connection opened by an untimed 1-byte GET before, as the engine's pool has one open; the body
 * counted and dropped), timed from the request to the last byte. What any client pays to move
 * those bytes from this archive on this machine, before reading any. More bytes than the file's
 * `size` (an engine that fetched some twice) take one GET per file's worth.
 */
export async function plainGetMs(url: string, bytes: number, size: number): Promise<Counted> {
  const pool = new Agent();
  try {
    await (await request(url, { headers: { range: 'bytes=0-0' }, dispatcher: pool })).body.dump();
    const started = performance.now();
    let requests = 0;
    for (let left = bytes; left > 0; left -= size) {
      const length = Math.min(left, size);
      const res = await request(url, { headers: { range: `bytes=0-${length - 1}` }, dispatcher: pool });
      requests++;
      let received = 0;
      for await (const chunk of res.body) received += (chunk as Buffer).length;
      if (res.statusCode !== 206 || received !== length)
        throw new Error(`the plain GET answered ${res.statusCode} with ${received} of ${length} bytes`);
    }
    return { ms: performance.now() - started, requests, bytes };
  } finally {
    await pool.close();
  }
}

/** An asset as the stand-in archive serves it: how the engine opens it, and its blob URL. */
export interface ServedAsset {
  path: string;
  size: number;
  spec: SourceSpec;
  url: string;
}

/** The assets of `dandiset` on the stand-in archive (draft version). */
export async function servedAssets(archive: ArchiveProcess, dandiset: string): Promise<ServedAsset[]> {
  const response = await request(
    `${archive.apiUrl}/dandisets/${dandiset}/versions/draft/assets/?page_size=1000&metadata=true`,
  );
  const body = (await response.body.json()) as {
    results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
  };
  return body.results.map(a => {
    const url = a.metadata.contentUrl[1];
    const spec: SourceSpec = {
      kind: 'dandi',
      apiUrl: archive.apiUrl,
      assetId: a.asset_id,
      size: a.size,
      identity: `bench:${a.asset_id}`,
      blobUrl: url,
    };
    return { path: a.path, size: a.size, spec, url };
  });
}
