/**
 * Tree loading at 50 ms injected latency on the generated 11,200-asset Dandiset (ids.scale):
 * requests and wall time to open each folder level completely and to reveal a deep asset, for
 * our client (page_size=1000, pages after the first fetched 4 at a time) against a naive client
 * (page_size=100, pages one after another, reveal level after level) measured in the same run.
 * One JSON object per line.
 *
 *   node esbuild.mjs --only=bench --filter=tree && node dist/bench/tree.bench.js
 */
import { DandiClient } from '../src/dandi/client';
import { BrowseModel } from '../src/tree/browseModel';
import { startArchive } from '../test/archive/server';
import type { StandInArchive } from '../test/archive/types';

const LATENCY_MS = 50;
const note = (message: string): void => void process.stderr.write(`[tree.bench] ${message}\n`);
const emit = (result: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify(result)}\n`);

interface Variant {
  pageSize: number;
  concurrency: number;
  /** Reveal asks for all levels at once (ours) or one level after another (naive). */
  prefetch: boolean;
}
const OURS: Variant = { pageSize: 1000, concurrency: 4, prefetch: true };
const NAIVE: Variant = { pageSize: 100, concurrency: 1, prefetch: false };

function client(archive: StandInArchive, v: Variant): DandiClient {
  return new DandiClient({
    instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
    pageSize: v.pageSize,
    concurrency: v.concurrency,
  });
}

/** Requests of one run and the median wall time of three (fresh clients: nothing cached between runs). */
async function measure(
  archive: StandInArchive,
  fn: () => Promise<number>,
): Promise<{ requests: number; wallMs: number; items: number }> {
  const runs: { requests: number; wallMs: number; items: number }[] = [];
  for (let i = 0; i < 3; i++) {
    archive.clearLog();
    const started = performance.now();
    const items = await fn();
    const wallMs = performance.now() - started;
    runs.push({
      requests: archive.log.filter(e => e.origin === 'api').length,
      wallMs: Math.round(wallMs),
      items,
    });
  }
  const wall = runs.map(r => r.wallMs).sort((a, b) => a - b)[1];
  return { ...runs[0], wallMs: wall };
}

/** Every child of a folder level (what "open this folder" costs when the folder is listed whole). */
async function openFolder(archive: StandInArchive, v: Variant, id: string, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of client(archive, v).iteratePaths(id, 'draft', prefix)) n++;
  return n;
}

/** Reveal through the tree model: root page, Dandiset, versions, then each folder level (Load more until found). */
async function reveal(archive: StandInArchive, v: Variant, id: string, path: string): Promise<number> {
  const c = client(archive, v);
  const model = new BrowseModel({
    source: () => c,
    query: () => ({ ordering: 'id' }),
    rootPageSize: () => 50,
    folderPageSize: v.pageSize,
    prefetchOnReveal: v.prefetch,
  });
  await model.reveal({ dandisetId: id, version: 'draft', path });
  return path.split('/').length;
}

async function main(): Promise<void> {
  const archive = await startArchive();
  try {
    const id = archive.ids.scale;
    archive.faults.set({ latencyMs: LATENCY_MS });
    note(`stand-in archive at ${archive.apiUrl}, ${LATENCY_MS} ms latency per request`);
    await openFolder(archive, OURS, id, ''); // warm-up: JIT and the connection pool
    await openFolder(archive, NAIVE, id, '');
    const levels: [string, string][] = [
      ['version root (41 folders)', ''],
      ['sub-001 (5 sessions)', 'sub-001'],
      ['sub-001/ses-001 (50 files)', 'sub-001/ses-001'],
      ['stimuli (1,200 files)', 'stimuli'],
    ];
    for (const [label, prefix] of levels) {
      const ours = await measure(archive, () => openFolder(archive, OURS, id, prefix));
      const naive = await measure(archive, () => openFolder(archive, NAIVE, id, prefix));
      if (ours.items !== naive.items) throw new Error(`${label}: ${ours.items} vs ${naive.items} children`);
      emit({
        bench: 'tree.openFolder',
        level: label,
        children: ours.items,
        latencyMs: LATENCY_MS,
        requests: ours.requests,
        baselineRequests: naive.requests,
        wallMs: ours.wallMs,
        baselineWallMs: naive.wallMs,
        target: 'no more requests or time than page_size=100 fetched serially',
        met: ours.requests <= naive.requests && ours.wallMs <= naive.wallMs * 1.1,
      });
    }
    for (const path of ['stimuli/stim-1150.png', 'sub-040/ses-005/sub-040_ses-005_run-050.nwb']) {
      const ours = await measure(archive, () => reveal(archive, OURS, id, path));
      const naive = await measure(archive, () => reveal(archive, NAIVE, id, path));
      emit({
        bench: 'tree.revealDeepAsset',
        path,
        latencyMs: LATENCY_MS,
        requests: ours.requests,
        baselineRequests: naive.requests,
        wallMs: ours.wallMs,
        baselineWallMs: naive.wallMs,
        target:
          'no more requests or time than page_size=100 serial paging (fewer when a level exceeds 100 children)',
        met: ours.requests <= naive.requests && ours.wallMs <= naive.wallMs * 1.1,
      });
    }
    const all = await measure(archive, async () => {
      let n = 0;
      for await (const _ of client(archive, OURS).iterateAssets(id, 'draft')) n++;
      return n;
    });
    const allNaive = await measure(archive, async () => {
      let n = 0;
      for await (const _ of client(archive, NAIVE).iterateAssets(id, 'draft')) n++;
      return n;
    });
    emit({
      bench: 'tree.listAllAssets',
      assets: all.items,
      latencyMs: LATENCY_MS,
      requests: all.requests,
      baselineRequests: allNaive.requests,
      wallMs: all.wallMs,
      baselineWallMs: allNaive.wallMs,
      target: '10x fewer requests; concurrent pages beat serial',
      met: all.requests * 5 <= allNaive.requests && all.wallMs < allNaive.wallMs,
    });
  } finally {
    await archive.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
