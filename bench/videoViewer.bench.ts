// Video viewer benchmark: the generated IBL-like left camera (30 min at 60 Hz, moov at the end)
// streamed from the stand-in archive with 50 ms latency. Time from asking for frame 100000 to the
// frame on a canvas (index + GOP through the host code the editor uses, decoded with WebCodecs in
// Debian's Chromium by the webview's own decoder and frame store) and a warm one-frame step.
// (Memory while playing is not measured yet.) One JSON object per line.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
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
    } finally {
      await source.close();
    }
  } finally {
    server.close();
    await browser.close();
    archive.child.kill();
  }
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
  };
}

void main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
