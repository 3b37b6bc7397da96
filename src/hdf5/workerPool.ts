/**
 * Spare HDF5 workers. Starting one costs ~150-200 ms of CPU (parsing the bundle, compiling
 * h5wasm), paid before a file's first answer. When a file closes, one spare per bundle is started
 * in the background (not while the file is being read: it would take CPU from it), so the next
 * open finds h5wasm already running. An unused spare stops after a while.
 */
import type { WorkerInit } from './protocol';
import { WorkerHost } from './workerHost';

const SPARE_IDLE_MS = 120_000;

interface Spare {
  host: WorkerHost;
  timer: NodeJS.Timeout;
}

const spares = new Map<string, Spare>();

const keyOf = (workerPath: string, pluginDir: string | undefined) => `${workerPath}\0${pluginDir ?? ''}`;

/** A started worker for a new file: the spare when there is a live one, else a fresh one. */
export function takeWorker(workerPath: string, pluginDir: string | undefined, plugins: WorkerInit['plugins']): WorkerHost {
  const key = keyOf(workerPath, pluginDir);
  const spare = spares.get(key);
  spares.delete(key);
  if (spare) clearTimeout(spare.timer);
  if (spare && !spare.host.dead) return spare.host;
  if (spare) void spare.host.terminate();
  return new WorkerHost(workerPath, plugins);
}

/** Starts a spare for the next open unless one is already waiting; returns the waiting one. */
export function prepareSpareWorker(workerPath: string, pluginDir: string | undefined, plugins: WorkerInit['plugins']): WorkerHost {
  const key = keyOf(workerPath, pluginDir);
  const waiting = spares.get(key);
  if (waiting) return waiting.host;
  const host = new WorkerHost(workerPath, plugins);
  const timer = setTimeout(() => {
    if (spares.get(key)?.host === host) spares.delete(key);
    void host.terminate();
  }, SPARE_IDLE_MS);
  timer.unref();
  spares.set(key, { host, timer });
  // A spare that fails to start is simply dropped; the next open starts its own worker.
  host.whenReady().catch(() => {
    if (spares.get(key)?.host === host) {
      spares.delete(key);
      clearTimeout(timer);
    }
  });
  return host;
}

export function hasSpareWorker(workerPath: string, pluginDir: string | undefined): boolean {
  return spares.has(keyOf(workerPath, pluginDir));
}

/** Resolves when the waiting spare (if any) has started; benchmarks start their clocks after it. */
export async function spareWorkerStarted(workerPath: string, pluginDir: string | undefined): Promise<void> {
  await spares.get(keyOf(workerPath, pluginDir))?.host.whenReady().catch(() => undefined);
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
