// HDF5 engine benchmark: requests, bytes and wall time over the stand-in archive with 50 ms of
// latency, against a baseline measured in the same run (fixed 100 KiB blocks, one request per
// missing block, no prefetch, no coalescing, no persistent cache). One JSON object per line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { controlArchive, startArchiveProcess, type ArchiveProcess } from './archiveProcess';
import { ensureLargeEphys, repoRoot } from '../test/fixtures/nwbgen';
import { ensureScatteredMetadata } from '../test/fixtures/nwbgen/scattered';
import { openHdf5 } from '../src/hdf5/engine';
import { spareWorkerStarted } from '../src/hdf5/workerPool';
import type { Hdf5File, OpenOptions, SourceSpec } from '../src/hdf5/types';

const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'nwb');
const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const PLUGINS = resolve(process.cwd(), 'dist', 'h5plugins');
const FILES = [
  'nwblinkml__aibs.nwb',
  'neuroconv__nwb_test.nwb',
  'ipfx__2018_03_20_0005.nwb',
  'mies__AB_SweepsFromMultipleDevices-V2.nwb',
];
const LATENCY_MS = 50;
/** The walk is timed this many times per reader, alternating, and the median reported (2 noisy cores). */
const WALK_RUNS = 5;
type Policy = 'adaptive' | 'fixed-100k';

const progress = (text: string) => process.stderr.write(`[hdf5.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

interface Measure {
  requests: number;
  bytes: number;
  /** Open (worker start, h5wasm start-up, first reads) plus the work. */
  wallMs: number;
  /** The work alone, after openHdf5 resolved. */
  workMs?: number;
}

/** (b) as the engine offers it: every entry, attribute and dataset info in one call. */
async function walkBulk(file: Hdf5File): Promise<void> {
  const snapshot = await file.walk('/');
  if (snapshot.truncated) throw new Error('the walk was truncated');
}

/** The same metadata asked for object by object, as a viewer expanding every node would. */
async function walkAll(file: Hdf5File, path = '/'): Promise<void> {
  await file.attributes(path);
  for (const entry of await file.list(path)) {
    if (entry.kind === 'group') await walkAll(file, entry.path);
    else if (entry.kind === 'dataset') {
      await file.attributes(entry.path);
      await file.datasetInfo(entry.path);
    }
  }
}

/** Opens, runs `work`, closes; counts everything the source saw (redirects included). */
async function measure(
  spec: SourceSpec,
  policy: Policy,
  work: (file: Hdf5File) => Promise<void>,
  extra: OpenOptions = {},
): Promise<Measure> {
  // The previous close started a spare worker; both readers open through it once it has started
  // and warmed up (as a user's next open finds it, seconds after the last close).
  await spareWorkerStarted(WORKER, PLUGINS);
  const started = performance.now();
  const file = await openHdf5(spec, { workerPath: WORKER, blockPolicy: policy, ...extra });
  try {
    const opened = performance.now();
    await work(file);
    const stats = file.stats();
    const now = performance.now();
    return {
      requests: stats.requests,
      bytes: stats.bytesFetched,
      wallMs: Math.round(now - started),
      workMs: Math.round(now - opened),
    };
  } finally {
    await file.close();
  }
}

/** The run with the median wall time (requests and bytes do not vary between runs). */
function median(runs: Measure[]): Measure {
  const sorted = [...runs].sort((x, y) => x.wallMs - y.wallMs);
  return sorted[Math.floor(sorted.length / 2)];
}

interface AssetRow {
  id: string;
  size: number;
  /** The unsigned S3 URL (`contentUrl[1]`), as the tree's paths listing gives it. */
  blobUrl: string;
}

async function assetsOf(archive: ArchiveProcess, dandiset: string): Promise<Map<string, AssetRow>> {
  const response = await fetch(
    `${archive.apiUrl}/dandisets/${dandiset}/versions/draft/assets/?page_size=1000&metadata=true`,
  );
  const body = (await response.json()) as {
    results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
  };
  return new Map(
    body.results.map(a => [
      a.path.split('/').pop() as string,
      { id: a.asset_id, size: a.size, blobUrl: a.metadata.contentUrl[1] },
    ]),
  );
}

/** As the extension opens an open asset from the tree: id, size, identity and blob URL are known. */
function specOf(archive: ArchiveProcess, asset: AssetRow): SourceSpec {
  return {
    kind: 'dandi',
    apiUrl: archive.apiUrl,
    assetId: asset.id,
    size: asset.size,
    identity: `bench:${asset.id}`,
    blobUrl: asset.blobUrl,
  };
}

function compare(
  bench: string,
  file: string,
  ours: Measure,
  base: Measure,
  target: string,
  met: boolean,
  extra: Record<string, unknown> = {},
): void {
  emit({
    bench,
    file,
    requests: ours.requests,
    bytes: ours.bytes,
    wallMs: ours.wallMs,
    baselineRequests: base.requests,
    baselineBytes: base.bytes,
    baselineWallMs: base.wallMs,
    workMs: ours.workMs,
    baselineWorkMs: base.workMs,
    latencyMs: LATENCY_MS,
    target,
    met,
    ...extra,
  });
}

async function main(): Promise<void> {
  progress('making sure the 1 GiB file exists (generated once, slow: several minutes)');
  const large = await ensureLargeEphys();
  progress(`large file ${large.path} (${large.size} bytes)`);
  progress('making sure the scattered-metadata file exists (generated once)');
  const scattered = await ensureScatteredMetadata(
    join(repoRoot(), '.cache', 'bench', 'scattered-metadata.nwb'),
  );
  progress(
    `scattered-metadata file ${scattered.path} (${scattered.size} bytes, ${scattered.objects} typed objects)`,
  );
  // In its own process, as a real server is: its sending does not take the engine's thread.
  const archive = await startArchiveProcess([
    '--corpus',
    FIXTURES,
    '--large',
    large.path,
    '--large',
    scattered.path,
  ]);
  const cacheRoot = mkdtempSync(join(tmpdir(), 'hdf5-bench-'));
  try {
    const corpus = await assetsOf(archive, archive.ids.corpus);
    const largeAssets = await assetsOf(archive, archive.ids.large);
    const scatteredName = basename(scattered.path);
    const targets = [
      ...FILES.map(name => ({ name, asset: corpus.get(name) })),
      { name: scatteredName, asset: largeAssets.get(scatteredName) },
      { name: 'ecephys-1gib.nwb', asset: largeAssets.get('ecephys-1gib.nwb') },
    ];
    // Warm-up, so that neither reader pays for the first start in the process: a local walk
    // compiles h5wasm once and lets V8 optimize it (later workers share the code), and the close
    // leaves a started spare worker, as every open after a close finds one.
    const warmUp = await openHdf5({ kind: 'local', path: scattered.path }, { workerPath: WORKER });
    await warmUp.walk('/');
    await warmUp.close();
    await controlArchive(archive, 'faults', { latencyMs: LATENCY_MS });
    for (const { name, asset } of process.env.HDF5_BENCH_ONLY_LARGE ? [] : targets) {
      if (!asset) throw new Error(`${name} is not served by the stand-in archive`);
      const spec = specOf(archive, asset);
      progress(`${name}: list root`);
      const listRoot = async (f: Hdf5File) => void (await f.list('/'));
      const [a, aBase] = [
        await measure(spec, 'adaptive', listRoot),
        await measure(spec, 'fixed-100k', listRoot),
      ];
      compare('hdf5.listRoot', name, a, aBase, 'report only', true);

      progress(`${name}: metadata walk`);
      const [oursRuns, baseRuns]: [Measure[], Measure[]] = [[], []];
      for (let run = 0; run < WALK_RUNS; run++) {
        oursRuns.push(await measure(spec, 'adaptive', walkBulk));
        baseRuns.push(await measure(spec, 'fixed-100k', walkBulk));
      }
      const [b, bBase] = [median(oursRuns), median(baseRuns)];
      const bMet = b.requests * 3 <= bBase.requests && b.wallMs * 3 <= bBase.wallMs;
      compare(
        'hdf5.metadataWalk',
        name,
        b,
        bBase,
        '>= 3x fewer requests and >= 3x less wall time than baseline (medians)',
        bMet,
        {
          requestRatio: +(bBase.requests / Math.max(1, b.requests)).toFixed(2),
          wallRatio: +(bBase.wallMs / Math.max(1, b.wallMs)).toFixed(2),
          runs: WALK_RUNS,
          wallMsRuns: oursRuns.map(r => r.wallMs),
          baselineWallMsRuns: baseRuns.map(r => r.wallMs),
        },
      );
      const [p, pBase] = [
        await measure(spec, 'adaptive', walkAll),
        await measure(spec, 'fixed-100k', walkAll),
      ];
      compare('hdf5.metadataWalkPerCall', name, p, pBase, 'report only (one engine call per object)', true, {
        requestRatio: +(pBase.requests / Math.max(1, p.requests)).toFixed(2),
        wallRatio: +(pBase.wallMs / Math.max(1, p.wallMs)).toFixed(2),
      });

      progress(`${name}: second open with the persistent metadata cache`);
      const cacheDir = join(cacheRoot, name);
      await measure(spec, 'adaptive', walkAll, { metadataCacheDir: cacheDir });
      const d = await measure(spec, 'adaptive', walkAll, { metadataCacheDir: cacheDir });
      const dBase = await measure(spec, 'fixed-100k', walkAll, { metadataCacheDir: cacheDir });
      compare(
        'hdf5.secondOpen',
        name,
        d,
        dBase,
        'zero requests when opened again (same metadata calls)',
        d.requests === 0,
      );
    }

    // HDF5_BENCH_WALK_ONLY=1 stops here (quick runs while tuning the metadata path).
    if (process.env.HDF5_BENCH_WALK_ONLY) return;
    const largeAsset = largeAssets.get('ecephys-1gib.nwb');
    if (!largeAsset) throw new Error('large asset missing');
    const spec = specOf(archive, largeAsset);
    await benchWindow(spec, large);
    await controlArchive(archive, 'faults', { latencyMs: 0 });
    await benchEndToEnd(spec, large);
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
    archive.child.kill('SIGTERM');
  }
}

type LargeInfo = Awaited<ReturnType<typeof ensureLargeEphys>>;

/** (c) 10 s of one channel: bytes against the chunks holding the window plus their metadata. */
async function benchWindow(spec: SourceSpec, large: LargeInfo): Promise<void> {
  progress('1 GiB file: 10 s window of one channel');
  const samples = 10 * large.rate;
  const startSample = 3 * large.rate + 1234;
  const channel = 17;
  const selection = { start: [startSample, channel], count: [samples, 1] };
  const dataPath = `${large.seriesPath}/data`;
  const window = (policy: Policy) => {
    let before: Measure = { requests: 0, bytes: 0, wallMs: 0 };
    let started = 0;
    return measure(spec, policy, async file => {
      await file.datasetInfo(dataPath);
      const s = file.stats();
      before = { requests: s.requests, bytes: s.bytesFetched, wallMs: 0 };
      started = performance.now();
      await file.read(dataPath, selection);
    }).then(total => ({
      requests: total.requests - before.requests,
      bytes: total.bytes - before.bytes,
      wallMs: Math.round(performance.now() - started),
    }));
  };
  const ours = await window('adaptive');
  const base = await window('fixed-100k');
  const [chunkRows] = large.chunks;
  const chunksTouched =
    Math.floor((startSample + samples - 1) / chunkRows) - Math.floor(startSample / chunkRows) + 1;
  const totalChunks = Math.ceil(large.shape[0] / chunkRows) * Math.ceil(large.shape[1] / large.chunks[1]);
  // The file is almost all chunk data: its size over the chunk count bounds the mean compressed chunk.
  const meanChunkBytes = large.size / totalChunks;
  const metadataAllowance = 256 * 1024;
  const bound = Math.ceil(chunksTouched * meanChunkBytes + metadataAllowance);
  compare(
    'hdf5.window10s',
    'ecephys-1gib.nwb',
    ours,
    base,
    'bytes <= chunks holding the window + metadata to find them',
    ours.bytes <= bound,
    {
      boundBytes: bound,
      chunksTouched,
      meanCompressedChunkBytes: Math.round(meanChunkBytes),
      metadataAllowanceBytes: metadataAllowance,
      chunkShape: large.chunks,
      dtype: large.dtype,
    },
  );
}

/** Reads the whole series in blocks with a 64 MiB cache: peak cache bytes and RSS. */
async function benchEndToEnd(spec: SourceSpec, large: LargeInfo): Promise<void> {
  progress('1 GiB file: end-to-end read with a 64 MiB cache bound (no injected latency)');
  const bound = 64 * 1024 * 1024;
  const block = large.chunks[0] * 8;
  let peakRss = 0;
  let checksum = 0;
  const result = await measure(
    spec,
    'adaptive',
    async file => {
      for (let start = 0; start < large.shape[0]; start += block) {
        const count = Math.min(block, large.shape[0] - start);
        const read = await file.read(`${large.seriesPath}/data`, {
          start: [start, 0],
          count: [count, large.shape[1]],
        });
        const data = read.data as Int16Array;
        checksum = (checksum + data[0] + data[data.length - 1]) | 0;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (start % (block * 16) === 0) progress(`  ${Math.round((100 * start) / large.shape[0])}%`);
      }
      const stats = file.stats();
      emit({
        bench: 'hdf5.endToEndMemory',
        file: 'ecephys-1gib.nwb',
        cacheBoundBytes: bound,
        peakCacheBytes: stats.peakCacheBytes,
        peakRssBytes: peakRss,
        requests: stats.requests,
        bytes: stats.bytesFetched,
        checksum,
        target: 'peak block cache bytes <= configured bound',
        met: (stats.peakCacheBytes ?? Infinity) <= bound,
      });
    },
    { cacheBytes: bound, deadlineMs: 120_000 },
  );
  progress(`  end to end: ${result.requests} requests, ${result.bytes} bytes, ${result.wallMs} ms`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
