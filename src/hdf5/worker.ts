/**
 * The HDF5 worker (bundled to dist/hdf5Worker.js): h5wasm's ESM build on MEMFS with one lazy file
 * node over the block cache. It answers one call at a time; a byte miss is posted to the host and
 * the worker blocks with Atomics.wait until the host has fetched it. A wasm trap or abort is
 * reported as fatal: the host then terminates this worker and starts a fresh one.
 */
import { compiledWasmModule } from './wasmShare';
import h5wasm from 'h5wasm';
import { serialize } from 'node:v8';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { BlockCache } from './blockCache';
import { LazyFileNode, type EmscriptenFs } from './fileNode';
import { PLUGIN_FILES } from './filters';
import { warmUpWorker } from './warmUp';
import type { H5Module } from './h5calls';
import { FileOps } from './ops';
import { EXTERNAL_STORAGE } from './format/storedLayout';
import {
  STAT,
  type CallOp,
  type CallValue,
  type FetchReply,
  type HostToWorker,
  type SerializedAnswer,
  type WorkerInit,
  type WorkerToHost,
} from './protocol';
import { Hdf5Error, type Hdf5ErrorCode } from './types';
import { ldexpSideModule, withNeededLibrary } from './zfpLink';

const PLUGIN_DIR = '/plugins';
const PLUGIN_DEPS_DIR = '/plugin-deps';
/** Gives the zfp plugin the `ldexp` h5wasm lacks (src/hdf5/zfpLink.ts). */
const LDEXP_LIBRARY = `${PLUGIN_DEPS_DIR}/libldexp.so`;
const ZFP = 32013;
const FILE_PATH = '/data/file.h5';

const init = (workerData as { init: WorkerInit; fetchPort: MessagePort }).init;
const fetchPort = (workerData as { fetchPort: MessagePort }).fetchPort;
const port = parentPort;
if (!port) throw new Error('hdf5Worker must run in a worker thread');
const control = new Int32Array(init.control);
const stats = new Float64Array(init.stats);
let fetchSeq = 0;
/** Set by the open call; until then no fetch can happen. */
let fetchWaitMs = 60_000;

function post(message: WorkerToHost): void {
  port?.postMessage(message);
}

class FetchError extends Error {
  constructor(
    readonly code: Hdf5ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Blocks until the host has fetched [start, end); see protocol.ts for the handshake. */
function fetchSync(start: number, end: number): Uint8Array {
  const seq = ++fetchSeq;
  const deadline = Date.now() + fetchWaitMs;
  Atomics.store(control, 0, 0);
  post({ type: 'fetch', seq, start, end });
  for (;;) {
    for (let m = receiveMessageOnPort(fetchPort); m; m = receiveMessageOnPort(fetchPort)) {
      const reply = m.message as FetchReply;
      if (reply.seq !== seq) continue; // a late answer to a fetch that already timed out
      if (!reply.ok) throw new FetchError(reply.code, reply.message);
      return reply.bytes;
    }
    const left = deadline - Date.now();
    if (left <= 0)
      throw new FetchError('timeout', `no answer for bytes ${start}-${end - 1} within ${fetchWaitMs} ms`);
    Atomics.wait(control, 0, 0, left);
    Atomics.store(control, 0, 0);
  }
}

function publishStats(cache: BlockCache, ops: FileOps | null): void {
  const c = cache.stats();
  if (ops) {
    stats[STAT.formatAnswers] = ops.javascript.counts.answers;
    stats[STAT.formatFallbacks] = ops.javascript.counts.fallbacks;
  }
  stats[STAT.hits] = c.hits;
  stats[STAT.misses] = c.misses;
  stats[STAT.cacheBytes] = c.bytes;
  stats[STAT.peakCacheBytes] = c.peakBytes;
  stats[STAT.pinnedBytes] = c.pinnedBytes;
  stats[STAT.waitMs] = c.waitMs;
}

function installPlugins(m: H5Module): number[] {
  if (init.plugins.length === 0) return [];
  const fs = m.FS as unknown as {
    mkdirTree(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
  };
  fs.mkdirTree(PLUGIN_DIR);
  // Outside the plugin folder, which HDF5 searches for filters.
  fs.mkdirTree(PLUGIN_DEPS_DIR);
  fs.writeFile(LDEXP_LIBRARY, ldexpSideModule());
  for (const plugin of init.plugins) {
    const bytes =
      plugin.name === PLUGIN_FILES[ZFP] ? withNeededLibrary(plugin.bytes, LDEXP_LIBRARY) : plugin.bytes;
    fs.writeFile(`${PLUGIN_DIR}/${plugin.name}`, bytes);
  }
  m.insert_plugin_search_path(PLUGIN_DIR, 0);
  const names = new Set(init.plugins.map(p => p.name));
  return Object.entries(PLUGIN_FILES)
    .filter(([, file]) => names.has(file))
    .map(([id]) => Number(id));
}

async function main(): Promise<void> {
  const m = (await h5wasm.ready) as H5Module;
  m.activate_throwing_error_handler();
  const pluginIds = installPlugins(m);
  const fs = m.FS as unknown as EmscriptenFs & { mkdirTree(path: string): void };
  fs.mkdirTree('/data');
  // The file is opened once its size is known (the host learns it while this worker starts).
  let io: { cache: BlockCache; node: LazyFileNode } | null = null;
  let ops: FileOps | null = null;
  /** The file as libhdf5 opened it, once something needed libhdf5. */
  let libhdf5File: InstanceType<typeof h5wasm.File> | null = null;

  const answer = (call: CallOp): CallValue => {
    if (call.op === 'open') {
      if (io) throw new Hdf5Error('corrupt', 'the file is already open');
      fetchWaitMs = call.settings.fetchWaitMs;
      const cache = new BlockCache(call.size, fetchSync, {
        cacheBytes: call.settings.cacheBytes,
        policy: call.settings.policy,
        linkBytes: () => stats[STAT.linkBytes],
      });
      cache.seed(call.seed);
      if (call.stream) cache.seedStream(call.stream, call.settings.fetchWaitMs);
      const node = new LazyFileNode(fs, FILE_PATH, cache);
      io = { cache, node };
      cache.beginOp('metadata');
      const openLibhdf5 = () => (libhdf5File = new h5wasm.File(FILE_PATH, 'r')).file_id;
      ops = new FileOps(m, openLibhdf5, cache, new Set(pluginIds), () => node.lastFailure != null, {
        readAt: (at, target) => node.readAt(at, target),
        javascriptMetadata: call.settings.javascriptMetadata,
      });
      // libhdf5 opens the file now only when the JavaScript reader cannot read its root (it then
      // says why the file does not open); else at the first answer left to it, if any.
      ops.openRoot();
      return { pluginsLoaded: pluginIds };
    }
    if (call.op === 'warmUp') {
      // Only before a file is open: the scratch walk must not share the worker with a user's file.
      if (io) return { warmUpMs: 0 };
      const started = performance.now();
      warmUpWorker(m);
      return { warmUpMs: performance.now() - started };
    }
    if (call.op === 'release') {
      libhdf5File?.close();
      if (io) fs.unlink(FILE_PATH);
      io = null;
      ops = null;
      libhdf5File = null;
      // The next file's counters start from zero (the host sets the link's figure itself).
      for (const [slot, index] of Object.entries(STAT)) if (slot !== 'linkBytes') stats[index] = 0;
      return { heapBytes: m.HEAPU8.length };
    }
    if (!io || !ops) throw new Hdf5Error('closed', 'the file is not open');
    if (call.op === 'exportMetadata') return io.cache.pinnedRuns();
    switch (call.op) {
      case 'list':
        return serialized(ops.list(call.path));
      case 'entry':
        return serialized(ops.entry(call.path));
      case 'attributes':
        return serialized(ops.attributes(call.path));
      case 'datasetInfo':
        return serialized(ops.datasetInfo(call.path));
      case 'read':
        return ops.read(call.path, call.selection, call.maxElements);
      case 'walk':
        return serialized(ops.walk(call.path, call.attributes, call.maxEntries));
      case 'chunkPlan':
        return ops.chunkPlan(call.path);
    }
  };

  port?.on('message', (message: HostToWorker) => {
    if (io) io.node.lastFailure = null;
    try {
      const value = answer(message.call);
      if (io) publishStats(io.cache, ops);
      const transfer = transferables(value);
      port?.postMessage({ type: 'reply', id: message.id, ok: true, value } satisfies WorkerToHost, transfer);
    } catch (error) {
      if (io) publishStats(io.cache, ops);
      post({
        type: 'reply',
        id: message.id,
        ok: false,
        ...classify(error, message.call, io?.node.lastFailure ?? null),
      });
    }
  });
  const wasmModule = compiledWasmModule();
  post(wasmModule ? { type: 'ready', wasmModule } : { type: 'ready' });
}

/** A metadata answer as the host keeps it (protocol.ts, SerializedAnswer). */
function serialized(value: unknown): SerializedAnswer {
  return { serialized: serialize(value) };
}

function transferables(value: CallValue): ArrayBuffer[] {
  if ('data' in value && ArrayBuffer.isView(value.data)) return [value.data.buffer as ArrayBuffer];
  if ('serialized' in value) {
    const bytes = value.serialized;
    // Transferred when it owns its buffer (else the buffer is shared with other bytes: copied).
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
      return [bytes.buffer as ArrayBuffer];
  }
  return [];
}

/** Maps a failure to an engine error; wasm traps and aborts are fatal (the module is unusable). */
function classify(
  error: unknown,
  call: CallOp,
  failure: LazyFileNode['lastFailure'],
): { code: Hdf5ErrorCode; message: string; fatal: boolean } {
  if (error instanceof Hdf5Error) return { code: error.code, message: error.message, fatal: false };
  if (error instanceof Error && (error.name === 'RuntimeError' || /^Aborted\(/.test(error.message))) {
    return { code: 'worker-crashed', message: `the HDF5 library failed: ${error.message}`, fatal: true };
  }
  if (failure) return { code: failure.code, message: failure.message, fatal: false };
  const text = error instanceof Error ? error.message : String(error);
  const filter = /required filter '([^']+)' is not registered/.exec(text);
  if (filter)
    return { code: 'unsupported-filter', message: `unsupported compression: ${filter[1]}`, fatal: false };
  if (/external raw data file/i.test(text))
    return { code: 'unsupported-layout', message: EXTERNAL_STORAGE, fatal: false };
  if (/truncated file/i.test(text))
    return { code: 'corrupt', message: `the file is truncated (${firstLine(text)})`, fatal: false };
  if (call.op === 'open' && /signature/i.test(text)) {
    return { code: 'not-hdf5', message: `not an HDF5 file (${firstLine(text)})`, fatal: false };
  }
  // Only errors raised by HDF5's own error handling leave the module consistent; any other JS
  // error unwound through wasm frames (e.g. a plugin failing to link) may not: restart the worker.
  if (!/^HDF5-DIAG|^error - /.test(text))
    return { code: 'worker-crashed', message: `the HDF5 library failed: ${text.slice(0, 300)}`, fatal: true };
  return { code: 'corrupt', message: `the file is damaged or unreadable: ${firstLine(text)}`, fatal: false };
}

/** The most specific frame of an HDF5 error stack (the deepest one outside plugin search). */
function firstLine(text: string): string {
  const frames = [...text.matchAll(/#\d+: (\S+) line \d+ in [\w_]+\(\): (.*)/g)].filter(
    m => !/H5PL\w*\.c$/.test(m[1]),
  );
  const line =
    frames.length > 0
      ? frames[frames.length - 1][2]
      : (text.split('\n').find(l => l.trim().length > 0) ?? text);
  return line.trim().slice(0, 300);
}

main().catch((error: unknown) => {
  post({
    type: 'reply',
    id: 0,
    ok: false,
    code: 'worker-crashed',
    message: `HDF5 worker failed to start: ${String(error)}`,
    fatal: true,
  });
});
