// Exact overviews of long series, streamed from the stand-in archive (a child process) at 50 ms
// latency: the background refinement of a series' min/max pyramid from the first sparse overview
// to exact, and the second open of the same series, whose exact overview needs no data request.
// Two series: the generated 1 GiB one (10 million samples × 64 channels, int16, gzip; timed by a
// rate) and gapped.nwb's (2 M samples × 4 channels at about 1 kHz, timed by timestamps, two
// segments 60 s apart: the refinement reads the timestamps first, then the data). The peer, in the
// same run: h5py + fsspec with its best block cache (4 MiB blocks) computing the min/max of every
// channel over the whole dataset, cold (a fresh file) and warm (its cache reused). Each side's CPU
// seconds are those of its whole process (ours: the host thread, the HDF5 worker and libuv's pool
// that inflates the raw chunks; the peer's: every thread of the Python process). One JSON line each:
//   {bench, case, latencyMs, ours: {ms, requests, bytes, cpuSeconds}, peer: {name, ms, requests, bytes, cpuSeconds}}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  counted,
  servedAssets,
  startArchiveProcess,
  type ArchiveProcess,
  type Counted,
} from './archiveProcess';
import { H5pyPeer, type PeerRequest } from './h5pyPeer';
import { ensureGeneratedNwb, ensureLargeEphys, GAPPED_SERIES } from '../test/fixtures/nwbgen';
import { openHdf5 } from '../src/hdf5/engine';
import { stopSpareWorkers } from '../src/hdf5/workerPool';
import type { OpenOptions, SourceSpec } from '../src/hdf5/types';
import { DEFAULT_LIMITS, NwbFile } from '../src/nwb/nwbFile';
import type { OverviewPyramid } from '../src/nwb/overviewPyramid';
import { OverviewStore } from '../src/nwb/overviewStore';
import { seriesRefine } from '../src/nwb/seriesRefine';
import { seriesInfo, seriesWindow } from '../src/nwb/timeseries';
import type { SeriesWindow, SeriesWindowParams } from '../src/shared/protocol';

const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const LATENCY_MS = 50;
const MiB = 1024 * 1024;
const PIXELS = 1200;
const CHANNELS = [0, 1, 2, 3];
const PEER_NAME = 'h5py+fsspec block 4 MiB (min/max of every channel)';

const progress = (text: string) => process.stderr.write(`[overview.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

/** The served asset of `dandiset` whose path passes `pick`. */
async function servedAsset(
  archive: ArchiveProcess,
  dandiset: string,
  pick: (asset: { path: string; size: number }) => boolean,
): Promise<{ spec: SourceSpec; url: string }> {
  const asset = (await servedAssets(archive, dandiset)).find(pick);
  if (!asset) throw new Error(`the archive does not serve the asset in Dandiset ${dandiset}`);
  return { spec: asset.spec, url: asset.url };
}

/** Opens the file as the viewer does, with the persistent caches under `dir`. */
async function openViewer(spec: SourceSpec, dir: string) {
  const options: OpenOptions = {
    workerPath: WORKER,
    metadataCacheDir: join(dir, 'metadata'),
    metadataCacheBytes: 200 * MiB,
  };
  const h5 = await openHdf5(spec, options);
  const store = new OverviewStore(join(dir, 'pyramids'), 200 * MiB);
  return { h5, nwb: new NwbFile(h5, DEFAULT_LIMITS, { overviewStore: store }) };
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1e3) / 1e3;
}

/** The smallest and largest raw sample of every channel, from the finest level. */
function overallRange(pyramid: OverviewPyramid): { min: number; max: number } {
  const { min, max } = pyramid.levels[0];
  return { min: min.reduce((a, b) => Math.min(a, b)), max: max.reduce((a, b) => Math.max(a, b)) };
}

function overviewState(w: SeriesWindow): string {
  return w.mode === 'minmax' ? (w.overview?.state ?? 'read in full') : 'raw';
}

interface SeriesTarget {
  /** Names the case: "10M x 64 series", "2M x 4 series with timestamps". */
  label: string;
  timing: 'rate' | 'timestamps';
  spec: SourceSpec;
  url: string;
  seriesPath: string;
  samples: number;
  channels: number;
}

/** The refinement from sparse to exact, then the second open, each beside the peer. */
async function measureSeries(
  archive: ArchiveProcess,
  peer: H5pyPeer,
  target: SeriesTarget,
  dir: string,
): Promise<void> {
  const { spec, samples } = target;
  const peerRequest = (fresh: boolean): PeerRequest => ({
    op: 'minmax',
    key: target.label,
    fresh,
    url: target.url,
    cache: 'block',
    blockSize: 4 * MiB,
    dataset: `${target.seriesPath}/data`,
  });
  progress('ours: first open, sparse overview, then the refinement to exact');
  const first = await openViewer(spec, dir);
  const info = await seriesInfo(first.nwb, target.seriesPath);
  const params: SeriesWindowParams = {
    path: target.seriesPath,
    t0: info.tStart,
    t1: info.tEnd,
    channels: CHANNELS,
    pixels: PIXELS,
  };
  const sparse = await counted(archive, () => seriesWindow(first.nwb, info, params));
  let reply = await seriesWindow(first.nwb, info, params);
  let updates = 0;
  const cpuBefore = process.cpuUsage();
  const refinement = await counted(archive, async () => {
    while (reply.mode === 'minmax' && reply.overview?.refinable) {
      reply = await seriesRefine(first.nwb, info, { ...params, since: reply.overview.version });
      updates++;
    }
  });
  const ours = { ...refinement, cpuSeconds: cpuSeconds(process.cpuUsage(cpuBefore)) };
  const ourRange = overallRange(first.nwb.overviews.building(info).pyramid);
  await first.h5.close();
  progress(
    `refinement: ${overviewState(reply)} after ${updates} updates, ${(refinement.bytes / MiB).toFixed(0)} MiB, ${refinement.requests} requests, ${refinement.ms} ms, ${ours.cpuSeconds} CPU s`,
  );
  progress('peer: min/max of the whole dataset, cold');
  let peerAnswer: Record<string, number> = {};
  const peerCold = await counted(archive, async () => {
    peerAnswer = await peer.run(peerRequest(true));
  });
  emit({
    bench: 'viewer.overviewRefine',
    series: target.timing,
    case: `exact overview of ${target.label} cold`,
    latencyMs: LATENCY_MS,
    ours,
    peer: { name: PEER_NAME, ...peerCold, cpuSeconds: peerAnswer.cpuSeconds },
    samples,
    channels: target.channels,
    firstSparse: sparse,
    updates,
    state: overviewState(reply),
    // Both sides computed the same thing: the overall min and max of the raw samples.
    sameRange: ourRange.min === peerAnswer.min && ourRange.max === peerAnswer.max,
    target: 'the cold refinement to exact takes less time than the peer',
    met: overviewState(reply) === 'exact' && ours.ms < peerCold.ms,
  });

  progress('ours: second open of the same series');
  let second: Awaited<ReturnType<typeof openViewer>> | undefined;
  let info2 = info;
  const opening = await counted(archive, async () => {
    second = await openViewer(spec, dir);
    info2 = await seriesInfo(second.nwb, target.seriesPath);
  });
  if (!second) throw new Error('the second open failed');
  const reopened = second;
  let again: SeriesWindow | undefined;
  const window = await counted(archive, async () => {
    again = await seriesWindow(reopened.nwb, info2, params);
  });
  await reopened.h5.close();
  const secondOpen: Counted = {
    ms: opening.ms + window.ms,
    requests: opening.requests + window.requests,
    bytes: opening.bytes + window.bytes,
  };
  progress('peer: min/max of the whole dataset again, its cache warm');
  let peerWarmAnswer: Record<string, number> = {};
  const peerWarm = await counted(archive, async () => {
    peerWarmAnswer = await peer.run(peerRequest(false));
  });
  emit({
    bench: 'viewer.overviewSecondOpen',
    series: target.timing,
    case: `exact overview of ${target.label} warm (second open)`,
    latencyMs: LATENCY_MS,
    ours: secondOpen,
    peer: { name: PEER_NAME, ...peerWarm, cpuSeconds: peerWarmAnswer.cpuSeconds },
    overviewWindow: window,
    state: again ? overviewState(again) : 'none',
    target: 'the second open shows the exact overview with zero data requests',
    met: window.requests === 0 && again !== undefined && overviewState(again) === 'exact',
  });
}

async function main(): Promise<void> {
  progress('making sure the 1 GiB file exists (generated once, slow: several minutes)');
  const large = await ensureLargeEphys();
  const generated = await ensureGeneratedNwb();
  const peer = await H5pyPeer.start();
  progress(`peer: ${peer.versions}`);
  const archive = await startArchiveProcess([
    '--large',
    large.path,
    '--generated',
    generated.dir,
    '--latency',
    String(LATENCY_MS),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'overview-bench-'));
  try {
    const largeAsset = await servedAsset(
      archive,
      archive.ids.large,
      a => a.path.endsWith('.nwb') && a.size === large.size,
    );
    await measureSeries(
      archive,
      peer,
      {
        label: '10M x 64 series',
        timing: 'rate',
        ...largeAsset,
        seriesPath: large.seriesPath,
        samples: large.shape[0],
        channels: large.shape[1],
      },
      join(dir, 'large'),
    );
    const { nwbDemo } = archive.ids as { nwbDemo?: string };
    if (!nwbDemo) throw new Error('the archive serves no generated Dandiset');
    const gapped = GAPPED_SERIES[0];
    await measureSeries(
      archive,
      peer,
      {
        label: '2M x 4 series with timestamps',
        timing: 'timestamps',
        ...(await servedAsset(archive, nwbDemo, a => a.path.endsWith('gapped.nwb'))),
        seriesPath: gapped.path,
        samples: gapped.shape[0],
        channels: gapped.shape[1],
      },
      join(dir, 'gapped'),
    );
  } finally {
    // The spare worker left by the last close would hold the process until it idles out (2 min).
    await stopSpareWorkers();
    peer.close();
    archive.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
