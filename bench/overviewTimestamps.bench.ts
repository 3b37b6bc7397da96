// Exact overview of a series with timestamps: the generated gapped.nwb (2 M samples × 4 channels
// at about 1 kHz, two segments 60 s apart) streamed from the stand-in archive (a child process)
// at 50 ms latency. The background refinement reads the timestamps (the block times) and then the
// data, from the first sparse overview to exact; the second open of the same series answers with
// no data request. The peer, in the same run: h5py + fsspec with its best block cache (4 MiB)
// computing the min/max of every channel over the whole dataset, cold and warm. One JSON line each:
//   {bench, case, latencyMs, ours: {ms, requests, bytes}, peer: {name, ms, requests, bytes}}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { counted, startArchiveProcess, type ArchiveProcess, type Counted } from './archiveProcess';
import { H5pyPeer, type PeerRequest } from './h5pyPeer';
import { ensureGeneratedNwb, GAPPED_SERIES } from '../test/fixtures/nwbgen';
import { openHdf5 } from '../src/hdf5/engine';
import type { SourceSpec } from '../src/hdf5/types';
import { DEFAULT_LIMITS, NwbFile } from '../src/nwb/nwbFile';
import { OverviewStore } from '../src/nwb/overviewStore';
import { seriesRefine } from '../src/nwb/seriesRefine';
import { seriesInfo, seriesWindow } from '../src/nwb/timeseries';
import type { SeriesWindow, SeriesWindowParams } from '../src/shared/protocol';

const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const LATENCY_MS = 50;
const MiB = 1024 * 1024;
const SERIES = GAPPED_SERIES[0];
const PEER_NAME = 'h5py+fsspec block 4 MiB (min/max of every channel)';

const progress = (text: string) => process.stderr.write(`[overviewTimestamps.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

async function gappedAsset(archive: ArchiveProcess): Promise<{ spec: SourceSpec; url: string }> {
  const { nwbDemo } = archive.ids as { nwbDemo?: string };
  const response = await request(
    `${archive.apiUrl}/dandisets/${nwbDemo}/versions/draft/assets/?page_size=1000&metadata=true`,
  );
  const body = (await response.body.json()) as {
    results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
  };
  const asset = body.results.find(a => a.path.endsWith('gapped.nwb'));
  if (!asset) throw new Error('the archive does not serve gapped.nwb');
  const url = asset.metadata.contentUrl[1];
  return {
    spec: {
      kind: 'dandi',
      apiUrl: archive.apiUrl,
      assetId: asset.asset_id,
      size: asset.size,
      identity: `bench:${asset.asset_id}`,
      blobUrl: url,
    },
    url,
  };
}

/** Opens the file as the viewer does, with the persistent caches under `dir`. */
async function openViewer(spec: SourceSpec, dir: string) {
  const h5 = await openHdf5(spec, {
    workerPath: WORKER,
    metadataCacheDir: join(dir, 'metadata'),
    metadataCacheBytes: 200 * MiB,
  });
  const store = new OverviewStore(join(dir, 'pyramids'), 200 * MiB);
  return { h5, nwb: new NwbFile(h5, DEFAULT_LIMITS, { overviewStore: store }) };
}

function overviewState(w: SeriesWindow): string {
  return w.mode === 'minmax' ? (w.overview?.state ?? 'read in full') : 'raw';
}

async function main(): Promise<void> {
  const generated = await ensureGeneratedNwb();
  const peer = await H5pyPeer.start();
  progress(`peer: ${peer.versions}`);
  const archive = await startArchiveProcess(['--generated', generated.dir, '--latency', String(LATENCY_MS)]);
  const dir = mkdtempSync(join(tmpdir(), 'overview-timestamps-bench-'));
  try {
    const { spec, url } = await gappedAsset(archive);
    const peerRequest = (fresh: boolean): PeerRequest => ({
      op: 'minmax',
      key: 'gapped',
      fresh,
      url,
      cache: 'block',
      blockSize: 4 * MiB,
      dataset: `${SERIES.path}/data`,
    });

    progress('ours: first open, sparse overview, then the refinement to exact');
    const first = await openViewer(spec, dir);
    const info = await seriesInfo(first.nwb, SERIES.path);
    const params: SeriesWindowParams = {
      path: SERIES.path,
      t0: info.tStart,
      t1: info.tEnd,
      channels: [0, 1, 2, 3],
      pixels: 1200,
    };
    const sparse = await counted(archive, () => seriesWindow(first.nwb, info, params));
    let reply = await seriesWindow(first.nwb, info, params);
    let updates = 0;
    const refinement = await counted(archive, async () => {
      while (reply.mode === 'minmax' && reply.overview?.refinable) {
        reply = await seriesRefine(first.nwb, info, { ...params, since: reply.overview.version });
        updates++;
      }
    });
    await first.h5.close();
    progress(
      `refinement: ${overviewState(reply)} after ${updates} updates, ${refinement.requests} requests, ${refinement.ms} ms`,
    );
    const peerCold = await counted(archive, () => peer.run(peerRequest(true)));
    emit({
      bench: 'viewer.overviewRefineTimestamps',
      case: 'exact overview of 2M x 4 series with timestamps cold',
      latencyMs: LATENCY_MS,
      ours: refinement,
      peer: { name: PEER_NAME, ...peerCold },
      firstSparse: sparse,
      updates,
      state: overviewState(reply),
    });

    progress('ours: second open of the same series');
    let second: Awaited<ReturnType<typeof openViewer>> | undefined;
    let info2 = info;
    const opening = await counted(archive, async () => {
      second = await openViewer(spec, dir);
      info2 = await seriesInfo(second.nwb, SERIES.path);
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
    const peerWarm = await counted(archive, () => peer.run(peerRequest(false)));
    emit({
      bench: 'viewer.overviewSecondOpenTimestamps',
      case: 'exact overview of 2M x 4 series with timestamps warm (second open)',
      latencyMs: LATENCY_MS,
      ours: secondOpen,
      peer: { name: PEER_NAME, ...peerWarm },
      overviewWindow: window,
      state: again ? overviewState(again) : 'none',
      target: 'the second open shows the exact overview with zero data requests',
      met: window.requests === 0 && again !== undefined && overviewState(again) === 'exact',
    });
  } finally {
    peer.close();
    archive.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
