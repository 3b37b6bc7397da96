/**
 * What an open of an HDF5 file is made of, besides the open file itself (engine.ts): its byte
 * source, the filter plugins its worker loads, and the key a file kept open after its close is
 * found by (filePool.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PLUGIN_FILES } from './filters';
import { toShared, type WorkerInit } from './protocol';
import { createDandiSource } from './sources/dandi';
import { HttpSource } from './sources/http';
import { LocalSource, localIdentity } from './sources/local';
import type { ByteSource } from './sources/source';
import type { OpenOptions, SourceSpec } from './types';
import { defaultWorkerPath } from './workerHost';

const MiB = 1024 * 1024;
export const DEFAULTS = {
  cacheBytes: 256 * MiB,
  metadataCacheBytes: 200 * MiB,
  deadlineMs: 60_000,
  maxElements: 50_000_000,
  maxWalkEntries: 100_000,
};

export const isPrivate = (spec: SourceSpec) =>
  spec.kind === 'dandi' && (spec.private ?? spec.apiKey !== undefined);

/**
 * What a kept file is found by: the bytes' identity (known before any request, or none: such a
 * file is not kept), who reads them (a digest of the credentials) and how (everything in the
 * options that shapes the open file).
 */
export async function keepKey(spec: SourceSpec, options: OpenOptions): Promise<string | null> {
  const identity =
    spec.kind === 'local' ? await localIdentity(spec.path).catch(() => undefined) : spec.identity;
  if (!identity) return null;
  const credentials = spec.kind === 'dandi' ? (spec.apiKey ?? '') : spec.kind === 'http' ? spec.headers : {};
  const who = createHash('sha256')
    .update(JSON.stringify([spec.kind, credentials]))
    .digest('hex');
  const how = [
    options.blockPolicy ?? 'adaptive',
    options.cacheBytes ?? DEFAULTS.cacheBytes,
    options.metadataCacheDir ?? '',
    options.metadataCacheBytes ?? DEFAULTS.metadataCacheBytes,
    options.deadlineMs ?? DEFAULTS.deadlineMs,
    options.maxElements ?? DEFAULTS.maxElements,
    options.workerPath ?? '',
    options.pluginDir ?? '',
    options.metadataReader ?? 'javascript',
  ];
  return JSON.stringify([identity, who, how]);
}

export function createSource(spec: SourceSpec, probeBytes: number): ByteSource {
  switch (spec.kind) {
    case 'local':
      return new LocalSource(spec.path);
    case 'http':
      return new HttpSource({ url: spec.url, headers: spec.headers, probeBytes });
    case 'dandi':
      return createDandiSource(spec, probeBytes);
  }
}

/** dist/h5plugins beside the worker bundle (esbuild.mjs copies the h5wasm-plugins side modules there). */
export function defaultPluginDir(workerPath: string | undefined): string | undefined {
  const dir = join(dirname(workerPath ?? defaultWorkerPath()), 'h5plugins');
  return existsSync(dir) ? dir : undefined;
}

const pluginsByDir = new Map<string, Promise<WorkerInit['plugins']>>();

/** Plugin bytes are read once per folder, into shared memory: each new worker gets them without a copy. */
export function loadPlugins(dir: string): Promise<WorkerInit['plugins']> {
  let loading = pluginsByDir.get(dir);
  if (!loading) {
    const wanted = new Set(Object.values(PLUGIN_FILES));
    loading = readdir(dir).then(all =>
      Promise.all(
        all
          .filter(n => wanted.has(n))
          .map(async name => ({ name, bytes: toShared(await readFile(join(dir, name))) })),
      ),
    );
    loading.catch(() => pluginsByDir.delete(dir));
    pluginsByDir.set(dir, loading);
  }
  return loading;
}

export interface WorkerSpec {
  path: string;
  pluginDir: string | undefined;
  plugins: WorkerInit['plugins'];
  /** Whether the worker may serve another file after this one: not after a file read with an API key. */
  reusable: boolean;
}
