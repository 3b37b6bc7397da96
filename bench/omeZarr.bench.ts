/**
 * The large generated OME-Zarr (990011: 20,480² × 3 channels, 7 levels, ~6,400 chunks) at 50 ms
 * injected latency: requests and bytes to the first (whole-slide) image and then to a
 * full-resolution (1:1) view of the centre of a 1,600 × 1,000 viewport, for the viewer's path
 * (metadata by key from `.zmetadata`, the coarsest level drawn first, then only the chunks of the
 * chosen level that the viewport touches, 4 in flight) against a lister's path (what `ls` through the API does first: page through
 * `/zarr/{id}/files/`, then read the same metadata and chunks). One JSON object per line.
 *
 *   node esbuild.mjs --only=bench --filter=omeZarr && node dist/bench/omeZarr.bench.js
 */
import { describeRoot, openImage, readTile } from '../src/ome/image';
import {
  axisIndex,
  chooseLevel,
  chunkBlock,
  visibleChunks,
  type OmeImageInfo,
  type OmeLevel,
  type TileRequest,
} from '../src/shared/omeProtocol';
import { zarrSpecForAsset } from '../src/zarr/assetSpec';
import { openZarr } from '../src/zarr/reader';
import type { ZarrReader } from '../src/zarr/types';
import { OME_LARGE_ID, OME_LARGE_PATH } from '../test/archive/seedOme';
import { startArchive } from '../test/archive/server';
import type { StandInArchive } from '../test/archive/types';

const LATENCY_MS = 50;
const VIEW = { width: 1600, height: 1000 };
const IN_FLIGHT = 4;
const note = (message: string): void => void process.stderr.write(`[omeZarr.bench] ${message}\n`);
const emit = (result: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify(result)}\n`);

interface Cost {
  requests: number;
  bytes: number;
  listingRequests: number;
  wallMs: number;
}

async function cost(archive: StandInArchive, fn: () => Promise<void>): Promise<Cost> {
  archive.clearLog();
  const started = performance.now();
  await fn();
  const wallMs = Math.round(performance.now() - started);
  const log = archive.log;
  return {
    requests: log.length,
    bytes: log.reduce((n, e) => n + e.bytes, 0),
    listingRequests: log.filter(e => e.url.includes('/files/')).length,
    wallMs,
  };
}

/**
 * The tiles a viewport at `zoom` (screen px per µm) centred on the image asks for: its level's
 * chunks × channels, after the coarsest level's when `coarseFirst` (what the viewer draws first).
 */
function tilesFor(
  image: OmeImageInfo,
  zoom: number,
  coarseFirst = false,
): { level: number; tiles: TileRequest[] } {
  const ax = axisIndex(image.axes);
  const level = chooseLevel(image.levels, ax.y, ax.x, zoom);
  const coarsest = image.levels.length - 1;
  const first = coarseFirst && level !== coarsest ? tilesAt(image, coarsest, zoom).tiles : [];
  return { level, tiles: [...first, ...tilesAt(image, level, zoom).tiles] };
}

function tilesAt(image: OmeImageInfo, level: number, zoom: number): { level: number; tiles: TileRequest[] } {
  const ax = axisIndex(image.axes);
  const l0 = image.levels[0] as OmeLevel;
  const cy = ((l0.shape[ax.y] as number) * (l0.scale[ax.y] as number)) / 2;
  const cx = ((l0.shape[ax.x] as number) * (l0.scale[ax.x] as number)) / 2;
  const rect = {
    y0: cy - VIEW.height / 2 / zoom,
    y1: cy + VIEW.height / 2 / zoom,
    x0: cx - VIEW.width / 2 / zoom,
    x1: cx + VIEW.width / 2 / zoom,
  };
  const chosen = image.levels[level] as OmeLevel;
  const box = visibleChunks(chosen, ax.y, ax.x, rect);
  const tiles: TileRequest[] = [];
  for (let r = box.rows[0]; r < box.rows[1]; r++)
    for (let c = box.cols[0]; c < box.cols[1]; c++)
      for (let channel = 0; channel < image.channels.length; channel++)
        tiles.push({
          image: image.path,
          level,
          channel,
          z: 0,
          t: 0,
          ...chunkBlock(chosen, ax.y, ax.x, r, c),
        });
  return { level, tiles };
}

async function readAll(reader: ZarrReader, image: OmeImageInfo, tiles: TileRequest[]): Promise<void> {
  const queue = [...tiles];
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await readTile(reader, image, t);
    }),
  );
}

/** What a lister does before it reads anything: every key of the Zarr through the API's listing. */
async function listEverything(archive: StandInArchive, zarrId: string): Promise<number> {
  let keys = 0;
  let next: string | null = `${archive.apiUrl}/zarr/${zarrId}/files/?limit=1000`;
  while (next) {
    const res = await fetch(next);
    const page = (await res.json()) as { next: string | null; results: unknown[] };
    keys += page.results.length;
    next = page.next;
  }
  return keys;
}

async function main(): Promise<void> {
  const archive = await startArchive();
  try {
    const assets = (await (
      await fetch(
        `${archive.apiUrl}/dandisets/${OME_LARGE_ID}/versions/draft/assets/?metadata=true&zarr=true`,
      )
    ).json()) as { results: { path: string; zarr: string | null; metadata: { contentUrl: string[] } }[] };
    const asset = assets.results.find(a => a.path === OME_LARGE_PATH);
    if (!asset?.zarr) throw new Error(`no ${OME_LARGE_PATH} in ${OME_LARGE_ID}`);
    const spec = zarrSpecForAsset(asset, archive.apiUrl);
    note('warming up: one listing builds every chunk once (the stand-in computes them from their keys)');
    const keyCount = await listEverything(archive, asset.zarr);
    archive.faults.set({ latencyMs: LATENCY_MS });
    note(`${keyCount} keys; ${LATENCY_MS} ms latency per request`);

    for (const lister of [false, true]) {
      let reader: ZarrReader | undefined;
      let image: OmeImageInfo | undefined;
      let firstLevel = -1;
      const first = await cost(archive, async () => {
        if (lister) await listEverything(archive, asset.zarr as string);
        reader = await openZarr(spec);
        const root = await describeRoot(reader);
        if (root.kind !== 'image') throw new Error(`unexpected root ${root.kind}`);
        image = await openImage(reader, root.image);
        const l0 = image.levels[0] as OmeLevel;
        const ax = axisIndex(image.axes);
        const fitZoom = Math.min(
          VIEW.width / ((l0.shape[ax.x] as number) * (l0.scale[ax.x] as number)),
          VIEW.height / ((l0.shape[ax.y] as number) * (l0.scale[ax.y] as number)),
        );
        const plan = tilesFor(image, fitZoom, true);
        firstLevel = plan.level;
        await readAll(reader, image, plan.tiles);
      });
      const r = reader as unknown as ZarrReader;
      const img = image as unknown as OmeImageInfo;
      const fullPlan = tilesFor(
        img,
        1 / ((img.levels[0] as OmeLevel).scale[axisIndex(img.axes).x] as number),
      );
      const full = await cost(archive, () => readAll(r, img, fullPlan.tiles));
      await r.close();
      const variant = lister ? 'list the Zarr first' : 'by key (the viewer)';
      emit({
        bench: 'omeZarr.firstImage',
        variant,
        latencyMs: LATENCY_MS,
        level: firstLevel,
        ...first,
        target:
          'no listing request; metadata, the coarsest level, then only the chosen level chunks the viewport touches',
        met: first.listingRequests === 0,
      });
      emit({
        bench: 'omeZarr.fullResolutionZoom',
        variant,
        latencyMs: LATENCY_MS,
        level: fullPlan.level,
        chunks: fullPlan.tiles.length,
        ...full,
        target: 'only the level-0 chunks the viewport touches (one request each)',
        met: full.requests === fullPlan.tiles.length && full.listingRequests === 0,
      });
    }
  } finally {
    await archive.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
