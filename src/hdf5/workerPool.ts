/**
 * Spare HDF5 workers. Starting one costs ~150-200 ms of CPU (parsing the bundle, compiling
 * h5wasm), paid before a file's first answer. When a file closes, its worker (the file released
 * in it) becomes the one spare per bundle, its code optimized by what it read; when it cannot
 * (it failed, grew large, or read a private file), a fresh spare is started in the background (not
 * while the file is being read: it would take CPU from it) and warmed up on scratch files
 * (warmUp.ts). Either way the next open finds h5wasm already running. An unused spare stops after
 * a while.
 */
import type { WorkerInit } from './protocol';
import { WorkerHost } from './workerHost';

const SPARE_IDLE_MS = 120_000;
const WARM_UP_DEADLINE_MS = 30_000;
/**
 * Scratch walks per spare (about 0.3 s of background CPU): a first walk ran 2× faster after 16
 * than after none, in-process; in a new worker, MIES and the scattered file walked 15-25% faster
 * after 20 than after 12, and 30 gained nothing more.
 */
const WARM_UP_WALKS = 20;

interface Spare {
  host: WorkerHost;
  /** Handed on by a closed file (its code optimized), or started fresh (warmed on scratch files). */
  origin: SpareOrigin;
  timer: NodeJS.Timeout;
  /** Settles when the spare has started and warmed up (or failed to). */
  warm: Promise<void>;
}

type SpareOrigin = 'handed-on' | 'fresh';

const spares = new Map<string, Spare>();

const keyOf = (workerPath: string, pluginDir: string | undefined) => `${workerPath}\0${pluginDir ?? ''}`;

/** A started worker for a new file: the spare when there is a live one, else a fresh one. */
export function takeWorker(
  workerPath: string,
  pluginDir: string | undefined,
  plugins: WorkerInit['plugins'],
): WorkerHost {
  const key = keyOf(workerPath, pluginDir);
  const spare = spares.get(key);
  spares.delete(key);
  if (spare) clearTimeout(spare.timer);
  if (spare && !spare.host.dead) return spare.host;
  if (spare) void spare.host.terminate();
  return new WorkerHost(workerPath, plugins);
}

/** Starts a spare for the next open unless one is already waiting; returns the waiting one. */
export function prepareSpareWorker(
  workerPath: string,
  pluginDir: string | undefined,
  plugins: WorkerInit['plugins'],
): WorkerHost {
  const key = keyOf(workerPath, pluginDir);
  const waiting = spares.get(key);
  if (waiting) return waiting.host;
  const host = new WorkerHost(workerPath, plugins);
  const spare = waitAsSpare(key, host, 'fresh');
  spare.warm = warmUp(key, host);
  // A spare that fails to start is simply dropped; the next open starts its own worker.
  host.whenReady().catch(() => {
    if (spares.get(key)?.host === host) {
      spares.delete(key);
      clearTimeout(spare.timer);
    }
  });
  return host;
}

/**
 * Keeps the worker of a file that just closed (its file released in the worker) as the spare:
 * its code is optimized by that file's reading, where a new worker's first walk runs 2-4× slower
 * however long its scratch warm-up. It replaces a waiting spare.
 */
export function offerSpareWorker(workerPath: string, pluginDir: string | undefined, host: WorkerHost): void {
  const key = keyOf(workerPath, pluginDir);
  const waiting = spares.get(key);
  spares.delete(key);
  if (waiting) {
    clearTimeout(waiting.timer);
    void waiting.host.terminate();
  }
  waitAsSpare(key, host, 'handed-on');
}

/** Makes `host` the spare for `key`; it stops after SPARE_IDLE_MS unless an open takes it. */
function waitAsSpare(key: string, host: WorkerHost, origin: SpareOrigin): Spare {
  const timer = setTimeout(() => {
    if (spares.get(key)?.host === host) spares.delete(key);
    void host.terminate();
  }, SPARE_IDLE_MS);
  timer.unref();
  const spare: Spare = { host, origin, timer, warm: Promise.resolve() };
  spares.set(key, spare);
  return spare;
}

/** One scratch walk at a time, while the spare is still waiting (an open takes it at once). */
async function warmUp(key: string, host: WorkerHost): Promise<void> {
  for (let walk = 0; walk < WARM_UP_WALKS && spares.get(key)?.host === host; walk++) {
    try {
      await host.call({ op: 'warmUp' }, { deadlineMs: WARM_UP_DEADLINE_MS, background: true });
    } catch {
      // Not an error: the spare just stays cold (or, if it crashed, is replaced at the next open).
      return;
    }
  }
}

export function hasSpareWorker(workerPath: string, pluginDir: string | undefined): boolean {
  return spares.has(keyOf(workerPath, pluginDir));
}

/** Where the waiting spare came from, or null when none waits (tests, diagnostics). */
export function spareOrigin(workerPath: string, pluginDir: string | undefined): SpareOrigin | null {
  return spares.get(keyOf(workerPath, pluginDir))?.origin ?? null;
}

/** Resolves when the waiting spare (if any) has started and warmed up; benchmarks start their clocks after it. */
export async function spareWorkerStarted(workerPath: string, pluginDir: string | undefined): Promise<void> {
  await spares.get(keyOf(workerPath, pluginDir))?.warm;
}

/** Stops every spare (extension deactivation, tests that count workers). */
export async function stopSpareWorkers(): Promise<void> {
  const all = [...spares.values()];
  spares.clear();
  await Promise.all(
    all.map(spare => {
      clearTimeout(spare.timer);
      return spare.host.terminate();
    }),
  );
}
