// `npm run inspect -- <path|url> [--json]`: prints an HDF5/NWB file's hierarchy (NWB summary,
// then every group and dataset with type, shape, dtype, chunks and filters), or a video's index
// (container, codec, size, frames, keyframes) for .mp4/.m4v/.mov/.webm/.mkv/.avi. URLs are read
// with HTTP range requests, like the viewer does. A Zarr store (a folder with Zarr metadata, a name
// ending in .zarr, an S3 `zarr/{id}/` prefix, or --zarr) prints its groups and arrays with codecs
// and, for OME-Zarr, the multiscale levels; it is read by key, never listed over HTTP.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openHdf5 } from '../src/hdf5/engine';
import { formatReport, inspectFile } from '../src/hdf5/inspect';
import { HttpSource } from '../src/hdf5/sources/http';
import { LocalSource } from '../src/hdf5/sources/local';
import type { ByteSource } from '../src/hdf5/sources/source';
import { Hdf5Error, type SourceSpec } from '../src/hdf5/types';
import { ZarrError } from '../src/zarr/errors';
import { formatZarrReport, inspectZarr } from '../src/zarr/inspect';
import { openZarr } from '../src/zarr/reader';
import type { ZarrStoreSpec } from '../src/zarr/types';
import { VideoError } from '../src/video/errors';
import { looksLikeVideo, readVideoIndex } from '../src/video/readIndex';
import { videoSummary, formatVideoSummary } from '../src/video/summary';

const ZARR_KEYS = ['.zmetadata', '.zgroup', '.zarray', 'zarr.json'];

/** The Zarr store `target` names, or undefined when it is an HDF5 file. */
function zarrSpecFor(target: string, forced: boolean): ZarrStoreSpec | undefined {
  if (/^https?:\/\//i.test(target)) {
    const path = new URL(target).pathname;
    return forced || /\.(zarr|zr)\/?$/i.test(path) || /\/zarr\/[0-9a-f-]{36}\/?$/i.test(path)
      ? { kind: 'http', baseUrl: target }
      : undefined;
  }
  const path = resolve(target);
  const isFolder = existsSync(path) && statSync(path).isDirectory();
  return forced || (isFolder && ZARR_KEYS.some(k => existsSync(join(path, k))))
    ? { kind: 'local', path }
    : undefined;
}

async function inspectZarrStore(spec: ZarrStoreSpec, json: boolean): Promise<number> {
  const reader = await openZarr(spec);
  try {
    const report = await inspectZarr(reader);
    const stats = { requests: reader.requests, bytesFetched: reader.bytesFetched };
    if (json) console.log(JSON.stringify({ ...report, stats }, null, 2));
    else {
      console.log(formatZarrReport(report));
      console.error(
        `\n${stats.requests} ${spec.kind === 'local' ? 'reads' : 'requests'}, ${stats.bytesFetched} bytes fetched`,
      );
    }
  } finally {
    await reader.close();
  }
  return 0;
}

const VIDEO = /\.(mp4|m4v|mov|webm|mkv|avi)$/i;
const HDF5 = /\.(nwb|h5|hdf5|hdf|slp)$/i;

function videoSource(target: string, remote: boolean): ByteSource {
  return remote ? new HttpSource({ url: target, probeBytes: 64 * 1024 }) : new LocalSource(resolve(target));
}

/** A target named neither as a video nor as HDF5 (a blob URL has no extension): its first bytes decide. */
async function sniffVideo(target: string, remote: boolean): Promise<boolean> {
  const source = videoSource(target, remote);
  try {
    const { size, head } = await source.open({});
    return looksLikeVideo(head?.bytes ?? (await source.read(0, Math.min(16, size))));
  } finally {
    await source.close();
  }
}

async function inspectVideo(target: string, remote: boolean, json: boolean): Promise<void> {
  const source = videoSource(target, remote);
  try {
    const summary = videoSummary(await readVideoIndex(source));
    if (json) console.log(JSON.stringify(summary));
    else {
      console.log(formatVideoSummary(summary));
      console.error(
        `\n${source.requests} ${remote ? 'requests' : 'reads'}, ${source.bytesFetched} bytes fetched`,
      );
    }
  } finally {
    await source.close();
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const target = args.find(a => !a.startsWith('--'));
  if (!target) {
    console.error('usage: npm run inspect -- <path|url> [--json] [--zarr]');
    return 2;
  }
  const zarr = zarrSpecFor(target, args.includes('--zarr'));
  if (zarr) return inspectZarrStore(zarr, json);
  const remote = /^https?:\/\//i.test(target);
  const name = remote ? new URL(target).pathname : target;
  if (VIDEO.test(name) || (!HDF5.test(name) && (await sniffVideo(target, remote)))) {
    await inspectVideo(target, remote, json);
    return 0;
  }
  const spec: SourceSpec = remote ? { kind: 'http', url: target } : { kind: 'local', path: resolve(target) };
  const file = await openHdf5(spec);
  try {
    const report = await inspectFile(file);
    const stats = file.stats();
    if (json) console.log(JSON.stringify({ ...report, stats }, null, 2));
    else {
      console.log(formatReport(report));
      console.error(
        `\n${stats.requests} ${spec.kind === 'local' ? 'reads' : 'requests'}, ${stats.bytesFetched} bytes fetched`,
      );
    }
  } finally {
    await file.close();
  }
  return 0;
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof Hdf5Error || error instanceof ZarrError || error instanceof VideoError
        ? `${error.code}: ${error.message}`
        : error,
    );
    process.exit(1);
  },
);
