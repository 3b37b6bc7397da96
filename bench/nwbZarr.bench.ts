// NWB-Zarr overview benchmark: requests, bytes and wall time to the NWB overview of the AIND
// NWB-Zarr store served by key over HTTP with 50 ms of latency, cold (no metadata cache) and warm
// (reopened with it), against the peer in the same run: Debian's python3-zarr over fsspec without
// consolidated metadata, which finds the hierarchy by listing and reads every .zgroup, .zarray
// and .zattrs one by one, then the same scalar values. One JSON object per line.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NwbFile } from '../src/nwb/nwbFile';
import { nwbOverview } from '../src/nwb/overview';
import { ZarrNwbBackend } from '../src/nwbzarr/backend';
import { ValueCache } from '../src/nwbzarr/valueCache';
import { openZarr } from '../src/zarr/reader';
import { ensureDebianPackages } from '../test/support/debianPackages';

const STORE = resolve(
  process.cwd(),
  '..',
  'shared',
  'fixtures',
  'zarr',
  'aind__multiplane-ophys_eye-tracking.nwb.zarr',
);
const LATENCY_MS = 50;
const PYTHON = '/usr/bin/python3';

const progress = (text: string) => process.stderr.write(`[nwbZarr.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

interface Counter {
  requests: number;
  /** Requests for .zmetadata, .zgroup, .zarray, .zattrs, zarr.json and folder listings. */
  metadataRequests: number;
  bytes: number;
}

const METADATA_KEY = /(^|\/)(\.zmetadata|\.zgroup|\.zarray|\.zattrs|zarr\.json)$|\/$/;

/**
 * The store's files by key, each answer after LATENCY_MS, as S3 serves a Zarr prefix; a folder
 * answers an HTML index of its entries (what fsspec's HTTP file system lists), 404 when missing.
 */
function serveStore(root: string, counter: Counter): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    counter.requests++;
    const key = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (METADATA_KEY.test(key)) counter.metadataRequests++;
    const file = join(root, key);
    setTimeout(() => {
      if (!file.startsWith(root) || key.split('/').includes('..')) {
        res.writeHead(400).end();
        return;
      }
      let stat;
      try {
        stat = statSync(file);
      } catch {
        res.writeHead(404).end();
        return;
      }
      if (stat.isDirectory()) {
        const base = key.endsWith('/') ? key : `${key}/`;
        const links = readdirSync(file)
          .map(
            name =>
              `<a href="${base}${name}${statSync(join(file, name)).isDirectory() ? '/' : ''}">${name}</a>`,
          )
          .join('\n');
        const body = Buffer.from(`<html><body>\n${links}\n</body></html>`);
        counter.bytes += body.length;
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length }).end(body);
        return;
      }
      counter.bytes += stat.size;
      res.writeHead(200, { 'content-length': stat.size, 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    }, LATENCY_MS);
  });
  return new Promise(done =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      done({ server, url: `http://127.0.0.1:${port}/` });
    }),
  );
}

/**
 * One overview as the viewer opens a store: the reader with its metadata cache, the adapter with
 * its kept small values; the same cache folder makes a second one warm.
 */
async function ourOverview(baseUrl: string, cacheDir: string): Promise<{ wallMs: number }> {
  const identity = 'aind-bench';
  const started = performance.now();
  const zarr = await openZarr({ kind: 'http', baseUrl, identity }, { metadataCacheDir: cacheDir });
  const values = await ValueCache.load(join(cacheDir, 'values'), identity, 64 * 1024 * 1024);
  const backend = new ZarrNwbBackend(zarr, values);
  await nwbOverview(new NwbFile(backend));
  const wallMs = performance.now() - started;
  await backend.close();
  return { wallMs };
}

const PEER = `
import sys, time, zarr
from zarr.storage import FSStore
start = time.time()
root = zarr.open_group(FSStore(sys.argv[1]), mode='r')
def visit(group):
    dict(group.attrs)
    for name, array in group.arrays():
        dict(array.attrs)
    for name, child in group.groups():
        visit(child)
visit(root)
for path in ['session_description', 'identifier', 'session_start_time', 'timestamps_reference_time',
             'file_create_date', 'general/session_id', 'general/institution', 'general/subject/subject_id',
             'general/subject/species', 'general/subject/sex', 'general/subject/age',
             'general/subject/date_of_birth', 'general/subject/genotype']:
    root[path][:]
print(round((time.time() - start) * 1000))
`;

async function main(): Promise<void> {
  ensureDebianPackages(['python3-zarr', 'python3-numcodecs', 'python3-fsspec', 'python3-aiohttp']);
  const counter: Counter = { requests: 0, metadataRequests: 0, bytes: 0 };
  const { server, url } = await serveStore(STORE, counter);
  const cacheDir = mkdtempSync(join(tmpdir(), 'nwbzarr-bench-'));
  try {
    const measure = async (run: () => Promise<{ wallMs: number }>) => {
      Object.assign(counter, { requests: 0, metadataRequests: 0, bytes: 0 });
      const { wallMs } = await run();
      return { ...counter, wallMs: Math.round(wallMs) };
    };
    progress('ours, cold');
    const cold = await measure(() => ourOverview(url, cacheDir));
    progress('ours, warm (metadata cache)');
    const warm = await measure(() => ourOverview(url, cacheDir));
    progress('peer: python3-zarr + fsspec without consolidated metadata');
    const peer = await measure(async () => {
      // The server shares this event loop, so the peer runs asynchronously beside it.
      const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>(done => {
        const out = { stdout: '', stderr: '' };
        const proc = spawn(PYTHON, ['-c', PEER, url]);
        proc.stdout?.on('data', (d: Buffer) => (out.stdout += d));
        proc.stderr?.on('data', (d: Buffer) => (out.stderr += d));
        proc.on('close', (status: number | null) => done({ status, ...out }));
      });
      if (child.status !== 0) throw new Error(`the python3-zarr peer failed: ${child.stderr}`);
      return { wallMs: Number(child.stdout.trim()) };
    });
    emit({
      bench: 'nwbZarr.overview',
      file: 'aind__multiplane-ophys_eye-tracking.nwb.zarr',
      latencyMs: LATENCY_MS,
      coldRequests: cold.requests,
      coldMetadataRequests: cold.metadataRequests,
      coldBytes: cold.bytes,
      coldWallMs: cold.wallMs,
      warmRequests: warm.requests,
      warmMetadataRequests: warm.metadataRequests,
      warmBytes: warm.bytes,
      warmWallMs: warm.wallMs,
      peerRequests: peer.requests,
      peerMetadataRequests: peer.metadataRequests,
      peerBytes: peer.bytes,
      peerWallMs: peer.wallMs,
      peer: 'python3-zarr 2.13 + fsspec, no consolidated metadata',
      target: 'one metadata request cold (.zmetadata), no request warm',
      met: cold.metadataRequests === 1 && warm.requests === 0,
    });
  } finally {
    server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
