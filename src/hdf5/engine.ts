/**
 * openHdf5: opens an HDF5/NWB file from a local path, a URL or a DANDI asset, lazily. One worker
 * per open file (the crash boundary) runs h5wasm over a block cache; the persistent metadata cache
 * seeds that block cache so a second open of the same blob repeats its metadata calls for free.
 */
import { SMALL_FILE } from './blockCache';
import { EngineFile } from './engineFile';
import { closeKeptFiles, keep, leaseKept } from './filePool';
import { MetadataCache } from './metadataCache';
import type { BlockPolicy, FileSettings, PageRun, StreamRun } from './protocol';
import {
  createSource,
  defaultPluginDir,
  DEFAULTS,
  isPrivate,
  keepKey,
  loadPlugins,
  type WorkerSpec,
} from './openParts';
import { Hdf5Error, type Hdf5File, type OpenOptions, type SourceSpec } from './types';
import { defaultWorkerPath } from './workerHost';
import { hasSpareWorker, prepareSpareWorker } from './workerPool';

const MiB = 1024 * 1024;
/** The size probe brings the file's first bytes along (superblock, root group, often more). */
const PROBE_BYTES = 512 * 1024;
/** The file's start read at open, at most (the link may say more is as cheap). */
const LINK_PROBE_MAX = 8 * MiB;

/** An open seeded from a persistent cache entry failed: the entry is suspect. */
class SeededOpenError extends Error {
  constructor(readonly identity: string) {
    super('an open seeded from the metadata cache failed');
  }
}

export async function openHdf5(spec: SourceSpec, options: OpenOptions = {}): Promise<Hdf5File> {
  const keepAliveMs = options.keepAliveMs ?? 0;
  const key = keepAliveMs > 0 ? await keepKey(spec, options) : null;
  if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the open was cancelled');
  const kept = key ? leaseKept(key) : undefined;
  if (kept) return kept;
  const file = await openUnkept(spec, options);
  return key ? keep(key, file, keepAliveMs, isPrivate(spec)) : file;
}

/** Closes the files kept open after their last close (all, or those read with an API key). */
export function closeKeptHdf5Files(only?: 'private'): Promise<void> {
  return closeKeptFiles(file => only === undefined || file.isPrivate);
}

/**
 * Starts a spare worker before any file has been opened (h5wasm's start, ~150-400 ms, then its
 * warm-up walks, off the path of the first open): for when a user is about to open a file, such
 * as browsing to assets. No-op when a spare is already waiting; an unused one stops on its own.
 */
export async function prepareHdf5Worker(
  options: Pick<OpenOptions, 'workerPath' | 'pluginDir'>,
): Promise<void> {
  const workerPath = options.workerPath ?? defaultWorkerPath();
  const pluginDir = options.pluginDir ?? defaultPluginDir(workerPath);
  if (hasSpareWorker(workerPath, pluginDir)) return;
  const plugins = pluginDir ? await loadPlugins(pluginDir) : [];
  prepareSpareWorker(workerPath, pluginDir, plugins);
}

async function openUnkept(spec: SourceSpec, options: OpenOptions): Promise<EngineFile> {
  try {
    return await openOnce(spec, options, true);
  } catch (error) {
    if (!(error instanceof SeededOpenError)) throw error;
    // Whatever the entry holds (an older engine's pages, a blob that changed), it is not to be
    // trusted again: drop it and open once more from the source alone.
    await metadataCacheFor(spec, options)?.drop(error.identity);
    return openOnce(spec, options, false);
  }
}

function metadataCacheFor(spec: SourceSpec, options: OpenOptions): MetadataCache | null {
  const policy: BlockPolicy = options.blockPolicy ?? 'adaptive';
  const bytes = options.metadataCacheBytes ?? DEFAULTS.metadataCacheBytes;
  if (!options.metadataCacheDir || policy !== 'adaptive' || bytes <= 0) return null;
  return new MetadataCache(options.metadataCacheDir, bytes, { private: isPrivate(spec) });
}

async function openOnce(spec: SourceSpec, options: OpenOptions, useCache: boolean): Promise<EngineFile> {
  const policy: BlockPolicy = options.blockPolicy ?? 'adaptive';
  const source = createSource(spec, policy === 'adaptive' ? PROBE_BYTES : 1);
  const deadlineMs = options.deadlineMs ?? DEFAULTS.deadlineMs;
  const deadline = Date.now() + deadlineMs;
  const cacheBytes = options.cacheBytes ?? DEFAULTS.cacheBytes;
  const metaCache = metadataCacheFor(spec, options);
  let file: EngineFile | null = null;
  try {
    const known: { size?: number; identity?: string } =
      spec.kind === 'local'
        ? {}
        : { identity: spec.identity, ...(spec.kind === 'dandi' ? { size: spec.size } : {}) };
    // Read from disk while the plugins are looked up and a worker is taken.
    const lookup = useCache && known.identity && metaCache ? metaCache.load(known.identity) : null;
    lookup?.catch(() => undefined);
    const workerPath = options.workerPath ?? defaultWorkerPath();
    const pluginDir = options.pluginDir ?? defaultPluginDir(workerPath);
    const plugins = pluginDir ? await loadPlugins(pluginDir) : [];
    const workers: WorkerSpec = { path: workerPath, pluginDir, plugins, reusable: !isPrivate(spec) };
    const settings: FileSettings = {
      cacheBytes,
      policy,
      fetchWaitMs: Math.floor(deadlineMs * 0.95),
      javascriptMetadata: options.metadataReader !== 'libhdf5',
    };
    // The worker boots h5wasm (hundreds of ms, unless a spare is waiting) while the source learns size and identity.
    file = new EngineFile(source, workers, settings, options, metaCache);
    file.spawn();
    let cached = lookup ? await lookup : null;
    if (cached && known.size === undefined) known.size = cached.size;
    const opened = await source.open(known, { signal: options.signal, deadline });
    // Looked up again only when the source named another identity than the one already looked up.
    if (useCache && !cached && metaCache && opened.identity !== known.identity)
      cached = await metaCache.load(opened.identity);
    if (cached && cached.size !== opened.size) cached = null;
    const seed: PageRun[] = [...(cached?.runs ?? [])];
    let stream: StreamRun | undefined;
    if (opened.head && policy === 'adaptive') seed.push(opened.head);
    else if (policy === 'adaptive' && spec.kind !== 'local' && !cached && opened.size > 0) {
      // HDF5 starts at the superblock: fetch the start (the whole file when it costs less than a
      // second round trip would, as this process measured the link). The worker opens the file on
      // the first bytes while the rest arrives.
      const link = source.link?.roundTripBytes() ?? 0;
      const whole = opened.size <= Math.min(Math.max(SMALL_FILE, link), cacheBytes / 4);
      const length = whole
        ? opened.size
        : Math.min(opened.size, Math.max(PROBE_BYTES, Math.min(link, LINK_PROBE_MAX)));
      stream = file.startStream(length, deadline);
      if (!stream)
        seed.push({ offset: 0, bytes: await source.read(0, length, { signal: options.signal, deadline }) });
    }
    file.opened(
      { size: opened.size, identity: opened.identity, label: source.label },
      seed,
      stream,
      cached?.answers ?? null,
    );
    try {
      await file.start(Math.max(1, deadline - Date.now()));
    } catch (error) {
      const retryable = !(
        error instanceof Hdf5Error && ['aborted', 'timeout', 'network'].includes(error.code)
      );
      if (cached && retryable && !options.signal?.aborted) throw new SeededOpenError(opened.identity);
      throw error;
    }
    // The start-up does not watch the caller's signal (the stream belongs to the file): check it here.
    if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the open was cancelled');
    return file;
  } catch (error) {
    if (file) await file.close();
    else await source.close();
    if (error instanceof SeededOpenError) throw error;
    throw error instanceof Hdf5Error
      ? error
      : new Hdf5Error('network', error instanceof Error ? error.message : String(error));
  }
}
