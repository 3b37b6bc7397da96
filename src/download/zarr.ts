import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchRange, isAbort } from './fetchRange';
import { fileSystemError, type FileContext } from './blobDownload';
import { nameKey, prepareTarget, unsafePathReason, ZARR_MARKER, type NameFolding } from './paths';
import { BufferedRangeWriter } from './writer';
import { DownloadError, type ConfirmStrayRemoval, type PlannedFile } from './types';
import { trimSlashes } from '../dandi/instances';

/** One object of a Zarr, from `GET /zarr/{id}/files/`. */
export interface ZarrEntry {
  key: string;
  md5: string;
  size: number;
}

function parseListing(body: unknown): { entries: ZarrEntry[]; next: string | null } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { results?: unknown }).results)) {
    throw new DownloadError('the archive sent a Zarr listing without results');
  }
  const { results, next } = body as { results: unknown[]; next?: unknown };
  const entries = results.map(r => {
    const item = r as { Key?: unknown; ETag?: unknown; Size?: unknown };
    if (typeof item.Key !== 'string' || typeof item.ETag !== 'string' || typeof item.Size !== 'number') {
      throw new DownloadError('the archive sent a malformed Zarr listing entry');
    }
    return { key: item.Key, md5: item.ETag.replace(/"/g, '').toLowerCase(), size: item.Size };
  });
  return { entries, next: typeof next === 'string' ? next : null };
}

/** Every entry of a Zarr, following the cursor pagination (`next`). */
export async function listZarrEntries(
  ctx: FileContext,
  apiUrl: string,
  zarrId: string,
): Promise<ZarrEntry[]> {
  let url: string | null = `${trimSlashes(apiUrl)}/zarr/${encodeURIComponent(zarrId)}/files/`;
  const all: ZarrEntry[] = [];
  for (let pages = 0; url; pages++) {
    if (pages > 100_000) throw new DownloadError('the Zarr listing does not end');
    const page = parseListing(await ctx.transport.getJson(url, apiUrl));
    all.push(...page.entries);
    url = page.next;
  }
  return all;
}

/** Python's json.dumps escapes non-ASCII; the checksum is defined over that text. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `dandi:dandi-zarr-checksum` of a listing (dandi-api.md 3.3). */
export function zarrChecksum(entries: readonly ZarrEntry[]): string {
  interface Dir {
    dirs: Map<string, Dir>;
    files: { digest: string; name: string; size: number }[];
  }
  const root: Dir = { dirs: new Map(), files: [] };
  for (const e of entries) {
    const parts = e.key.split('/');
    let dir = root;
    for (const name of parts.slice(0, -1)) {
      let child = dir.dirs.get(name);
      if (!child) dir.dirs.set(name, (child = { dirs: new Map(), files: [] }));
      dir = child;
    }
    dir.files.push({ digest: e.md5, name: parts[parts.length - 1], size: e.size });
  }
  const byName = (a: { name: string }, b: { name: string }): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  const digestOf = (dir: Dir): { digest: string; count: number; size: number } => {
    const directories = [...dir.dirs].map(([name, child]) => {
      const d = digestOf(child);
      return { digest: d.digest, name, size: d.size, count: d.count };
    });
    directories.sort(byName);
    const files = [...dir.files].sort(byName);
    const text = asciiJson({
      directories: directories.map(d => ({ digest: d.digest, name: d.name, size: d.size })),
      files: files.map(f => ({ digest: f.digest, name: f.name, size: f.size })),
    });
    const count = files.length + directories.reduce((n, d) => n + d.count, 0);
    const size = files.reduce((n, f) => n + f.size, 0) + directories.reduce((n, d) => n + d.size, 0);
    const md5 = createHash('md5').update(text).digest('hex');
    return { digest: `${md5}-${count}--${size}`, count, size };
  };
  return digestOf(root).digest;
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads a Zarr asset into the folder `target` entry by entry (bounded parallelism), checking
 * each entry's MD5 and, when the plan has it, the whole tree's Zarr checksum. Entries already on
 * disk with the right MD5 are kept. Keys that name one file where the destination folds case or
 * Unicode forms (probed once per download) are refused. When every entry arrived, local files the
 * Zarr does not have are deleted, as dandi-cli does, so the folder is the asset, but only in a
 * folder this extension created for this Zarr (it holds our marker): in any other folder they may
 * be the user's, so they stay unless `confirmRemoval` says yes.
 */
export async function downloadZarr(
  ctx: FileContext,
  file: PlannedFile,
  target: string,
  onTotal: (bytes: number) => void,
  confirmRemoval?: ConfirmStrayRemoval,
): Promise<{ failed: { key: string; reason: string }[] }> {
  const zarr = file.zarr;
  if (!zarr) throw new Error('not a Zarr asset');
  const ours = await claimFolder(target, zarr.zarrId);
  const entries = await listZarrEntries(ctx, zarr.apiUrl, zarr.zarrId);
  onTotal(entries.reduce((n, e) => n + e.size, 0));
  if (zarr.checksum) {
    const listed = zarrChecksum(entries);
    if (listed !== zarr.checksum) {
      ctx.log(
        'warn',
        `${file.path}: the Zarr listing's checksum ${listed} differs from the asset's ${zarr.checksum}`,
      );
    }
  }
  const failed: { key: string; reason: string }[] = [];
  const folding = ctx.folding;
  const seen = new Map<string, string>();
  const queue = entries.filter(entry => {
    const key = nameKey(entry.key, folding);
    const first = seen.get(key);
    if (first === undefined) return seen.set(key, entry.key);
    failed.push({ key: entry.key, reason: `refused: it names the same file here as ${first}` });
    return false;
  });
  const worker = async (): Promise<void> => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      try {
        await downloadEntry(ctx, zarr, target, entry);
      } catch (err) {
        if (isAbort(err, ctx.signal)) throw err;
        const fsError = fileSystemError(err, target);
        if (fsError) throw fsError;
        failed.push({ key: entry.key, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  // Every worker stops before the file is reported (a failed one empties the queue for the others).
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, ctx.parallelParts * 2) }, () =>
      worker().catch(err => {
        queue.length = 0;
        throw err;
      }),
    ),
  );
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  if (failed.length === 0) await cleanUp(ctx, target, entries, ours, confirmRemoval);
  return { failed };
}

interface ZarrMarker {
  zarrId: string;
}

/**
 * Whether `target` is a folder this extension created for this Zarr. A missing folder is created
 * with the marker; an existing one is ours only if it holds the marker naming this Zarr.
 */
async function claimFolder(target: string, zarrId: string): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined);
  if (info && !info.isDirectory())
    throw new DownloadError(`Cannot use ${target}: it exists and is not a folder.`);
  const marker = join(target, ZARR_MARKER);
  if (!info) {
    await mkdir(target);
    const content: ZarrMarker = { zarrId };
    await writeFile(marker, `${JSON.stringify(content)}\n`, { flag: 'wx' });
    return true;
  }
  const markerInfo = await lstat(marker).catch(() => undefined);
  if (!markerInfo?.isFile()) return false;
  try {
    const parsed = JSON.parse(await readFile(marker, 'utf8')) as Partial<ZarrMarker> | null;
    return parsed?.zarrId === zarrId;
  } catch {
    return false;
  }
}

/** Removes the local files the Zarr lacks where that is safe (see downloadZarr), reports the rest. */
async function cleanUp(
  ctx: FileContext,
  target: string,
  entries: readonly ZarrEntry[],
  ours: boolean,
  confirmRemoval: ConfirmStrayRemoval | undefined,
): Promise<void> {
  const keys = new Set(entries.map(e => nameKey(e.key, ctx.folding)));
  keys.add(nameKey(ZARR_MARKER, ctx.folding));
  const strays = await findStrays(target, keys, ctx.folding);
  if (strays.length === 0) return;
  const listed = `${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', ...' : ''}`;
  if (!ours && !(await confirmRemoval?.(target, strays))) {
    ctx.log('warn', `${strays.length} files not in the Zarr were left in ${target} (${listed})`);
    return;
  }
  await removeStrays(target, strays);
  ctx.log('info', `removed ${strays.length} local files the Zarr does not have (${listed})`);
}

/** The keys of what lies under `root` but is not in `keys` (links are listed, never followed). */
async function findStrays(root: string, keys: ReadonlySet<string>, folding: NameFolding): Promise<string[]> {
  const strays: string[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const key = prefix + item.name;
      if (item.isDirectory()) await visit(join(dir, item.name), `${key}/`);
      else if (!keys.has(nameKey(key, folding))) strays.push(key);
    }
  };
  await visit(root, '');
  return strays;
}

/** Deletes the given keys under `root`, then the folders they leave empty. */
async function removeStrays(root: string, strays: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const key of strays) {
    await rm(join(root, ...key.split('/')), { force: true });
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  // Deepest first; a folder that still holds something stays.
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length))
    await rmdir(join(root, ...folder.split('/'))).catch(() => undefined);
}

async function downloadEntry(
  ctx: FileContext,
  zarr: NonNullable<PlannedFile['zarr']>,
  root: string,
  entry: ZarrEntry,
): Promise<void> {
  const reason =
    unsafePathReason(entry.key, ctx.folding) ??
    (nameKey(entry.key, ctx.folding) === nameKey(ZARR_MARKER, ctx.folding)
      ? `${ZARR_MARKER} is the marker of a folder this extension made`
      : undefined);
  if (reason) throw new DownloadError(`refused Zarr entry ${JSON.stringify(entry.key)}: ${reason}`);
  const entryTarget = await prepareTarget(root, entry.key);
  const existing = await stat(entryTarget).catch(() => undefined);
  if (existing?.isFile() && existing.size === entry.size && (await md5OfFile(entryTarget)) === entry.md5) {
    ctx.progress(entry.size);
    return;
  }
  const temp = `${entryTarget}.dandidownload`;
  await rm(temp, { force: true, recursive: true });
  const writer = await ctx.openWriter(temp);
  let hash = createHash('md5');
  let received = 0;
  try {
    const bufferSize = Math.max(1, Math.min(4 * 1024 * 1024, entry.size));
    const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)];
    const buffered = new BufferedRangeWriter(writer, 0, 0, buffers, data => {
      hash.update(data);
    });
    const resolveUrl =
      `${trimSlashes(zarr.apiUrl)}/zarr/${encodeURIComponent(zarr.zarrId)}/files/` +
      `?prefix=${encodeURIComponent(entry.key)}&download=true`;
    await fetchRange(
      ctx,
      { key: `${zarr.zarrId}/${entry.key}`, resolveUrl, apiUrl: zarr.apiUrl, size: entry.size },
      0,
      entry.size,
      {
        data: async (chunk, position) => {
          received += chunk.length;
          ctx.progress(chunk.length);
          await buffered.write(chunk, position);
        },
        restart: async () => {
          ctx.progress(-received);
          received = 0;
          await buffered.reset(0);
          hash = createHash('md5');
        },
      },
    );
    await buffered.drain();
    await writer.close();
    const actual = hash.digest('hex');
    if (actual !== entry.md5)
      throw new DownloadError(`checksum mismatch: MD5 ${actual}, the archive says ${entry.md5}`);
    await rename(temp, entryTarget);
  } catch (err) {
    await writer.close().catch(() => undefined);
    await rm(temp, { force: true });
    ctx.progress(-received);
    throw err;
  }
}
