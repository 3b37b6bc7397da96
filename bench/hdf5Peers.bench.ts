// The HDF5 engine against the peer Python users stream DANDI files with: h5py (libhdf5) over
// fsspec's HTTP file, with fsspec.open's defaults (the 5 MiB readahead `bytes` cache) and with its
// best block cache (`cache_type='block'`, 4 MiB blocks), through the same stand-in archive (its own
// process) on loopback at 0 and 50 ms of injected latency, in the same run. At 0 ms it also prints
// native libhdf5 (h5py on the local file) for each walk, against the engine's walk over loopback and
// its walk of the same local file (both timed again in turn with native's runs), and native libhdf5
// streaming the same URL itself (h5py's ros3 driver: one ranged GET per read; only at 0 ms, as its
// 1,200 requests for aibs would take a minute at 50). Then the small files' walks on a slow link (20 ms, 10 MB/s per connection;
// `bandwidthMBps` in their lines). One JSON line per result:
//   {bench, case, latencyMs, ours: {ms, requests, bytes, waitMs}, peer: {name, ms, requests, bytes}}
// where `waitMs` is the part of the engine's time its worker sat blocked on bytes not there yet
// (the transfer); the native lines add `ratioWithoutWaits`, the engine's own cost against native's,
// and `transfer`: a plain GET of the bytes the engine moved, the part of native's time that moving
// them alone takes on this machine.
//
// Both sides are timed whole, from the request to the answer, and their requests and bytes are
// counted the same way: from the archive's request log (cleared before, read after).
// - cold: the engine opens with a started spare worker (as every open after the first finds one)
//   and an empty persistent metadata cache; the peer is a warm Python process (h5py and fsspec
//   imported) that opens a new fsspec file (empty cache), then h5py.File on it.
// - warm: the same again right after, in the same process: the peer opens h5py.File anew on the
//   same fsspec file, whose cache holds what the cold run read; the engine opens anew, and finds
//   the file its cold run closed still kept open (keepAliveMs, as the extension keeps a closed
//   file for a grace period), with its worker, its block cache (chunk data included), its
//   metadata answers and its last decoded reads (32 MiB per file): the engine's honest equivalent
//   of the peer's reopen on a live fsspec file. A repeated read is therefore a copy, not a decode;
//   the new-session line below shows what a read costs without any of that.
// - new session: the engine in a process that has not opened the file (nothing kept open; a
//   started spare worker) but whose persistent metadata cache the cold open filled (pages and
//   the walk's answer; no chunk data). The peer has no persistent cache: its line is its cold run.
// Each pair runs RUNS times (alternating sides; two noisy shared cores) and the run with the
// median time is reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  controlArchive,
  counted,
  plainGetMs,
  startArchiveProcess,
  type ArchiveProcess,
  type Counted,
} from './archiveProcess';
import { H5pyPeer } from './h5pyPeer';
import { blobUrls, median, readWork, walkWork, type Target, type Work } from './hdf5PeersWork';
import { ensureGeneratedNwb, ensureLargeEphys, repoRoot } from '../test/fixtures/nwbgen';
import { ensureScatteredMetadata } from '../test/fixtures/nwbgen/scattered';
import { closeKeptHdf5Files, openHdf5 } from '../src/hdf5/engine';
import { spareWorkerStarted } from '../src/hdf5/workerPool';
import type { SourceSpec } from '../src/hdf5/types';

const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'nwb');
const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');
const PLUGINS = resolve(process.cwd(), 'dist', 'h5plugins');
const REAL_FILES: [string, string][] = [
  ['aibs', 'nwblinkml__aibs.nwb'],
  ['neuroconv', 'neuroconv__nwb_test.nwb'],
  ['ipfx', 'ipfx__2018_03_20_0005.nwb'],
  ['mies', 'mies__AB_SweepsFromMultipleDevices-V2.nwb'],
];
const LATENCIES = process.env.HDF5_PEERS_LATENCIES?.split(',').map(Number) ?? [0, 50];
const RUNS = Number(process.env.HDF5_PEERS_RUNS ?? 3);
/** Native's runs are short (tens of ms for the small files): more of them steady the ratio. */
const NATIVE_RUNS = Math.max(RUNS, 5);
/**
 * A slow link (home Wi-Fi to a far region), per connection: where a small file's metadata sits
 * after its data, the engine's stream goes on from where the walk waits (streamRun.ts).
 */
const SLOW_LINK = { latencyMs: 20, bandwidthBytesPerSec: 10_000_000 };
const SLOW_LINK_FILES = ['aibs', 'neuroconv', 'ipfx', 'mies'];
/** As long as the extension keeps a closed file (nwbDocument.ts); only the warm reopen finds it. */
const KEEP_ALIVE_MS = 3 * 60_000;
/** Only these cases (a regexp on the case name), while iterating. */
const ONLY = process.env.HDF5_PEERS_ONLY ? new RegExp(process.env.HDF5_PEERS_ONLY) : null;
const MiB = 1024 * 1024;
const PEERS: { name: string; cache: 'default' | 'block'; blockSize?: number }[] = [
  { name: 'h5py+fsspec default (5 MiB readahead)', cache: 'default' },
  { name: 'h5py+fsspec block 4 MiB', cache: 'block', blockSize: 4 * MiB },
];

const progress = (text: string) => process.stderr.write(`[hdf5Peers.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

const STATES = ['cold', 'warm', 'new session'] as const;
type State = (typeof STATES)[number];

class Runner {
  private cacheDirs = 0;

  constructor(
    private readonly archive: ArchiveProcess,
    private readonly peer: H5pyPeer,
    private readonly cacheRoot: string,
  ) {}

  /** One open of the target and `work` on it, timed whole with its requests and bytes counted. */
  private async engineOnce(
    spec: SourceSpec,
    work: Work,
    metadataCacheDir: string | undefined,
    keepAliveMs: number,
  ): Promise<Counted> {
    // Not timed: a started spare worker, as the user's next open finds it.
    await spareWorkerStarted(WORKER, PLUGINS);
    let waitMs = 0;
    const result = await counted(this.archive, async () => {
      const file = await openHdf5(spec, { workerPath: WORKER, metadataCacheDir, keepAliveMs });
      try {
        await work.engine(file);
        waitMs = file.stats().waitMs ?? 0;
      } finally {
        await file.close();
      }
    });
    return { ...result, waitMs };
  }

  private newCacheDir(): string {
    return join(this.cacheRoot, String(this.cacheDirs++));
  }

  private async engine(target: Target, work: Work): Promise<Record<State, Counted>> {
    const metadataCacheDir = this.newCacheDir();
    const once = (keepAliveMs: number) => this.engineOnce(target.spec, work, metadataCacheDir, keepAliveMs);
    const cold = await once(KEEP_ALIVE_MS);
    const warm = await once(KEEP_ALIVE_MS);
    // A new session: nothing kept open, only the persistent cache.
    await closeKeptHdf5Files();
    const session = await once(0);
    return { cold, warm, 'new session': session };
  }

  private async peerPair(target: Target, work: Work, peer: (typeof PEERS)[number]) {
    const key = `${target.label}:${peer.name}`;
    const ask = (fresh: boolean) =>
      counted(this.archive, () =>
        this.peer.run({
          ...work.peer,
          key,
          fresh,
          url: target.url,
          cache: peer.cache,
          blockSize: peer.blockSize,
        }),
      );
    return { cold: await ask(true), warm: await ask(false) };
  }

  /** Every side RUNS times, alternating; one line per (peer, cold|warm) with the medians. */
  async compare(target: Target, work: Work, latencyMs: number, link: object = {}): Promise<Counted> {
    const ours: Record<State, Counted[]> = { cold: [], warm: [], 'new session': [] };
    const peers = PEERS.map(() => ({ cold: [] as Counted[], warm: [] as Counted[] }));
    for (let run = 0; run < RUNS; run++) {
      const e = await this.engine(target, work);
      for (const state of STATES) ours[state].push(e[state]);
      for (const [i, p] of PEERS.entries()) {
        const r = await this.peerPair(target, work, p);
        peers[i].cold.push(r.cold);
        peers[i].warm.push(r.warm);
      }
    }
    for (const state of STATES) {
      for (const [i, p] of PEERS.entries()) {
        emit({
          bench: 'hdf5.peers',
          case: `${work.name} ${state}`,
          latencyMs,
          ...link,
          ours: median(ours[state]),
          // A new Python process has nothing cached: the peer's new session is its cold run.
          peer: { name: p.name, ...median(peers[i][state === 'warm' ? 'warm' : 'cold']) },
        });
      }
    }
    return median(ours.cold);
  }

  /**
   * Native libhdf5 on the local file (OS page cache warm), against the engine's cold walk over
   * loopback and against the engine's cold walk of the same local file: the same bytes from the
   * same page cache, which separates the engine's own speed from what the transfer costs. The
   * engine's cold walks are timed again here, in turn with native's runs, so that both sides of
   * a ratio meet the same moment of a shared machine (`ours` from the peers' runs gives the bytes).
   */
  async native(target: Target, measured: Counted): Promise<void> {
    const runs: Counted[] = [];
    const streaming: Counted[] = [];
    const local: Counted[] = [];
    const transfers: Counted[] = [];
    const streamed: Counted[] = [];
    const nativeWalk = async () => {
      const started = performance.now();
      await this.peer.run({ op: 'walk', key: `${target.label}:native`, fresh: true, path: target.localPath });
      runs.push({ ms: Math.round(performance.now() - started), requests: 0, bytes: 0 });
    };
    const engineWalk = async () => {
      streaming.push(await this.coldWalk(target, target.spec, this.newCacheDir()));
    };
    for (let run = 0; run < NATIVE_RUNS; run++) {
      // Which side goes first alternates: neither always finds the other's leftovers in the CPU.
      for (const side of run % 2 ? [engineWalk, nativeWalk] : [nativeWalk, engineWalk]) await side();
      local.push(await this.coldWalk(target, { kind: 'local', path: target.localPath }));
      transfers.push(await plainGetMs(target.url, measured.bytes, target.size));
      streamed.push(
        await counted(this.archive, () =>
          this.peer.run({
            op: 'walk',
            key: `${target.label}:ros3`,
            fresh: true,
            url: target.url,
            cache: 'ros3',
          }),
        ),
      );
    }
    const ours = median(streaming);
    const peer = { name: 'h5py native (local file)', ...median(runs) };
    const ratioTo = (engine: Counted, other: Counted) => +(engine.ms / Math.max(1, other.ms)).toFixed(2);
    const ratio = (engine: Counted) => ratioTo(engine, peer);
    // The engine's time less what it sat waiting for bytes: its own cost, beside native's.
    const ratioWithoutWaits = (engine: Counted) =>
      +((engine.ms - (engine.waitMs ?? 0)) / Math.max(1, peer.ms)).toFixed(2);
    const engineLocal = median(local);
    const transfer = median(transfers);
    emit({
      bench: 'hdf5.peers.native',
      case: `walk ${target.label} cold`,
      latencyMs: 0,
      ours,
      peer,
      ratio: ratio(ours),
      ratioWithoutWaits: ratioWithoutWaits(ours),
      // Moving the bytes the engine moved, and nothing else: the part of native's time it uses up.
      transfer: { name: 'plain undici GET of the same bytes', ...transfer, ms: +transfer.ms.toFixed(1) },
      transferRatio: +(transfer.ms / Math.max(1, peer.ms)).toFixed(2),
    });
    // libhdf5 reading the same URL from the same archive itself: native libhdf5 over the same link.
    const overLink = median(streamed);
    emit({
      bench: 'hdf5.peers.native',
      case: `walk ${target.label} cold, both streaming`,
      latencyMs: 0,
      ours,
      peer: { name: 'h5py ros3 (native libhdf5 streaming the URL)', ...overLink },
      ratio: ratioTo(ours, overLink),
    });
    emit({
      bench: 'hdf5.peers.native',
      case: `walk ${target.label} cold, local file`,
      latencyMs: 0,
      ours: engineLocal,
      peer,
      ratio: ratio(engineLocal),
      ratioWithoutWaits: ratioWithoutWaits(engineLocal),
    });
  }

  /**
   * The engine's cold walk of `spec`: a started spare worker, nothing kept open before or after.
   * Its close parks the file (as the cold line's does), so neither side is timed closing a file.
   */
  private async coldWalk(target: Target, spec: SourceSpec, metadataCacheDir?: string): Promise<Counted> {
    await closeKeptHdf5Files();
    const walked = await this.engineOnce(spec, walkWork(target.label), metadataCacheDir, KEEP_ALIVE_MS);
    await closeKeptHdf5Files();
    return walked;
  }
}

async function main(): Promise<void> {
  progress('making sure the 1 GiB file, the scattered-metadata file and the generated files exist');
  const large = await ensureLargeEphys();
  const scattered = await ensureScatteredMetadata(
    join(repoRoot(), '.cache', 'bench', 'scattered-metadata.nwb'),
  );
  const ophys = (await ensureGeneratedNwb()).files.ophys;
  const peer = await H5pyPeer.start();
  progress(`peer: ${peer.versions}`);
  const archive = await startArchiveProcess([
    '--corpus',
    FIXTURES,
    '--large',
    large.path,
    '--large',
    scattered.path,
    '--large',
    ophys,
  ]);
  const cacheRoot = mkdtempSync(join(tmpdir(), 'hdf5-peers-'));
  try {
    const served = new Map([
      ...(await blobUrls(archive, archive.ids.corpus)),
      ...(await blobUrls(archive, archive.ids.large)),
    ]);
    const target = (label: string, localPath: string): Target => {
      const asset = served.get(basename(localPath));
      if (!asset) throw new Error(`${localPath} is not served by the stand-in archive`);
      return { label, ...asset, localPath };
    };
    const walks = [
      ...REAL_FILES.map(([label, name]) => target(label, join(FIXTURES, name))),
      target('scattered', scattered.path),
      target('ecephys-1gib', large.path),
    ];
    const ophysTarget = target('ophys', ophys);
    const largeTarget = target('ecephys-1gib', large.path);
    const start = 3 * large.rate + 1234;
    const channel = 17;
    const seg = '/processing/ophys/ImageSegmentation/PlaneSegmentationPixels';
    const reads: [Target, Work][] = [
      [
        ophysTarget,
        readWork('DfOverF[:1000, :5]', [
          [
            '/processing/ophys/DfOverF/DfOverF/data',
            [
              [0, 1000],
              [0, 5],
            ],
          ],
        ]),
      ],
      [
        largeTarget,
        readWork(`10 s of channel ${channel}`, [
          [
            `${large.seriesPath}/data`,
            [
              [start, start + 10 * large.rate],
              [channel, channel + 1],
            ],
          ],
        ]),
      ],
      [
        ophysTarget,
        readWork('every pixel_mask', [
          [`${seg}/pixel_mask`, null],
          [`${seg}/pixel_mask_index`, null],
        ]),
      ],
    ];
    // Neither side pays for its first start in the process: h5wasm compiled once, Python's imports done.
    const warmUp = await openHdf5({ kind: 'local', path: scattered.path }, { workerPath: WORKER });
    await warmUp.walk('/');
    await warmUp.close();
    await peer.run({ op: 'walk', key: 'warm-up', fresh: true, path: scattered.path });

    const runner = new Runner(archive, peer, cacheRoot);
    for (const latencyMs of LATENCIES) {
      await controlArchive(archive, 'faults', { latencyMs });
      for (const t of walks) {
        if (ONLY && !ONLY.test(`walk ${t.label}`)) continue;
        progress(`${latencyMs} ms: walk ${t.label}`);
        const ours = await runner.compare(t, walkWork(t.label), latencyMs);
        if (latencyMs === 0) await runner.native(t, ours);
      }
      for (const [t, work] of reads) {
        if (ONLY && !ONLY.test(work.name)) continue;
        progress(`${latencyMs} ms: ${work.name}`);
        await runner.compare(t, work, latencyMs);
      }
    }
    await controlArchive(archive, 'faults', SLOW_LINK);
    const megabytes = SLOW_LINK.bandwidthBytesPerSec / 1e6;
    for (const t of walks.filter(w => SLOW_LINK_FILES.includes(w.label))) {
      const work = { ...walkWork(t.label), name: `walk ${t.label} on a ${megabytes} MB/s link` };
      if (ONLY && !ONLY.test(work.name)) continue;
      progress(`${SLOW_LINK.latencyMs} ms: ${work.name}`);
      await runner.compare(t, work, SLOW_LINK.latencyMs, { bandwidthMBps: megabytes });
    }
  } finally {
    await closeKeptHdf5Files();
    peer.close();
    rmSync(cacheRoot, { recursive: true, force: true });
    archive.child.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
