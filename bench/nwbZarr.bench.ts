// NWB-Zarr overview at 50 ms latency through the stand-in archive (its own process), counted by
// the archive's request log: the AIND NWB-Zarr asset of Dandiset 990010 opened as the viewer opens
// it (the reader with its metadata cache, the adapter with its kept small values), cold and warm,
// against the peer in the same run: Debian's python3-zarr 2.13 + fsspec without consolidated
// metadata, reading every object's .zarray/.zgroup and .zattrs one by one and then the same
// scalar fields. One JSON object per line.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { NwbFile } from '../src/nwb/nwbFile';
import { nwbOverview } from '../src/nwb/overview';
import { ZarrNwbBackend } from '../src/nwbzarr/backend';
import { ValueCache } from '../src/nwbzarr/valueCache';
import { openZarr } from '../src/zarr/reader';
import type { ZarrStoreSpec } from '../src/zarr/types';
import { ensureDebianPackages } from '../test/support/debianPackages';
import { controlArchive, startArchiveProcess, type ArchiveProcess } from './archiveProcess';
import { NWB, nwbZarrAsset } from './nwbZarrAsset';

const LATENCY_MS = 50;
const PYTHON = '/usr/bin/python3';
/** The overview's scalar fields in this store (what the peer reads after the metadata). */
const SCALARS = [
  'session_description',
  'identifier',
  'session_start_time',
  'timestamps_reference_time',
  'file_create_date',
  'general/session_id',
  'general/institution',
  'general/subject/subject_id',
  'general/subject/species',
  'general/subject/sex',
  'general/subject/age',
  'general/subject/date_of_birth',
  'general/subject/genotype',
];

const progress = (text: string) => process.stderr.write(`[nwbZarr.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

interface Measure {
  requests: number;
  /** Requests for .zmetadata, .zgroup, .zarray, .zattrs and zarr.json. */
  metadataRequests: number;
  bytes: number;
  wallMs: number;
}

const METADATA_KEY = /\/(\.zmetadata|\.zgroup|\.zarray|\.zattrs|zarr\.json)(\?|$)/;

/** Runs `work` with a clean log; requests and bytes are what the archive saw. */
async function measure(archive: ArchiveProcess, work: () => Promise<void>): Promise<Measure> {
  const cleared = await request(`${archive.controlUrl}/clear-log`, { method: 'POST', body: '' });
  await cleared.body.dump();
  const start = performance.now();
  await work();
  const wallMs = Math.round(performance.now() - start);
  const res = await request(`${archive.controlUrl}/log`);
  const entries = (await res.body.json()) as { url: string; bytes: number }[];
  return {
    requests: entries.length,
    metadataRequests: entries.filter(e => METADATA_KEY.test(e.url)).length,
    bytes: entries.reduce((n, e) => n + e.bytes, 0),
    wallMs,
  };
}

/** The overview as the viewer shows it; the same cache folder makes a second one warm. */
async function overview(spec: ZarrStoreSpec, cacheDir: string): Promise<number> {
  const zarr = await openZarr(spec, { metadataCacheDir: cacheDir });
  const identity = spec.kind === 'dandi' ? `dandi-zarr:${spec.zarrId}:${spec.checksum ?? ''}` : 'bench';
  const backend = new ZarrNwbBackend(
    zarr,
    await ValueCache.load(join(cacheDir, 'values'), identity, 1 << 26),
  );
  const result = await nwbOverview(new NwbFile(backend));
  await backend.close();
  return result.fields.length + result.subject.length;
}

const PEER_SCRIPT = `
import json, sys, aiohttp, zarr
from zarr.storage import FSStore
# S3 (and the stand-in) answers 403 for a missing key: absent, as 404 is.
mapper = FSStore(sys.argv[1], mode='r', exceptions=(KeyError, PermissionError, IOError, aiohttp.ClientResponseError))
paths, scalars = json.load(sys.stdin)
for p in paths:
    node = zarr.open(mapper, mode='r', path=p) if p else zarr.open_group(mapper, mode='r')
    dict(node.attrs)
values = [zarr.open(mapper, mode='r', path=p)[:].tolist() for p in scalars]
print(len(values))
`;

async function peer(baseUrl: string, paths: string[]): Promise<void> {
  const run = promisify(execFile)(PYTHON, ['-c', PEER_SCRIPT, baseUrl], { maxBuffer: 1 << 26 });
  run.child.stdin?.end(JSON.stringify([paths, SCALARS]));
  await run;
}

async function main(): Promise<void> {
  ensureDebianPackages(['python3-zarr', 'python3-numcodecs', 'python3-fsspec', 'python3-aiohttp']);
  const archive = await startArchiveProcess([]);
  const cacheDir = mkdtempSync(join(tmpdir(), 'nwbzarr-bench-'));
  try {
    const { spec, baseUrl, paths } = await nwbZarrAsset(archive);
    await controlArchive(archive, 'faults', { latencyMs: LATENCY_MS });

    progress('ours, cold');
    const cold = await measure(archive, () => overview(spec, cacheDir).then(() => undefined));
    progress('ours, warm');
    const warm = await measure(archive, () => overview(spec, cacheDir).then(() => undefined));
    progress(`peer: python3-zarr + fsspec, ${paths.length} objects one by one`);
    const py = await measure(archive, () => peer(baseUrl, paths));
    emit({
      bench: 'nwbZarr.overview',
      file: NWB,
      latencyMs: LATENCY_MS,
      coldRequests: cold.requests,
      coldMetadataRequests: cold.metadataRequests,
      coldBytes: cold.bytes,
      coldWallMs: cold.wallMs,
      warmRequests: warm.requests,
      warmBytes: warm.bytes,
      warmWallMs: warm.wallMs,
      peerRequests: py.requests,
      peerMetadataRequests: py.metadataRequests,
      peerBytes: py.bytes,
      peerWallMs: py.wallMs,
      peer: 'python3-zarr 2.13 + fsspec, every .zarray/.zgroup/.zattrs one by one, then the scalars',
      target: 'one metadata request cold (.zmetadata), no request warm',
      met: cold.metadataRequests === 1 && warm.requests === 0,
    });
  } finally {
    archive.child.kill();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
