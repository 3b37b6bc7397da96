import { lstat, open, rename, utimes, writeFile } from 'node:fs/promises';
import { ETAG_PATTERN, etagFromPartDigests, partLayout, partRange } from '../dandi/etag';
import { fetchRange, isAbort, type FetchContext, type ObjectSource } from './fetchRange';
import {
  loadState,
  prepareTempDir,
  removeTemp,
  StateWriter,
  tempPaths,
  type DownloadState,
} from './tempState';
import { HashPool, type PartHasher } from './hashPool';
import type { NameFolding } from './paths';
import { BufferedRangeWriter } from './writer';
import { DownloadError, type PlannedFile, type PositionalWriter } from './types';

export interface FileContext extends FetchContext {
  parallelParts: number;
  hashPool: HashPool;
  openWriter(path: string, options?: { direct?: boolean }): Promise<PositionalWriter>;
  /** Whether large files are written with direct I/O (see writer.ts). */
  directIo: boolean;
  /** How the destination's file system compares names (probed once per download). */
  folding: NameFolding;
  /** Bytes of the plan that became (or stopped being) done: received, resumed or thrown away. */
  progress(delta: number): void;
}

const WRITE_BUFFER = 4 * 1024 * 1024;

/** Maps disk and write errors to messages a person can act on. */
export function fileSystemError(err: unknown, target: string): DownloadError | undefined {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ENOSPC')
    return new DownloadError(`The disk is full while writing ${target}; nothing was left at the target.`);
  if (code === 'EDQUOT') return new DownloadError(`The disk quota is exceeded while writing ${target}.`);
  if (code === 'EACCES' || code === 'EPERM') return new DownloadError(`No permission to write ${target}.`);
  if (code === 'EROFS') return new DownloadError(`${target} is on a read-only file system.`);
  if (code === 'ENAMETOOLONG')
    return new DownloadError(`The path ${target} is too long for this file system.`);
  return undefined;
}

/**
 * Downloads one blob into `target`: dandi-etag parts fetched in parallel as byte ranges, each MD5'd
 * as it arrives, the etag checked from the part digests (no second read of the file), the file
 * renamed into place and its mtime set. Interrupted runs leave resumable temp data.
 */
export async function downloadBlob(ctx: FileContext, file: PlannedFile, target: string): Promise<void> {
  const etag = file.etag ?? '';
  if (etag && !ETAG_PATTERN.test(etag))
    throw new DownloadError(`the archive gave an invalid dandi-etag "${etag}"`);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new DownloadError(`a folder is in the way at ${target}`);
  let resumed = await attempt(ctx, file, target, etag, true);
  if (resumed === 'mismatch-after-resume') {
    // Data left by an earlier run may be stale or damaged: one clean try before giving up.
    ctx.log('warn', `${file.path}: checksum mismatch on resumed data; downloading again from scratch`);
    resumed = await attempt(ctx, file, target, etag, false);
  }
  if (resumed !== 'ok') throw new DownloadError('checksum mismatch after a fresh download');
}

type AttemptResult = 'ok' | 'mismatch-after-resume';

/** The saved state, when its data file still holds every byte it claims (else start over). */
async function resumableState(
  target: string,
  expected: { size: number; etag: string; partSize: number },
): Promise<DownloadState | undefined> {
  const state = await loadState(target, expected);
  if (!state) return undefined;
  // loadState checked every index and length against the blob's layout.
  let extent = 0;
  for (const index of Object.keys(state.completed))
    extent = Math.max(extent, partRange(expected.size, Number(index)).end);
  for (const [index, bytes] of Object.entries(state.partial))
    extent = Math.max(extent, partRange(expected.size, Number(index)).start + bytes);
  const data = await lstat(tempPaths(target).data).catch(() => undefined);
  return data?.isFile() && data.size >= extent ? state : undefined;
}

async function attempt(
  ctx: FileContext,
  file: PlannedFile,
  target: string,
  etag: string,
  allowResume: boolean,
): Promise<AttemptResult> {
  const size = file.size;
  const layout = partLayout(size);
  const saved = allowResume
    ? await resumableState(target, { size, etag, partSize: layout.partSize })
    : undefined;
  const state: DownloadState = saved ?? {
    version: 1,
    size,
    etag,
    partSize: layout.partSize,
    completed: {},
    partial: {},
  };
  const paths = tempPaths(target);
  let writer: PositionalWriter | undefined;
  const stateWriter = new StateWriter(target);
  const digests: Buffer[] = new Array<Buffer>(layout.count);
  let progressed = 0;
  const progress = (delta: number): void => {
    progressed += delta;
    ctx.progress(delta);
  };
  try {
    await prepareTempDir(target, saved !== undefined);
    writer = await ctx.openWriter(paths.data, { direct: ctx.directIo && HashPool.onWorker(layout.partSize) });
    await stateWriter.save(state);
    const activeWriter = writer;
    const pending = [...Array(layout.count).keys()];
    const workers = Array.from({ length: Math.min(ctx.parallelParts, pending.length) }, async () => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const recorded = state.completed[next];
        if (recorded !== undefined) {
          // A recorded MD5 vouches for nothing by itself: after a power cut the data may never
          // have reached the disk (zeros, or an older run's bytes). Hash what is really there.
          const found = await hashPartOnDisk(ctx, file.size, next, paths.data);
          if (found.toString('hex') === recorded) {
            digests[next] = found;
            const r = partRange(size, next);
            progress(r.end - r.start);
            continue;
          }
          ctx.log('warn', `part ${next + 1} on disk does not match its recorded MD5; fetching it again`);
          delete state.completed[next];
          await stateWriter.save(state);
        }
        const digest = await downloadPart(ctx, file, next, state, activeWriter, paths.data, progress);
        digests[next] = digest;
        // The state may claim the part only once its bytes are on the disk, not in a cache.
        await activeWriter.sync?.();
        state.completed[next] = digest.toString('hex');
        delete state.partial[next];
        await stateWriter.save(state);
      }
    });
    const settled = await Promise.allSettled(workers);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    await stateWriter.save(state);
    if (failure) throw failure.reason;
    const actual = layout.count === 0 ? etagFromPartDigests([]) : etagFromPartDigests(digests);
    // Renamed into place it counts as verified: its bytes must be on the disk first.
    await writer.sync?.();
    await writer.close();
    writer = undefined;
    if (etag && actual !== etag) {
      await removeTemp(target);
      progress(-progressed);
      if (saved) return 'mismatch-after-resume';
      throw new DownloadError(
        `checksum mismatch: the downloaded data has dandi-etag ${actual}, the archive says ${etag}`,
      );
    }
    if (!etag) ctx.log('warn', `${file.path}: the archive gave no dandi-etag; the file is not verified`);
    if (size === 0) await writeFile(paths.data, new Uint8Array(0));
    try {
      await rename(paths.data, target);
    } catch (err) {
      // The data is complete and verified: keep it (a next run moves it into place) and say where.
      const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new DownloadError(
        `the download is complete and verified but could not be moved to ${target} (${why}); it is kept at ${paths.data}`,
      );
    }
    await removeTemp(target);
    if (file.blobDateModified) {
      const mtime = new Date(file.blobDateModified);
      if (!Number.isNaN(mtime.getTime())) await utimes(target, new Date(), mtime);
    }
    return 'ok';
  } catch (err) {
    await writer?.close().catch(() => undefined);
    if (isAbort(err, ctx.signal)) throw err;
    const fsError = fileSystemError(err, target);
    if (fsError) {
      // A full disk: free what we wrote rather than keep a partial file around.
      await removeTemp(target).catch(() => undefined);
      progress(-progressed);
      throw fsError;
    }
    throw err;
  }
}

/** Hashes the `length` bytes of `path` at `position` through `buffer` (a part resumed from disk). */
async function hashFromDisk(
  path: string,
  position: number,
  length: number,
  buffer: Buffer,
  hasher: PartHasher,
): Promise<void> {
  const file = await open(path, 'r');
  try {
    for (let done = 0; done < length;) {
      const { bytesRead } = await file.read(
        buffer,
        0,
        Math.min(buffer.length, length - done),
        position + done,
      );
      if (bytesRead === 0)
        throw new DownloadError(`the temporary data of this download ended early (${path})`, false);
      await hasher.update(buffer.subarray(0, bytesRead));
      done += bytesRead;
    }
  } finally {
    await file.close();
  }
}

/** The MD5 of part `index` as the data file holds it now (on the hash worker for large parts). */
async function hashPartOnDisk(
  ctx: FileContext,
  size: number,
  index: number,
  dataPath: string,
): Promise<Buffer> {
  const { start, end } = partRange(size, index);
  const hashing = ctx.hashPool.forPart(end - start, Math.min(WRITE_BUFFER, end - start));
  let digested = false;
  try {
    await hashFromDisk(dataPath, start, end - start, hashing.buffers[0], hashing.hasher);
    const digest = await hashing.hasher.digest();
    digested = true;
    return digest;
  } finally {
    if (!digested) hashing.hasher.dispose();
    hashing.release();
  }
}

/** One part: resume from bytes already on disk, fetch the rest, return its MD5. */
async function downloadPart(
  ctx: FileContext,
  file: PlannedFile,
  index: number,
  state: DownloadState,
  writer: PositionalWriter,
  dataPath: string,
  progress: (delta: number) => void,
): Promise<Buffer> {
  const { start, end } = partRange(file.size, index);
  const onDisk = Math.min(state.partial[index] ?? 0, end - start);
  const hashing = ctx.hashPool.forPart(end - start, Math.min(WRITE_BUFFER, end - start));
  const { hasher } = hashing;
  const buffered = new BufferedRangeWriter(writer, start, start + onDisk, hashing.buffers, data =>
    hasher.update(data),
  );
  let received = onDisk;
  const source: ObjectSource = {
    key: file.assetId,
    resolveUrl: file.downloadUrl,
    directUrl: file.blobUrl,
    apiUrl: apiRootOf(file.downloadUrl),
    size: file.size,
  };
  let finished = false;
  try {
    if (onDisk > 0) await hashFromDisk(dataPath, start, onDisk, hashing.buffers[0], hasher);
    progress(onDisk);
    await fetchRange(ctx, source, start + onDisk, end, {
      data: async (chunk, position) => {
        received += chunk.length;
        progress(chunk.length);
        await buffered.write(chunk, position);
      },
      restart: async () => {
        progress(-received);
        received = 0;
        await buffered.reset(start);
        hasher.reset();
      },
    });
    await buffered.drain();
    finished = true;
    return await hasher.digest();
  } finally {
    if (!finished) {
      // Whatever reached the disk can be resumed from by a later run.
      await buffered.drain().catch(() => undefined);
      await buffered.settle();
      hasher.dispose();
    }
    hashing.release();
    if (buffered.flushed > 0 && buffered.flushed < end - start) state.partial[index] = buffered.flushed;
  }
}

/** The API root of a download URL (`{api}/assets/{id}/download/`), whose key may go there. */
export function apiRootOf(downloadUrl: string): string {
  const url = new URL(downloadUrl);
  const at = url.pathname.search(/\/assets\/[^/]+\/download\/?$/);
  return at < 0 ? `${url.origin}/` : `${url.origin}${url.pathname.slice(0, at)}`;
}
