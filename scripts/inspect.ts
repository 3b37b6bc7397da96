// `npm run inspect -- <path|url> [--json]`: prints an HDF5/NWB file's hierarchy (NWB summary,
// then every group and dataset with type, shape, dtype, chunks and filters). URLs are read with
// HTTP range requests, like the viewer does. A Zarr store (a folder with Zarr metadata, a name
// ending in .zarr, an S3 `zarr/{id}/` prefix, or --zarr) prints its groups and arrays with codecs
// and, for OME-Zarr, the multiscale levels; it is read by key, never listed over HTTP.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openHdf5 } from '../src/hdf5/engine';
import { formatReport, inspectFile } from '../src/hdf5/inspect';
import { Hdf5Error, type SourceSpec } from '../src/hdf5/types';
import { ZarrError } from '../src/zarr/errors';
import { formatZarrReport, inspectZarr } from '../src/zarr/inspect';
import { openZarr } from '../src/zarr/reader';
import type { ZarrStoreSpec } from '../src/zarr/types';

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
  const spec: SourceSpec = /^https?:\/\//i.test(target)
    ? { kind: 'http', url: target }
    : { kind: 'local', path: resolve(target) };
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
      error instanceof Hdf5Error || error instanceof ZarrError ? `${error.code}: ${error.message}` : error,
    );
    process.exit(1);
  },
);
