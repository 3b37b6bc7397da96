import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFile, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureRealDirectory } from './paths';
import { tempPaths } from './tempState';
import { abortError, DownloadError } from './types';

/**
 * One download per target at a time. Two windows, or a draft and a published version into one
 * folder, would otherwise share `<target>.dandidownload/`: one run deletes the other's temp data
 * and renames a half-written file into place. The lock is a file created exclusively (`wx`) in
 * that folder, holding who took it; its mtime is refreshed while held. A lock is stale when its
 * process is gone (same host) or when nobody refreshed it for `staleMs` (another host, a frozen
 * process). Within one process a set of held targets answers first, without the file system.
 */

/** Who holds a lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Tells this process's own locks apart (two spellings of one path on a case-folding disk). */
  token?: string;
}

export interface LockOptions {
  /** How long to wait for another download of the same target before giving up. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called once when the target is found in use and the wait begins. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** A lock not refreshed for this long is stale (default 1 hour). */
  staleMs?: number;
  /** How often a held lock's mtime is refreshed (default 1 minute). */
  heartbeatMs?: number;
  /** How often a waiter looks again (default 250 ms). */
  pollMs?: number;
}

export interface TargetLock {
  release(): Promise<void>;
}

const LOCK_NAME = 'lock';
/** The brief exclusive step of breaking a stale lock (so two waiters never both break it). */
const TAKEOVER_NAME = 'lock.takeover';
const TAKEOVER_STALE_MS = 60_000;

/** Targets this process holds, and the tokens written in their lock files. */
const heldHere = new Set<string>();
const heldTokens = new Set<string>();

function lockPath(target: string): string {
  return join(tempPaths(target).dir, LOCK_NAME);
}

/** "in use by another download (pid 123, since …)": what a waiting or refused run says. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'in use by another download';
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `in use by another download (pid ${holder.pid}${where}, since ${holder.since})`;
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder> | null;
    if (
      parsed &&
      Number.isSafeInteger(parsed.pid) &&
      typeof parsed.host === 'string' &&
      typeof parsed.since === 'string'
    )
      return {
        pid: parsed.pid as number,
        host: parsed.host,
        since: parsed.since,
        token: typeof parsed.token === 'string' ? parsed.token : undefined,
      };
  } catch {
    // Missing, or being written right now: judged by its age alone.
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's.
    return (err as { code?: string }).code === 'EPERM';
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return false; // gone already: the next try takes it
  const holder = await readHolder(path);
  if (holder && holder.host === hostname()) {
    if (holder.pid === process.pid) return !heldTokens.has(holder.token ?? '');
    if (!processAlive(holder.pid)) return true;
  }
  return Date.now() - info.mtimeMs > staleMs;
}

/** Removes a stale lock, unless another waiter is doing so or it stopped being stale meanwhile. */
async function breakStale(dir: string, staleMs: number): Promise<void> {
  const takeover = join(dir, TAKEOVER_NAME);
  try {
    await writeFile(takeover, String(process.pid), { flag: 'wx' });
  } catch {
    const info = await stat(takeover).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > TAKEOVER_STALE_MS) await unlink(takeover).catch(() => undefined);
    return;
  }
  try {
    const path = join(dir, LOCK_NAME);
    if (await isStale(path, staleMs)) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

/** `taken`, `held` (by someone else), or `gone` (the folder vanished with a release: try again). */
async function tryCreate(path: string, holder: LockHolder): Promise<'taken' | 'held' | 'gone'> {
  try {
    await writeFile(path, JSON.stringify(holder), { flag: 'wx' });
    return 'taken';
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EEXIST') return 'held';
    if (code === 'ENOENT') return 'gone';
    throw err;
  }
}

async function makeDir(dir: string): Promise<void> {
  try {
    await ensureRealDirectory(dir);
  } catch (err) {
    // Another process created it between the look and the mkdir.
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    await ensureRealDirectory(dir);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * Takes the lock of `target` (an absolute path), waiting up to `waitMs` while another download
 * holds it; then fails with a DownloadError that says who holds it.
 */
export async function lockTarget(target: string, options: LockOptions): Promise<TargetLock> {
  const { dir } = tempPaths(target);
  const path = lockPath(target);
  const staleMs = options.staleMs ?? 60 * 60_000;
  const deadline = Date.now() + options.waitMs;
  let waiting = false;
  for (;;) {
    if (options.signal?.aborted) throw abortError();
    if (!heldHere.has(target)) {
      await makeDir(dir);
      const holder: LockHolder = {
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
        token: randomUUID(),
      };
      const outcome = await tryCreate(path, holder);
      if (outcome === 'taken')
        return held(target, holder.token ?? '', dir, path, options.heartbeatMs ?? 60_000);
      if (outcome === 'gone') continue;
      if (await isStale(path, staleMs)) {
        await breakStale(dir, staleMs);
        continue;
      }
    }
    const current = heldHere.has(target) ? ownHolder() : await readHolder(path);
    if (Date.now() >= deadline)
      throw new DownloadError(
        `${target} is ${describeHolder(current)}; try again when that download has finished.`,
        false,
      );
    if (!waiting) {
      waiting = true;
      options.onWait?.(current);
    }
    await sleep(Math.min(options.pollMs ?? 250, Math.max(1, deadline - Date.now())), options.signal);
  }
}

function ownHolder(): LockHolder {
  return { pid: process.pid, host: hostname(), since: 'earlier in this session' };
}

function held(target: string, token: string, dir: string, path: string, heartbeatMs: number): TargetLock {
  heldHere.add(target);
  heldTokens.add(token);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await unlink(path).catch(() => undefined);
      heldHere.delete(target);
      heldTokens.delete(token);
      // The temp folder goes with the lock when nothing else is left in it (rmdir refuses otherwise).
      await rmdir(dir).catch(() => undefined);
    },
  };
}
