// Zarr reading at 50 ms latency through the stand-in archive (in its own process), counted by the
// archive's own request log:
// - the NWB-Zarr fixture's hierarchy: this reader (consolidated `.zmetadata`) against reading every
//   `.zgroup`/`.zarray`/`.zattrs` one by one (level by level, in parallel) and against the peer,
//   Debian's python3-zarr 2.13 + fsspec + aiohttp (`zarr.open_consolidated` and a walk);
// - one array (the eye-tracking table's 763,524 timestamps, 16 chunks), ours against the peer.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { joinKey } from '../src/zarr/hierarchy';
import { openZarr } from '../src/zarr/reader';
import { HttpStore } from '../src/zarr/stores';
import type { ZarrReader } from '../src/zarr/types';
import { WorkerDecoder } from '../src/zarr/workerDecoder';
import { ensureDebianPackages } from '../test/support/debianPackages';
import { controlArchive, startArchiveProcess, type ArchiveProcess } from './archiveProcess';
import { NWB, nwbZarrAsset } from './nwbZarrAsset';

const LATENCY_MS = 50;
const COLUMN = 'processing/eye_tracking/eye_tracking/timestamps';
const PYTHON = '/usr/bin/python3';

const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));
const progress = (text: string) => console.error(text);

interface Measure {
  requests: number;
  bytes: number;
  wallMs: number;
}

async function logged(archive: ArchiveProcess): Promise<{ requests: number; bytes: number }> {
  const res = await request(`${archive.controlUrl}/log`);
  const entries = (await res.body.json()) as { bytes: number }[];
  return { requests: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
}

/** Runs `work` with a clean log; requests and bytes are what the archive saw. */
async function measure(archive: ArchiveProcess, work: () => Promise<void>): Promise<Measure> {
  const cleared = await request(`${archive.controlUrl}/clear-log`, { method: 'POST', body: '' });
  await cleared.body.dump();
  const start = performance.now();
  await work();
  const wallMs = Math.round(performance.now() - start);
  return { ...(await logged(archive)), wallMs };
}

async function walk(reader: ZarrReader, path = ''): Promise<number> {
  let count = 1;
  for (const child of await reader.children(path))
    count += child.kind === 'group' ? await walk(reader, child.path) : 1;
  return count;
}

/** The baseline: each node's documents fetched one by one, a level at a time (paths known up front). */
async function oneByOne(baseUrl: string, paths: string[]): Promise<void> {
  const store = new HttpStore(baseUrl);
  const depth = (p: string) => (p ? p.split('/').length : 0);
  const levels = Math.max(...paths.map(depth));
  for (let level = 0; level <= levels; level++) {
    await Promise.all(
      paths
        .filter(p => depth(p) === level)
        .map(async p => {
          const array = await store.get(`/${joinKey(p, '.zarray')}`);
          if (!array) await store.get(`/${joinKey(p, '.zgroup')}`);
          await store.get(`/${joinKey(p, '.zattrs')}`);
        }),
    );
  }
}

const PEER_SCRIPT = `
import sys, fsspec, zarr
mapper = fsspec.get_mapper(sys.argv[1])
root = zarr.open_consolidated(mapper, mode='r')
if sys.argv[2] == 'walk':
    n = [0]
    def visit(name, obj):
        n[0] += 1
        dict(obj.attrs)
    root.visititems(visit)
    print(n[0])
else:
    print(float(root[sys.argv[2]][:].sum()))
`;

async function peer(baseUrl: string, what: string): Promise<string> {
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', PEER_SCRIPT, baseUrl, what], {
    maxBuffer: 1 << 26,
  });
  return stdout.trim();
}

async function main(): Promise<void> {
  ensureDebianPackages(['python3-zarr', 'python3-numcodecs', 'python3-fsspec', 'python3-aiohttp']);
  const archive = await startArchiveProcess([]);
  try {
    const { spec, baseUrl, paths } = await nwbZarrAsset(archive);
    await controlArchive(archive, 'faults', { latencyMs: LATENCY_MS });

    progress(`hierarchy of ${NWB} (${paths.length} nodes)`);
    let nodes = 0;
    const ours = await measure(archive, async () => {
      nodes = await walk(await openZarr(spec));
    });
    const byOne = await measure(archive, () => oneByOne(baseUrl, paths));
    let peerNodes = '';
    const py = await measure(archive, async () => {
      peerNodes = await peer(baseUrl, 'walk');
    });
    emit({
      bench: 'zarr.hierarchy',
      file: NWB,
      nodes,
      peerNodes: Number(peerNodes),
      requests: ours.requests,
      bytes: ours.bytes,
      wallMs: ours.wallMs,
      baselineRequests: byOne.requests,
      baselineBytes: byOne.bytes,
      baselineWallMs: byOne.wallMs,
      peerRequests: py.requests,
      peerBytes: py.bytes,
      peerWallMs: py.wallMs,
      latencyMs: LATENCY_MS,
      target: 'one request when .zmetadata exists',
      met: ours.requests === 1,
    });

    progress(`one array: ${COLUMN}`);
    let sum = 0;
    const decoder = new WorkerDecoder(resolve('dist', 'zarrWorker.js'));
    const read = await measure(archive, async () => {
      const reader = await openZarr(spec, { decoder });
      const { values } = await reader.read(COLUMN, []);
      sum = (values as Float64Array).reduce((a, b) => a + b, 0);
      await reader.close();
    });
    let peerSum = '';
    const pyRead = await measure(archive, async () => {
      peerSum = await peer(baseUrl, COLUMN);
    });
    emit({
      bench: 'zarr.readArray',
      file: `${NWB}/${COLUMN}`,
      sum,
      peerSum: Number(peerSum),
      requests: read.requests,
      bytes: read.bytes,
      wallMs: read.wallMs,
      peerRequests: pyRead.requests,
      peerBytes: pyRead.bytes,
      peerWallMs: pyRead.wallMs,
      latencyMs: LATENCY_MS,
      target: 'metadata plus the 16 chunks, no listing',
      met: read.requests === 17 && Math.abs(sum - Number(peerSum)) < 1e-6 * Math.abs(sum),
    });
  } finally {
    archive.child.kill();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
