// Video viewer benchmark: the generated IBL-like left camera (30 min at 60 Hz, moov at the end)
// streamed from the stand-in archive with 50 ms latency. Time from asking for frame 100000 to the
// frame on a canvas (index + GOP through the host code the editor uses, decoded with WebCodecs in
// Debian's Chromium by the webview's own decoder and frame store), a warm one-frame step, and the
// page's memory while playing 20 s at the file's rate (GOPs fetched and decoded as playing needs
// them, decoded frames bounded by the store). One JSON object per line.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { assetSourceSpec, createDandiSource } from '../src/hdf5/sources/dandi';
import { readSamples, samplesToDecode } from '../src/editor/videoSamples';
import type { SamplesResult } from '../src/shared/videoProtocol';
import { planFrame } from '../src/video/plan';
import { readVideoIndex } from '../src/video/readIndex';
import { controlArchive, startArchiveProcess } from './archiveProcess';

const LATENCY_MS = 50;
const FRAME = 100_000;
const MAX_DECODED = 120;

const progress = (text: string) => process.stderr.write(`[videoViewer.bench] ${text}\n`);
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify(result));

interface Asset {
  asset_id: string;
  path: string;
  size: number;
}

/** The page: the webview's decoder and store, driven by the bench through `window.bench`. */
const PAGE_ENTRY = `
import { FrameDecoder } from ${JSON.stringify(resolve('media/video/decoder.ts'))};
import { FrameStore } from ${JSON.stringify(resolve('media/video/frameStore.ts'))};
const store = new FrameStore(${MAX_DECODED});
let focus = 0;
const decoder = new FrameDecoder(store, () => focus);
const canvas = document.createElement('canvas');
document.body.append(canvas);
const ctx = canvas.getContext('2d');
const b64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0)).buffer;
function show(frame) {
  const f = store.get(frame);
  if (!f) return false;
  canvas.width = f.displayWidth; canvas.height = f.displayHeight;
  ctx.drawImage(f, 0, 0);
  ctx.getImageData(0, 0, 1, 1); // wait for the draw
  return true;
}
window.bench = {
  async decodeAndShow(batch, frame) {
    const t0 = performance.now();
    focus = frame;
    await decoder.decode({ ...batch, config: { ...batch.config, description: batch.config.description && b64(batch.config.description) },
      keyPrefix: batch.keyPrefix && b64(batch.keyPrefix),
      samples: batch.samples.map(s => ({ ...s, data: b64(s.data) })) });
    const shown = show(frame);
    return { ms: performance.now() - t0, shown, kept: store.size };
  },
  step(frame) { const t0 = performance.now(); focus = frame; const shown = show(frame); return { ms: performance.now() - t0, shown }; },
  kept() { return store.size; },
  missingAfter(frame, span) { return store.firstMissingAfter(frame, span); },
  heap() { return performance.memory ? performance.memory.usedJSHeapSize : 0; },
};
`;

async function main(): Promise<void> {
  const archive = await startArchiveProcess(['--port', '0']);
  // Keep draining the archive's output: a full pipe would stall (and then end) the server.
  archive.child.stdout?.resume();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
  });
  const built = await esbuild.build({
    stdin: { contents: PAGE_ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
  });
  const script = built.outputFiles[0].text;
  const server = createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><body><script>${script}</script></body>`);
  }).listen(0, '127.0.0.1');
  try {
    await new Promise(r => server.once('listening', r));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`); // a secure context
    const iblId = (archive.ids as unknown as { ibl: string }).ibl;
    const listing = (await (
      await fetch(`${archive.apiUrl}/dandisets/${iblId}/versions/draft/assets/?page_size=100`)
    ).json()) as { results: Asset[] };
    const video = listing.results.find(a => a.path.endsWith('_VideoLeftCamera.mp4'));
    if (!video) throw new Error('no left-camera video in the IBL Dandiset (is .cache/video generated?)');
    await controlArchive(archive, 'faults', { latencyMs: LATENCY_MS });
    const spec = assetSourceSpec(
      {
        apiUrl: archive.apiUrl,
        assetId: video.asset_id,
        path: video.path,
        dandisetId: iblId,
        version: 'draft',
      },
      undefined,
    );
    if (spec.kind !== 'dandi') throw new Error('unexpected source');
    const { kind: _kind, ...dandi } = spec;
    const source = createDandiSource(dandi, 64 * 1024);
    try {
      progress(`frame ${FRAME} of ${video.path} (${video.size} bytes) at ${LATENCY_MS} ms latency`);
      const t0 = performance.now();
      const index = await readVideoIndex(source);
      const indexMs = performance.now() - t0;
      const indexRequests = source.requests;
      const nextKey = index.keyframeFrames.find(k => k > FRAME) ?? index.frames;
      const through = Math.min(FRAME + Math.floor(MAX_DECODED * 0.75), nextKey - 1);
      const batch = await readSamples(
        source,
        index,
        FRAME,
        samplesToDecode(index, planFrame, FRAME, through),
      );
      const hostMs = performance.now() - t0;
      const wire = toWire(batch);
      const shown = await page.evaluate(
        ([b, f]) => (globalThis as unknown as BenchPage).bench.decodeAndShow(b, f),
        [wire, FRAME] as const,
      );
      const askToShownMs = performance.now() - t0;
      if (!shown.shown) throw new Error(`frame ${FRAME} was not decoded`);
      emit({
        bench: 'videoViewer',
        case: 'frame 100000, cold (index + GOP + decode)',
        latencyMs: LATENCY_MS,
        askToShownMs: Math.round(askToShownMs),
        indexMs: Math.round(indexMs),
        hostMs: Math.round(hostMs),
        decodeAndDrawMs: Math.round(shown.ms),
        requests: source.requests,
        indexRequests,
        bytes: source.bytesFetched,
        fileBytes: video.size,
        samples: batch.samples.length,
      });
      const steps: number[] = [];
      for (let f = FRAME + 1; f <= FRAME + 30; f++) {
        const step = await page.evaluate(n => (globalThis as unknown as BenchPage).bench.step(n), f);
        if (!step.shown) throw new Error(`frame ${f} was not kept for a warm step`);
        steps.push(step.ms);
      }
      steps.sort((a, b) => a - b);
      emit({
        bench: 'videoViewer',
        case: 'step one frame forward, warm (decoded frame kept)',
        medianMs: Number(steps[steps.length >> 1].toFixed(3)),
        maxMs: Number(steps[steps.length - 1].toFixed(3)),
        targetMs: 16.7,
      });
      await playFor(page, source, index, FRAME + 30);
    } finally {
      await source.close();
    }
  } finally {
    server.close();
    await browser.close();
    archive.child.kill();
  }
}

/**
 * Resident memory (bytes) of the Chromium processes this bench started (descendants of this
 * process named chromium): the renderer holds the decoded frames.
 */
function browserRss(): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' });
  const rows = table
    .trim()
    .split('\n')
    .map(line => line.trim().split(/\s+/))
    .map(([pid, ppid, rss, comm]) => ({ pid: Number(pid), ppid: Number(ppid), rss: Number(rss), comm }));
  const tree = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows)
      if (tree.has(row.ppid) && !tree.has(row.pid)) {
        tree.add(row.pid);
        grew = true;
      }
  }
  return rows
    .filter(row => tree.has(row.pid) && row.comm?.startsWith('chrom'))
    .reduce((sum, row) => sum + row.rss * 1024, 0);
}

/**
 * Plays 20 s from `start` at the file's rate, as the viewer does: a frame not kept is fetched
 * (its GOP through the frames the store can hold) and decoded; between frames, waits out the
 * frame period. Reports frames late, the kept-frame count and the page's memory along the way.
 */
async function playFor(
  page: Page,
  source: Parameters<typeof readSamples>[0],
  index: Awaited<ReturnType<typeof readVideoIndex>>,
  start: number,
): Promise<void> {
  const period = 1000 / index.fps;
  const frames = Math.round(20 * index.fps);
  const rssBefore = browserRss();
  const bytesBefore = source.bytesFetched;
  let peakRss = rssBefore;
  let peakHeap = 0;
  let peakKept = 0;
  let late = 0;
  let fetches = 0;
  const t0 = performance.now();
  // As the viewer does while playing: the first frame not kept within the next 2 s is asked for
  // ahead (one request in flight), and a frame not there when due waits for it.
  let pending: Promise<void> | undefined;
  const fetchFrom = (frame: number): Promise<void> => {
    fetches++;
    const nextKey = index.keyframeFrames.find(k => k > frame) ?? index.frames;
    const through = Math.min(frame + Math.floor(MAX_DECODED * 0.75), nextKey - 1);
    const done = (async () => {
      const batch = await readSamples(
        source,
        index,
        frame,
        samplesToDecode(index, planFrame, frame, through),
      );
      await page.evaluate(([b, f]) => (globalThis as unknown as BenchPage).bench.decodeAndShow(b, f), [
        toWire(batch),
        frame,
      ] as const);
    })();
    pending = done;
    done
      .finally(() => {
        if (pending === done) pending = undefined;
      })
      .catch(() => undefined);
    return done;
  };
  for (let i = 0; i < frames; i++) {
    const frame = start + i;
    const show = () => page.evaluate(n => (globalThis as unknown as BenchPage).bench.step(n), frame);
    if (!(await show()).shown) {
      if (pending) await pending;
      if (!(await show()).shown) await fetchFrom(frame);
    }
    if (!pending) {
      const missing = await page.evaluate(
        ([f, span]) => (globalThis as unknown as BenchPage).bench.missingAfter(f, span),
        [frame, Math.ceil(index.fps * 2)] as const,
      );
      if (missing !== undefined && missing < index.frames) void fetchFrom(missing).catch(() => undefined);
    }
    const due = t0 + (i + 1) * period;
    const now = performance.now();
    if (now > due + period) late++;
    else await new Promise(r => setTimeout(r, Math.max(0, due - now)));
    if (i % 60 === 0) {
      peakRss = Math.max(peakRss, browserRss());
      peakHeap = Math.max(
        peakHeap,
        await page.evaluate(() => (globalThis as unknown as BenchPage).bench.heap()),
      );
      peakKept = Math.max(
        peakKept,
        await page.evaluate(() => (globalThis as unknown as BenchPage).bench.kept()),
      );
    }
  }
  await pending?.catch(() => undefined);
  emit({
    bench: 'videoViewer',
    case: 'playing 20 s at the file rate (memory of the page while playing)',
    latencyMs: LATENCY_MS,
    frames,
    fps: index.fps,
    framesLate: late,
    gopFetches: fetches,
    bytesRead: source.bytesFetched - bytesBefore,
    wallMs: Math.round(performance.now() - t0),
    maxDecodedFramesSetting: MAX_DECODED,
    peakKeptFrames: peakKept,
    browserRssBeforeMB: Math.round(rssBefore / 2 ** 20),
    browserRssPeakMB: Math.round(peakRss / 2 ** 20),
    pageJsHeapPeakMB: Number((peakHeap / 2 ** 20).toFixed(1)),
  });
}

/** Base64 for page.evaluate (its argument is JSON). */
function toWire(batch: SamplesResult) {
  const b64 = (buffer: ArrayBuffer | undefined) => buffer && Buffer.from(buffer).toString('base64');
  return {
    ...batch,
    config: { ...batch.config, description: b64(batch.config.description) },
    keyPrefix: b64(batch.keyPrefix),
    samples: batch.samples.map(s => ({ ...s, data: b64(s.data) as string })),
  };
}

/** What the page exposes (the bench's own type check has no DOM). */
interface BenchPage {
  bench: {
    decodeAndShow(
      batch: ReturnType<typeof toWire>,
      frame: number,
    ): Promise<{ ms: number; shown: boolean; kept: number }>;
    step(frame: number): { ms: number; shown: boolean };
    kept(): number;
    missingAfter(frame: number, span: number): number | undefined;
    heap(): number;
  };
}

void main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
