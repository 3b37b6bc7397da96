// Video benchmark: frame 100000 of a long IBL-like video (30 min at 60 Hz, High profile,
// B-frames, moov at the end) streamed from the stand-in archive with 50 ms of latency. Ours: index
// (head + tail) and the frame plan's bytes, cold, then a second open with the index cache (no
// index request). Peers in the same run: OpenCV over the URL (what the DANDI quick-start does:
// VideoCapture, CAP_PROP_POS_FRAMES, read; its requests and bytes counted in the archive's request
// log) and downloading the whole file. One JSON object per line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { request } from 'undici';
import { controlArchive, startArchiveProcess, type ArchiveProcess } from './archiveProcess';
import { createDandiSource } from '../src/hdf5/sources/dandi';
import { VideoIndexCache } from '../src/video/indexCache';
import { planFrame } from '../src/video/plan';
import { readVideoIndex } from '../src/video/readIndex';
import { ensureDebianPackages } from '../test/support/debianPackages';

const LATENCY_MS = 50;
const FRAME = 100_000;
const PYTHON = '/usr/bin/python3';
/** `npm run bench` runs from the repository's root. */
const repoRoot = () => process.cwd();

const progress = (text: string) => process.stderr.write(`[video.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

/**
 * The long video: the fixture generator's IBL-like left camera when it has made it
 * (.cache/video/ibl/...VideoLeftCamera.mp4), else one made here once and kept in .cache/bench.
 */
function ensureLongVideo(): string {
  const generated = join(repoRoot(), '.cache', 'video', 'ibl');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap(n => {
      const full = join(dir, n);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  if (existsSync(generated)) {
    const left = walk(generated).find(f => f.endsWith('_VideoLeftCamera.mp4'));
    if (left) return left;
  }
  const path = join(repoRoot(), '.cache', 'bench', 'video-long-60hz.mp4');
  if (existsSync(path)) return path;
  ensureDebianPackages(['ffmpeg']);
  mkdirSync(join(repoRoot(), '.cache', 'bench'), { recursive: true });
  progress('making a 30 min 60 Hz video (once, a few minutes)');
  const temp = `${path}.${process.pid}.tmp.mp4`;
  const made = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x128:rate=60:duration=1800',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      temp,
    ],
    { stdio: 'inherit' },
  );
  if (made.status !== 0) throw new Error('ffmpeg could not make the long video');
  renameSync(temp, path);
  return path;
}

interface LogEntry {
  origin: string;
  bytes: number;
}

async function log(archive: ArchiveProcess): Promise<{ requests: number; bytes: number }> {
  const res = await request(`${archive.controlUrl}/log`);
  const entries = (await res.body.json()) as LogEntry[];
  return { requests: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
}

async function counted<T>(archive: ArchiveProcess, work: () => Promise<T>) {
  const cleared = await request(`${archive.controlUrl}/clear-log`, { method: 'POST', body: '' });
  await cleared.body.dump();
  const started = performance.now();
  const value = await work();
  const ms = Math.round(performance.now() - started);
  return { value, ms, ...(await log(archive)) };
}

async function main(): Promise<void> {
  const video = ensureLongVideo();
  progress(`long video ${video} (${statSync(video).size} bytes)`);
  ensureDebianPackages(['python3-opencv']);
  const archive = await startArchiveProcess(['--large', video]);
  try {
    const assets = (await (
      await request(
        `${archive.apiUrl}/dandisets/${archive.ids.large}/versions/draft/assets/?page_size=1000&metadata=true`,
      )
    ).body.json()) as {
      results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
    };
    const asset = assets.results.find(a => a.path.endsWith(basename(video)));
    if (!asset) throw new Error('the archive does not serve the video');
    const blobUrl = asset.metadata.contentUrl[1];
    const spec = {
      apiUrl: archive.apiUrl,
      assetId: asset.asset_id,
      size: asset.size,
      blobUrl,
      identity: `blob:${new URL(blobUrl).origin}${new URL(blobUrl).pathname}:${asset.size}`,
    };
    const cache = new VideoIndexCache(mkdtempSync(join(tmpdir(), 'video-bench-')), 256 * 1024 * 1024);
    await controlArchive(archive, 'faults', { latencyMs: LATENCY_MS });

    /** Index (through the cache) and fetch frame FRAME's plan, as the video editor does. */
    const ours = async () => {
      const source = createDandiSource(spec, 64 * 1024);
      const t0 = performance.now();
      const index = await readVideoIndex(source, {
        known: { size: spec.size, identity: spec.identity },
        cache,
      });
      const indexMs = performance.now() - t0;
      const indexRequests = source.requests;
      const indexBytes = source.bytesFetched;
      const plan = planFrame(index, FRAME);
      for (const range of plan.ranges) await source.read(range.start, range.end);
      return {
        indexRequests,
        indexBytes,
        indexMs: Math.round(indexMs),
        planRequests: source.requests - indexRequests,
        planBytes: source.bytesFetched - indexBytes,
        planSamples: plan.samples.length,
        frames: index.frames,
      };
    };
    const cold = await counted(archive, ours);
    const warm = await counted(archive, ours);
    // Frame 100000 may be a keyframe (it is in the generated video: 400 × 250); the frame just
    // before the next keyframe needs the longest run of samples.
    const index = await readVideoIndex(createDandiSource(spec, 64 * 1024), { known: spec, cache });
    const nextKey = index.keyframeFrames.find(f => f > FRAME) ?? index.frames;
    const longest = planFrame(index, nextKey - 1);
    const longestBytes = longest.ranges.reduce((n, r) => n + r.end - r.start, 0);

    const opencv = await counted(archive, async () => {
      const script = [
        'import cv2, sys, time',
        't = time.time()',
        'cap = cv2.VideoCapture(sys.argv[1])',
        'cap.set(cv2.CAP_PROP_POS_FRAMES, int(sys.argv[2]))',
        'ok, frame = cap.read()',
        'print(ok, frame.shape if ok else None, round((time.time() - t) * 1000))',
      ].join('\n');
      const run = spawnSync(PYTHON, ['-c', script, blobUrl, String(FRAME)], { encoding: 'utf8' });
      if (run.status !== 0 || !run.stdout.startsWith('True')) throw new Error(`OpenCV failed: ${run.stderr}`);
      return run.stdout.trim();
    });

    const download = await counted(archive, async () => {
      const res = await request(blobUrl);
      let bytes = 0;
      for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      return bytes;
    });

    const common = {
      bench: 'video.frame100000',
      file: basename(video),
      fileBytes: asset.size,
      frame: FRAME,
      latencyMs: LATENCY_MS,
    };
    emit({
      ...common,
      case: 'cold',
      requests: cold.requests,
      bytes: cold.bytes,
      wallMs: cold.ms,
      ...cold.value,
      peer: 'OpenCV 4.6 VideoCapture(url) + CAP_PROP_POS_FRAMES + read()',
      peerRequests: opencv.requests,
      peerBytes: opencv.bytes,
      peerWallMs: opencv.ms,
      downloadRequests: download.requests,
      downloadBytes: download.bytes,
      downloadWallMs: download.ms,
      target: 'the index plus at most one GOP of bytes',
      met: cold.value.planSamples <= 250 && cold.bytes < asset.size / 4,
    });
    emit({
      ...common,
      case: 'second open (index cache)',
      requests: warm.requests,
      bytes: warm.bytes,
      wallMs: warm.ms,
      ...warm.value,
      longestGopFrame: longest.frame,
      longestGopPlanSamples: longest.samples.length,
      longestGopPlanRanges: longest.ranges.length,
      longestGopPlanBytes: longestBytes,
      target: 'no index request on a second open',
      met: warm.value.indexRequests === 0,
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
