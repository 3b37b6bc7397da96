import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { downloadBlob, fileSystemError, type FileContext } from './blobDownload';
import { isAbort } from './fetchRange';
import { HashPool } from './hashPool';
import { describeHolder, lockTarget } from './lock';
import { nameFolding, nameKey, prepareTarget, unsafePathReason, type NameFolding } from './paths';
import { ProgressTracker } from './progress';
import { Transport, redactUrl } from './transport';
import { VerifiedIndex } from './verifiedIndex';
import { openPositionalWriter } from './writer';
import { downloadZarr } from './zarr';
import {
  abortError,
  DownloadError,
  type DownloadOptions,
  type DownloadSummary,
  type PlannedFile,
} from './types';

/** Defaults of the options (exported for the benchmarks, which report what users get). */
export const DEFAULTS = {
  parallelFiles: 6,
  parallelParts: 8,
  maxAttempts: 10,
  maxBackoffMs: 30_000,
  headersMs: 60_000,
  idleMs: 60_000,
  /** How long a run waits for another download of the same target (lock.ts). */
  lockWaitMs: 10 * 60_000,
  /** Slower than this over the window, an attempt counts against the retry budget (fetchRange.ts). */
  minBytesPerSec: 1024,
  slowWindowMs: 60_000,
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Targets that would collide on this destination: the same path as another file or as a path the
 * caller writes itself, compared as the file system compares names (case, Unicode forms).
 */
function findCollisions(
  plan: readonly PlannedFile[],
  reserved: readonly string[],
  folding: NameFolding,
): Map<PlannedFile, string> {
  const keyOf = (path: string) => nameKey(path, folding);
  const reservedKeys = new Map(reserved.map(path => [keyOf(path), path]));
  const seen = new Map<string, PlannedFile>();
  const out = new Map<PlannedFile, string>();
  for (const file of plan) {
    const key = keyOf(file.localPath);
    const first = seen.get(key);
    const ours = reservedKeys.get(key);
    if (ours !== undefined)
      out.set(file, `its target ${file.localPath} is ${ours}, which this download writes itself`);
    else if (first) out.set(file, `its target ${file.localPath} collides with that of ${first.path}`);
    else seen.set(key, file);
  }
  return out;
}

/**
 * Downloads a plan into `options.destination`: several files at once, large files as parallel
 * verified parts, resumable, never writing outside the destination. Resolves with a summary;
 * per-file failures are collected, not thrown. Cancellation resolves with `cancelled: true`.
 */
export async function runDownload(
  plan: readonly PlannedFile[],
  options: DownloadOptions,
): Promise<DownloadSummary> {
  const destination = resolve(options.destination);
  const summary: DownloadSummary = {
    downloaded: [],
    skipped: [],
    failed: [],
    cancelled: false,
    bytesFetched: 0,
  };
  const log = options.onLog ?? (() => undefined);
  const parallelParts = Math.max(1, options.parallelParts ?? DEFAULTS.parallelParts);
  const parallelFiles = Math.max(1, options.parallelFiles ?? DEFAULTS.parallelFiles);
  const transport = new Transport({
    apiKey: options.apiKey,
    signal: options.signal,
    timeouts: {
      headersMs: options.timeouts?.headersMs ?? DEFAULTS.headersMs,
      idleMs: options.timeouts?.idleMs ?? DEFAULTS.idleMs,
    },
  });
  const tracker = new ProgressTracker(
    plan.length,
    plan.reduce((n, f) => n + f.size, 0),
    options.onProgress,
  );
  // Counts from the start: a progress notification never shows a bare title while the first
  // connections open.
  tracker.report(true);
  const index = await VerifiedIndex.open(destination);
  const folding = await nameFolding(destination);
  const collisions = findCollisions(plan, options.reservedPaths ?? [], folding);
  const hashPool = new HashPool({ kernel: options.md5Kernel });
  const baseContext = {
    transport,
    hashPool,
    signal: options.signal,
    parallelParts,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULTS.maxBackoffMs,
    minimumRate: {
      bytesPerSec: options.minimumRate?.bytesPerSec ?? DEFAULTS.minBytesPerSec,
      windowMs: options.minimumRate?.windowMs ?? DEFAULTS.slowWindowMs,
    },
    openWriter: options.openWriter ?? openPositionalWriter,
    directIo: options.directIo ?? true,
    folding,
    onBytes: (n: number) => (summary.bytesFetched += n),
  };

  const downloadOne = async (file: PlannedFile): Promise<void> => {
    const ctx: FileContext = {
      ...baseContext,
      progress: delta => tracker.addBytes(delta, file.path),
      log: (level, message) => log(level, `${file.path}: ${message}`),
    };
    const reason =
      unsafePathReason(file.path) ?? unsafePathReason(file.localPath, folding) ?? collisions.get(file);
    if (reason) throw new DownloadError(`refused: ${reason}`);
    const target = await prepareTarget(destination, file.localPath);
    const lock = await lockTarget(target, {
      waitMs: options.lockWaitMs ?? DEFAULTS.lockWaitMs,
      signal: options.signal,
      onWait: holder => log('info', `${file.path}: waiting: its target is ${describeHolder(holder)}`),
    });
    try {
      if (file.zarr) {
        const zarr = await downloadZarr(
          ctx,
          file,
          target,
          total => {
            tracker.bytesTotal += total - file.size;
          },
          options.confirmStrayRemoval,
        );
        if (zarr.failed.length > 0) {
          const first = zarr.failed[0];
          throw new DownloadError(
            `${zarr.failed.length} Zarr entries failed (first: ${first.key}: ${first.reason})`,
          );
        }
        summary.downloaded.push(file.path);
        return;
      }
      const policy = options.existing ?? 'skip';
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isFile() && policy === 'keep') {
        tracker.addBytes(file.size, file.path);
        summary.skipped.push(file.path);
        return;
      }
      if (
        existing &&
        policy === 'skip' &&
        file.etag &&
        (await index.isIdentical(file.localPath, target, file.size, file.etag, options.signal))
      ) {
        tracker.addBytes(file.size, file.path);
        summary.skipped.push(file.path);
        return;
      }
      log(
        'info',
        `downloading ${file.path} (${file.size} bytes) from ${redactUrl(file.downloadUrl)} to ${file.localPath}`,
      );
      await downloadBlob(ctx, file, target);
      if (file.etag) await index.recordVerified(file.localPath, target, file.etag);
      summary.downloaded.push(file.path);
    } finally {
      await lock.release();
    }
  };

  const queue = [...plan];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      if (options.signal?.aborted) throw abortError();
      try {
        await downloadOne(file);
      } catch (err) {
        if (isAbort(err, options.signal)) throw err;
        const reason = fileSystemError(err, file.localPath)?.message ?? messageOf(err);
        summary.failed.push({ path: file.path, reason });
        log('error', `${file.path}: ${reason}`);
      }
      tracker.fileDone(file.path);
    }
  };
  try {
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(parallelFiles, plan.length) }, worker),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) {
      if (!isAbort(rejected.reason, options.signal)) throw rejected.reason;
      summary.cancelled = true;
      log('info', 'download cancelled; unfinished files keep their temporary data and resume next time');
    }
  } finally {
    tracker.report(true);
    await index.save().catch(err => log('warn', `could not save the download record: ${messageOf(err)}`));
    await hashPool.close();
  }
  return summary;
}
