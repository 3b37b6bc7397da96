/**
 * One open HDF5 file of the engine: its worker (started, or a spare taken), the seed of its block
 * cache, its metadata answers (kept as the worker serialized them, persisted by the metadata
 * cache), its decoded reads and its raw chunk reads. engine.ts opens it; filePool.ts keeps it
 * open for a while after its close.
 */
import { deserialize } from 'node:v8';
import type { AfterClose, PoolableFile } from './filePool';
import type { MetadataAnswers, MetadataCache } from './metadataCache';
import { ReadMemo } from './readMemo';
import {
  toShared,
  type CallOp,
  type CallValue,
  type FileSettings,
  type PageRun,
  type ReleaseValue,
  type SerializedAnswer,
  type StreamRun,
} from './protocol';
import { DEFAULTS, type WorkerSpec } from './openParts';
import { readRawChunks } from './rawChunks';
import { startStreamRun } from './streamRun';
import type { ByteSource } from './sources/source';
import {
  Hdf5Error,
  type ChunkPlan,
  type DatasetInfo,
  type FileInfo,
  type H5Attribute,
  type H5Entry,
  type Hdf5File,
  type MetadataSnapshot,
  type OpenOptions,
  type ReadResult,
  type Selection,
  type SourceStats,
  type WalkOptions,
} from './types';
import type { WorkerHost } from './workerHost';
import { offerSpareWorker, prepareSpareWorker, takeWorker } from './workerPool';

const MiB = 1024 * 1024;
const WALK_DEADLINE_FACTOR = 10;
/** Decoded reads each file remembers (readMemo.ts). */
const READ_MEMO_BYTES = 32 * MiB;
/** A worker whose wasm heap grew past this (large reads) is stopped at close, not kept as the spare. */
const REUSED_HEAP_MAX = 256 * MiB;
/** The release of a file in its worker is a few milliseconds; one that takes longer is not waited for again. */
const RELEASE_DEADLINE_MS = 2000;

export class EngineFile implements PoolableFile {
  info: FileInfo = { size: 0, identity: '', label: '' };
  private host: WorkerHost | null = null;
  private hostOpen: Promise<unknown> | null = null;
  private seed: PageRun[] = [];
  private stream: StreamRun | undefined;
  /** Stops the stream at close (the source's close would wait for it). */
  private readonly streamAbort = new AbortController();
  private seededFromCache = false;
  /** Whether some worker has opened the file (so there is metadata worth saving). */
  private everOpened = false;
  private restarts = 0;
  private closed = false;
  private metadataCacheHits = 0;
  /**
   * Metadata answers by call (the bytes never change, so neither do they): a repeated call, or a
   * walk in a later session (persisted with the pages), costs no h5wasm call.
   */
  private answers: MetadataAnswers = new Map();
  /** Answers or pages were added since the last save. */
  private unsaved = false;
  private readonly reads = new ReadMemo(READ_MEMO_BYTES);
  private lastStats = {
    hits: 0,
    misses: 0,
    cacheBytes: 0,
    peakCacheBytes: 0,
    formatAnswers: 0,
    formatFallbacks: 0,
    waitMs: 0,
  };
  /** The metadata save in flight (a kept file's lease starts one at close without waiting for it). */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: ByteSource,
    private readonly workers: WorkerSpec,
    private readonly settings: FileSettings,
    private readonly options: OpenOptions,
    private readonly metaCache: MetadataCache | null,
  ) {}

  /** Starts a worker (it opens the file at its first call). */
  spawn(): void {
    this.host = takeWorker(this.workers.path, this.workers.pluginDir, this.workers.plugins);
    this.host.source = this.source;
    this.hostOpen = null;
  }

  /**
   * Starts reading the file's first `length` bytes into shared memory; the worker reads them as
   * they land. The stream belongs to the file, not to the open call's signal: a cancelled open
   * closes the file, and that stops it. Undefined when the source cannot stream.
   */
  startStream(length: number, deadline: number): StreamRun | undefined {
    const readInto = this.source.readInto?.bind(this.source);
    if (!readInto) return undefined;
    return startStreamRun(readInto, length, this.source.link, { signal: this.streamAbort.signal, deadline });
  }

  opened(
    info: FileInfo,
    seed: PageRun[],
    stream: StreamRun | undefined,
    cachedAnswers: MetadataAnswers | null,
  ): void {
    this.info = info;
    this.stream = stream;
    // In shared memory, the seed reaches each worker (a restarted one too) without being cloned.
    this.seed = seed.map(run => ({ offset: run.offset, bytes: toShared(run.bytes) }));
    this.seededFromCache = cachedAnswers !== null;
    this.answers = new Map(cachedAnswers ?? []);
  }

  /** Opens the file in the worker: its superblock and root group read, or the error why not. */
  async start(deadlineMs: number): Promise<void> {
    await this.openedHost({ deadlineMs });
    this.unsaved = true;
  }

  async list(path: string): Promise<H5Entry[]> {
    return (await this.metadataCall({ op: 'list', path: normalize(path) })) as H5Entry[];
  }

  async entry(path: string): Promise<H5Entry> {
    return (await this.metadataCall({ op: 'entry', path: normalize(path) })) as H5Entry;
  }

  async attributes(path: string): Promise<H5Attribute[]> {
    return (await this.metadataCall({ op: 'attributes', path: normalize(path) })) as H5Attribute[];
  }

  async datasetInfo(path: string): Promise<DatasetInfo> {
    return (await this.metadataCall({ op: 'datasetInfo', path: normalize(path) })) as DatasetInfo;
  }

  async walk(path = '/', options: WalkOptions = {}): Promise<MetadataSnapshot> {
    const call: CallOp = {
      op: 'walk',
      path: normalize(path),
      attributes: options.attributes ?? true,
      maxEntries: options.maxEntries ?? DEFAULTS.maxWalkEntries,
    };
    // One call does the work of thousands: it gets their time (hung fetches still fail on their own deadline).
    return (await this.metadataCall(
      call,
      WALK_DEADLINE_FACTOR * (this.options.deadlineMs ?? DEFAULTS.deadlineMs),
    )) as MetadataSnapshot;
  }

  async read(
    path: string,
    selection: Selection = {},
    options: { signal?: AbortSignal; maxElements?: number } = {},
  ): Promise<ReadResult> {
    const maxElements = options.maxElements ?? this.options.maxElements ?? DEFAULTS.maxElements;
    const call: CallOp = { op: 'read', path: normalize(path), selection, maxElements };
    const key = JSON.stringify(call);
    const known = this.reads.get(key);
    if (known) {
      if (this.closed) throw new Hdf5Error('closed', `${this.info.label} is closed`);
      if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the call was cancelled');
      return known;
    }
    const result = (await this.call(call, undefined, options.signal)) as ReadResult;
    this.reads.set(key, result);
    return result;
  }

  async chunkPlan(path: string): Promise<ChunkPlan> {
    return (await this.call({ op: 'chunkPlan', path: normalize(path) })) as ChunkPlan;
  }

  async readChunks(...[plan, which, visit, options]: Parameters<NonNullable<Hdf5File['readChunks']>>) {
    if (this.closed) throw new Hdf5Error('closed', `${this.info.label} is closed`);
    const deadlineMs = this.options.deadlineMs ?? DEFAULTS.deadlineMs;
    await readRawChunks(this.source, plan, which, visit, { signal: options?.signal, deadlineMs });
  }

  stats(): SourceStats {
    if (this.host) {
      this.lastStats = {
        hits: this.host.stat('hits'),
        misses: this.host.stat('misses'),
        cacheBytes: this.host.stat('cacheBytes'),
        peakCacheBytes: Math.max(this.lastStats.peakCacheBytes, this.host.stat('peakCacheBytes')),
        formatAnswers: this.host.stat('formatAnswers'),
        formatFallbacks: this.host.stat('formatFallbacks'),
        waitMs: this.host.stat('waitMs'),
      };
    }
    return {
      requests: this.source.requests,
      bytesFetched: this.source.bytesFetched,
      cacheHits: this.lastStats.hits,
      cacheMisses: this.lastStats.misses,
      cacheBytes: this.lastStats.cacheBytes,
      metadataCacheHits: this.metadataCacheHits,
      peakCacheBytes: this.lastStats.peakCacheBytes,
      workerRestarts: this.restarts,
      metadataByJavaScript: this.lastStats.formatAnswers,
      metadataByLibhdf5: this.lastStats.formatFallbacks,
      waitMs: Math.round(this.lastStats.waitMs),
    };
  }

  /** Saves after the save in flight, if any (each writes what the file holds by then). */
  saveMetadata(): Promise<void> {
    const save = this.saving.then(() => this.saveNow());
    this.saving = save.catch(() => undefined);
    return save;
  }

  private async saveNow(): Promise<void> {
    if (!this.metaCache || !this.unsaved || !this.everOpened || !this.host || this.host.dead) return;
    this.unsaved = false;
    const runs = (await this.call({ op: 'exportMetadata' })) as PageRun[];
    if (runs.length > 0) await this.metaCache.save(this.info.identity, this.info.size, runs, this.answers);
  }

  close(): Promise<void> {
    return this.dispose('spare');
  }

  async dispose(afterwards: AfterClose): Promise<void> {
    if (this.closed) return;
    try {
      await this.saveMetadata();
    } catch {
      // The cache is an accelerator; failing to save it must not fail close().
    }
    this.closed = true;
    const host = this.host;
    this.host = null;
    this.streamAbort.abort();
    const handedBack = host !== null && afterwards !== 'stop' && (await this.handBack(host));
    if (host && !handedBack) await host.terminate();
    await this.source.close();
    // Started now, not while this file was busy: the next open (often this file again, or the
    // next asset of the same session) then finds h5wasm running.
    if (afterwards === 'spare' && !handedBack) this.prepareSpare();
  }

  /**
   * Gives the worker back to the pool as the next open's spare, its file released: false when it
   * is not worth keeping (it failed, is busy, or its wasm heap grew large) or read a private file
   * (its memory may still hold that file's bytes), and is to be stopped.
   */
  private async handBack(host: WorkerHost): Promise<boolean> {
    if (!this.workers.reusable || host.dead || !host.idle || !this.everOpened) return false;
    try {
      const { heapBytes } = (await host.call(
        { op: 'release' },
        { deadlineMs: RELEASE_DEADLINE_MS },
      )) as ReleaseValue;
      if (heapBytes > REUSED_HEAP_MAX || host.dead) return false;
    } catch {
      return false;
    }
    host.source = null;
    offerSpareWorker(this.workers.path, this.workers.pluginDir, host);
    return true;
  }

  prepareSpare(): void {
    if (this.everOpened) prepareSpareWorker(this.workers.path, this.workers.pluginDir, this.workers.plugins);
  }

  /**
   * Answers a metadata call once per file; callers get copies, deserialized from the bytes the
   * worker serialized (the answer stays as read).
   */
  private async metadataCall(call: CallOp, deadlineMs?: number): Promise<unknown> {
    const key = JSON.stringify(call);
    const known = this.answers.get(key);
    if (known !== undefined) {
      if (this.closed) throw new Hdf5Error('closed', `${this.info.label} is closed`);
      if (this.seededFromCache) this.metadataCacheHits++;
      return deserialize(known);
    }
    const before = this.source.requests;
    const { serialized } = (await this.call(call, deadlineMs)) as SerializedAnswer;
    if (this.seededFromCache && this.source.requests === before) this.metadataCacheHits++;
    this.answers.set(key, serialized);
    this.unsaved = true;
    return deserialize(serialized);
  }

  /** Sends a call to the worker, starting a fresh one after a crash (the file is reopened). */
  private async call(call: CallOp, deadlineMs?: number, signal?: AbortSignal): Promise<CallValue> {
    const options = { deadlineMs: deadlineMs ?? this.options.deadlineMs ?? DEFAULTS.deadlineMs, signal };
    const host = await this.openedHost(options);
    if (call.op !== 'exportMetadata') this.unsaved = true;
    return host.call(call, options);
  }

  /** The worker with this file open in it (a fresh one after a crash: the file is reopened). */
  private async openedHost(options: { deadlineMs: number }): Promise<WorkerHost> {
    if (this.closed) throw new Hdf5Error('closed', `${this.info.label} is closed`);
    if (!this.host || this.host.dead) {
      if (this.host) {
        this.stats();
        this.restarts++;
      }
      this.spawn();
    }
    const host = this.host as WorkerHost;
    if (!this.hostOpen) {
      // Not the caller's signal: a cancelled view must not leave the file unopened for everyone.
      // A failed open is forgotten, so the next call tries again.
      const opening = host.call(
        { op: 'open', size: this.info.size, seed: this.seed, stream: this.stream, settings: this.settings },
        { deadlineMs: options.deadlineMs },
      );
      this.hostOpen = opening;
      opening.catch(() => {
        if (this.hostOpen === opening) this.hostOpen = null;
      });
    }
    await this.hostOpen;
    this.everOpened = true;
    return host;
  }
}

/** Absolute HDF5 path without a trailing slash; rejects what HDF5 would misread. */
function normalize(path: string): string {
  if (typeof path !== 'string' || path.includes('\0'))
    throw new Hdf5Error('not-found', `invalid path: ${JSON.stringify(path)}`);
  const parts = path.split('/').filter(p => p.length > 0 && p !== '.');
  if (parts.includes('..')) throw new Hdf5Error('not-found', `invalid path: ${path}`);
  return '/' + parts.join('/');
}
