/**
 * Download engine vs curl and vs one-file-at-a-time, on loopback against the stand-in archive
 * (run in its own process so it does not share our event loop). One JSON object per result.
 *
 *   node dist/bench/download.bench.js        (needs dist/tools/archive.js: `node esbuild.mjs --only=tools,bench`)
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { DandiClient } from '../src/dandi/client';
import { controlArchive, startArchiveProcess } from './archiveProcess';
import {
  ARIA2C_NAME,
  aria2cVerified,
  childrenCpuMs,
  etagOf,
  processCpuMs,
  takeLog,
  type PeerRun,
} from './downloadPeers';
import { SCRATCH_OFFSET, SharedArena } from '../src/download/arena';
import { DEFAULTS, runDownload } from '../src/download/engine';
import { instantiateKernels } from '../src/download/md5/kernels';
import { Md5Lanes } from '../src/download/md5/lanes';
import { buildPlan } from '../src/download/planner';
import { configureNetwork } from '../src/net/settings';
import { startTinyproxy } from '../test/support/tinyproxy';
import type { DownloadOptions, PlannedFile } from '../src/download/types';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const LARGE_NAME = 'download-bench-1GiB.bin';

function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
const note = (message: string): void => void process.stderr.write(`[download.bench] ${message}\n`);
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** A 1 GiB file of random bytes in .cache/bench (made once). */
function ensureLargeFile(): string {
  const dir = resolve('.cache', 'bench');
  const file = join(dir, LARGE_NAME);
  if (existsSync(file) && statSync(file).size === GiB) return file;
  note(`writing ${file}`);
  mkdirSync(dir, { recursive: true });
  const fd = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(16 * MiB);
  for (let written = 0; written < GiB; written += chunk.length) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  return file;
}

async function presigned(downloadUrl: string): Promise<string> {
  const res = await request(downloadUrl, { method: 'GET' });
  await res.body.dump();
  const location = res.headers.location;
  if (res.statusCode !== 302 || typeof location !== 'string')
    throw new Error(`expected a 302, got ${res.statusCode}`);
  return new URL(location, downloadUrl).toString();
}

/** One core's MD5 time for 1 GiB (what verifying costs, whoever does it). */
function md5CpuMsPerGiB(): number {
  const block = randomFillSync(Buffer.allocUnsafe(64 * MiB));
  const hash = createHash('md5');
  const t0 = performance.now();
  for (let done = 0; done < GiB; done += block.length) hash.update(block);
  hash.digest();
  return performance.now() - t0;
}

/**
 * The hash worker's MD5 (8 dandi-etag parts at once, SIMD lanes) against OpenSSL's, one core each,
 * over the same 1 GiB: 8 streams of 128 MiB fed in 4 MiB buffers, as the engine feeds them.
 */
function md5LanesVsOpenSsl(): void {
  const arena = new SharedArena(64 * MiB);
  const lanes = new Md5Lanes(arena.memory, instantiateKernels(arena.memory, arena.maxPages), SCRATCH_OFFSET);
  const slots = Array.from({ length: 8 }, () => randomFillSync(arena.acquire() as Buffer));
  const perStream = GiB / slots.length;
  const t0 = performance.now();
  for (let fed = 0; fed < perStream; fed += slots[0]!.length) {
    slots.forEach((slot, id) => lanes.update(id, arena.offsetOf(slot)!, slot.length, 0, () => undefined));
    while (lanes.runRound());
  }
  const ours = slots.map((_, id) => Buffer.from(lanes.digest(id)).toString('hex'));
  const lanesMs = performance.now() - t0;
  const t1 = performance.now();
  const theirs = slots.map(slot => {
    const hash = createHash('md5');
    for (let fed = 0; fed < perStream; fed += slot.length) hash.update(slot);
    return hash.digest('hex');
  });
  const opensslMs = performance.now() - t1;
  if (ours.join() !== theirs.join()) throw new Error('the lanes and OpenSSL disagree');
  emit({
    bench: 'download.md5Lanes',
    bytes: GiB,
    streams: slots.length,
    wallMs: round(lanesMs, 0),
    baselineWallMs: round(opensslMs, 0),
    baseline: 'OpenSSL MD5 (node:crypto), same streams, one core',
    speedup: round(opensslMs / lanesMs),
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

function curl(url: string, out: string, range?: string): number {
  const args = ['-s', '-f', '-o', out, ...(range ? ['-r', range] : []), url];
  const t0 = performance.now();
  const r = spawnSync('curl', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`curl exited with ${r.status}`);
  return performance.now() - t0;
}

async function engine(
  file: PlannedFile,
  extra: Partial<DownloadOptions> = {},
): Promise<{ ms: number; bytesFetched: number }> {
  const destination = await mkdtemp(join(tmpdir(), 'dl-bench-'));
  try {
    const { ms, value } = await timed(() => runDownload([file], { destination, ...extra }));
    if (value.failed.length) throw new Error(`engine failed: ${value.failed[0].reason}`);
    return { ms, bytesFetched: value.bytesFetched };
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}

interface EngineRun {
  ms: number;
  cpuMs: number;
  requests: number;
  bytes: number;
}

/** The engine's run with its CPU time (worker threads included) and what the archive logged. */
async function engineCounted(
  controlUrl: string,
  file: PlannedFile,
  extra: Partial<DownloadOptions> = {},
): Promise<EngineRun> {
  await takeLog(controlUrl);
  const cpu0 = process.cpuUsage();
  const { ms } = await engine(file, extra);
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, ...(await takeLog(controlUrl)) };
}

/** One line per peer comparison: the engine (which verifies as it goes) against aria2c + check. */
function emitPeer(work: string, ours: EngineRun, peer: PeerRun): void {
  const side = (r: EngineRun) => ({
    ms: round(r.ms, 0),
    requests: r.requests,
    bytes: r.bytes,
    cpuMs: round(r.cpuMs, 0),
  });
  emit({
    bench: 'download.peers',
    case: work,
    latencyMs: 0,
    ours: side(ours),
    peer: {
      name: ARIA2C_NAME,
      ...side(peer),
      downloadMs: round(peer.downloadMs, 0),
      verifyMs: round(peer.verifyMs, 0),
    },
    ratio: round(peer.ms / ours.ms),
    met: ours.ms <= peer.ms,
  });
}

/**
 * Realistic speeds: the blob host capped at 50, 100 and 200 MB/s per connection, the default 8
 * parts, against curl (one connection) and aria2c (8 connections, then the dandi-etag check) measured
 * in the same run, with the CPU time of each; the engine with each MD5 kernel, and once through a real proxy (tinyproxy). DOWNLOAD_BENCH_PATH
 * labels the HTTP path of this build (`undici`; `raw` for a build of the old hand-written client).
 */
async function realisticSpeeds(
  info: { controlUrl: string },
  large: PlannedFile & { etag: string },
  blobUrl: string,
  scratch: string,
): Promise<void> {
  const path = process.env.DOWNLOAD_BENCH_PATH ?? 'undici';
  const parts = DEFAULTS.parallelParts;
  const kernels = path === 'undici' ? (['simd', 'openssl'] as const) : (['simd'] as const);
  const mb = (bytes: number, ms: number): number => round(bytes / 1e6 / (ms / 1000), 1);
  for (const capMBps of [50, 100, 200]) {
    await controlArchive(info, 'faults', { bandwidthBytesPerSec: capMBps * 1e6 });
    const curlOut = join(scratch, 'curl.bin');
    const curlMs = curl(blobUrl, curlOut, `0-${256 * MiB - 1}`);
    await rm(curlOut, { force: true });
    const aria2 = await aria2cVerified(blobUrl, scratch, large.etag, info.controlUrl);
    await rm(join(scratch, 'aria2c.bin'), { force: true });
    const peers = {
      curlOneConnectionMBps: mb(256 * MiB, curlMs),
      aria2cMBps: mb(large.size, aria2.downloadMs),
      aria2cVerifiedMBps: mb(large.size, aria2.ms),
      aria2cConnections: 8,
    };
    for (const md5Kernel of kernels) {
      const run = await engineCounted(info.controlUrl, large, { md5Kernel });
      if (md5Kernel === kernels[0]) emitPeer(`download 1 GiB, ${capMBps} MB/s per connection`, run, aria2);
      emit({
        bench: 'download.realistic1GiB',
        path,
        md5Kernel,
        capMBpsPerConnection: capMBps,
        parallelParts: parts,
        bytes: large.size,
        wallMs: round(run.ms, 0),
        MBps: mb(large.size, run.ms),
        engineCpuMs: round(run.cpuMs, 0),
        ...peers,
        aria2cCpuMs: round(aria2.cpuMs, 0),
        ratioVsAria2c: round(aria2.ms / run.ms),
        loadAverage1m: round(loadavg()[0], 1),
      });
    }
  }
  if (path === 'undici') {
    const proxy = await startTinyproxy();
    try {
      configureNetwork({ proxy: proxy.url });
      const capMBps = 100;
      await controlArchive(info, 'faults', { bandwidthBytesPerSec: capMBps * 1e6 });
      const run = await engine(large);
      emit({
        bench: 'download.realistic1GiB',
        path: 'undici via tinyproxy',
        md5Kernel: 'simd',
        capMBpsPerConnection: capMBps,
        parallelParts: parts,
        bytes: large.size,
        wallMs: round(run.ms, 0),
        MBps: mb(large.size, run.ms),
        loadAverage1m: round(loadavg()[0], 1),
      });
    } finally {
      configureNetwork({});
      await proxy.stop();
    }
  }
  await controlArchive(info, 'reset');
}

async function main(): Promise<void> {
  if (!process.env.DOWNLOAD_BENCH_ONLY_REALISTIC) md5LanesVsOpenSsl();
  const largeFile = ensureLargeFile();
  const info = await startArchiveProcess(['--large', largeFile]);
  const child = info.child;
  const scratch = await mkdtemp(join(tmpdir(), 'dl-bench-curl-'));
  try {
    const client = new DandiClient({ instance: { name: 'bench', apiUrl: info.apiUrl, webUrl: info.webUrl } });
    const largePlan = await buildPlan(client, {
      kind: 'glob',
      dandisetId: info.ids.large,
      version: 'draft',
      path: LARGE_NAME,
    });
    const found = largePlan.files.find(f => f.path === LARGE_NAME);
    if (!found?.etag) throw new Error('the archive does not serve the 1 GiB file with its dandi-etag');
    const large = { ...found, etag: found.etag };
    const blobUrl = await presigned(large.downloadUrl);
    const curlOut = join(scratch, 'curl.bin');

    if (process.env.DOWNLOAD_BENCH_ONLY_REALISTIC)
      return await realisticSpeeds(info, large, blobUrl, scratch);

    // 1. Full speed on loopback: interleaved, best of three each (the machine is shared). CPU
    // seconds are counted for each side, the server included: on loopback nothing but CPU limits
    // either client, so they show what the machine allows. aria2c + its check runs in each round.
    await engine(large); // warm-up (page cache, connections)
    const serverPid = child.pid ?? 0;
    let best = { curl: Infinity, verify: Infinity, engine: Infinity };
    let cpu = { curl: 0, curlServer: 0, engine: 0, engineServer: 0 };
    let bestEngine: EngineRun | undefined;
    let bestAria2: PeerRun | undefined;
    for (let round = 0; round < 3; round++) {
      const aria2 = await aria2cVerified(blobUrl, scratch, large.etag, info.controlUrl);
      await rm(join(scratch, 'aria2c.bin'), { force: true });
      if (!bestAria2 || aria2.ms < bestAria2.ms) bestAria2 = aria2;
      const s0 = processCpuMs(serverPid);
      const c0 = childrenCpuMs();
      const curlMs = curl(blobUrl, curlOut);
      const curlCpu = { curl: childrenCpuMs() - c0, curlServer: processCpuMs(serverPid) - s0 };
      // What curl's copy needs to carry the engine's guarantee: its dandi-etag, read back from disk.
      const verify = await timed(() => etagOf(curlOut));
      if (verify.value !== large.etag) throw new Error('curl wrote a file whose dandi-etag differs');
      await rm(curlOut, { force: true });
      const s1 = processCpuMs(serverPid);
      const engineRun = await engineCounted(info.controlUrl, large);
      const engineMs = engineRun.ms;
      if (!bestEngine || engineMs < bestEngine.ms) bestEngine = engineRun;
      const engineCpu = { engine: engineRun.cpuMs, engineServer: processCpuMs(serverPid) - s1 };
      if (curlMs < best.curl) cpu = { ...cpu, ...curlCpu };
      if (engineMs < best.engine) cpu = { ...cpu, ...engineCpu };
      best = {
        curl: Math.min(best.curl, curlMs),
        verify: Math.min(best.verify, verify.ms),
        engine: Math.min(best.engine, engineMs),
      };
    }
    const md5Ms = md5CpuMsPerGiB();
    const cores = availableParallelism();
    // No schedule on `cores` cores finishes the engine's run faster than its CPU work allows.
    const cpuFloorMs = (cpu.engine + cpu.engineServer) / cores;
    const ratio = best.curl / best.engine;
    emit({
      bench: 'download.loopback1GiB',
      bytes: large.size,
      parallelParts: DEFAULTS.parallelParts,
      wallMs: round(best.engine, 0),
      baselineWallMs: round(best.curl, 0),
      mbPerSec: round(large.size / MiB / (best.engine / 1000), 1),
      baselineMbPerSec: round(large.size / MiB / (best.curl / 1000), 1),
      baseline: 'curl -o of the presigned blob URL',
      throughputRatio: round(ratio),
      curlThenVerifyWallMs: round(best.curl + best.verify, 0),
      ratioVsCurlThenVerify: round((best.curl + best.verify) / best.engine),
      cpuMs: {
        engine: round(cpu.engine, 0),
        serverForEngine: round(cpu.engineServer, 0),
        curl: round(cpu.curl, 0),
        serverForCurl: round(cpu.curlServer, 0),
        md5OfOneGiB: round(md5Ms, 0),
      },
      engineCpuFloorMs: round(cpuFloorMs, 0),
      bestRatioThisMachineAllows: round(best.curl / cpuFloorMs),
      cores,
      loadAverage1m: round(loadavg()[0], 1),
      target: 'throughput >= 0.9 x curl (engine also verifies the dandi-etag)',
      met: ratio >= 0.9,
    });
    if (bestEngine && bestAria2) emitPeer('download 1 GiB, uncapped', bestEngine, bestAria2);

    if (process.env.DOWNLOAD_BENCH_ONLY_LOOPBACK) return;

    // 2. Per-connection bandwidth cap: curl's rate over the first 256 MiB vs the engine's parallel parts.
    const cap = 20_000_000;
    await controlArchive(info, 'faults', { bandwidthBytesPerSec: cap });
    const curlCapMs = curl(blobUrl, curlOut, `0-${256 * MiB - 1}`);
    await rm(curlOut, { force: true });
    const curlRate = (256 * MiB) / (curlCapMs / 1000);
    for (const parts of [DEFAULTS.parallelParts]) {
      const run = await engine(large, { parallelParts: parts });
      const rate = large.size / (run.ms / 1000);
      emit({
        bench: 'download.bandwidthCapped1GiB',
        capBytesPerSecPerConnection: cap,
        parallelParts: parts,
        bytes: large.size,
        wallMs: round(run.ms, 0),
        mbPerSec: round(rate / MiB, 1),
        baselineMbPerSec: round(curlRate / MiB, 1),
        baseline: 'curl, one connection (rate over 256 MiB)',
        speedup: round(rate / curlRate),
        target: '>= 4 x curl',
        met: rate / curlRate >= 4,
      });
    }
    await controlArchive(info, 'reset');
    await realisticSpeeds(info, large, blobUrl, scratch);

    // 3. 500 small assets: 6 files at once vs one after another (same engine, same verification).
    const scale = await buildPlan(client, { kind: 'dandiset', dandisetId: info.ids.scale, version: 'draft' });
    const small = scale.files
      .filter(f => f.path.startsWith('sub-001/') || f.path.startsWith('sub-002/'))
      .slice(0, 500);
    const folder = async (opts: Partial<DownloadOptions>): Promise<number> => {
      const destination = await mkdtemp(join(tmpdir(), 'dl-bench-folder-'));
      try {
        const { ms, value } = await timed(() => runDownload(small, { destination, ...opts }));
        if (value.failed.length || value.downloaded.length !== small.length)
          throw new Error('folder download incomplete');
        return ms;
      } finally {
        await rm(destination, { recursive: true, force: true });
      }
    };
    const sequentialMs = await folder({ parallelFiles: 1, parallelParts: 1 });
    const parallelMs = await folder({});
    emit({
      bench: 'download.folder500',
      files: small.length,
      bytes: small.reduce((n, f) => n + f.size, 0),
      parallelFiles: 6,
      wallMs: round(parallelMs, 0),
      baselineWallMs: round(sequentialMs, 0),
      baseline: 'one file after another',
      filesPerSec: round(small.length / (parallelMs / 1000), 1),
      baselineFilesPerSec: round(small.length / (sequentialMs / 1000), 1),
      speedup: round(sequentialMs / parallelMs),
      target: 'faster than one after another',
      met: parallelMs < sequentialMs,
    });

    // 4. Abort at ~50%, resume: bytes fetched twice.
    const destination = await mkdtemp(join(tmpdir(), 'dl-bench-resume-'));
    try {
      const controller = new AbortController();
      const first = await runDownload([large], {
        destination,
        signal: controller.signal,
        onProgress: p => {
          if (p.bytesDone >= large.size / 2) controller.abort();
        },
      });
      if (!first.cancelled) throw new Error('the first run was not cancelled');
      const second = await runDownload([large], { destination });
      if (second.failed.length || second.downloaded.length !== 1) throw new Error('the resumed run failed');
      const refetched = first.bytesFetched + second.bytesFetched - large.size;
      emit({
        bench: 'download.resumeAfterAbort',
        bytes: large.size,
        fetchedBeforeAbort: first.bytesFetched,
        fetchedOnResume: second.bytesFetched,
        refetchedBytes: refetched,
        baselineRefetchedBytes: 64 * MiB,
        baseline: 'one dandi-etag part (64 MiB)',
        target: 'at most one part fetched twice',
        met: refetched <= 64 * MiB,
      });
    } finally {
      await rm(destination, { recursive: true, force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
    child.kill('SIGTERM');
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
