/**
 * Persistent Zarr metadata: the documents a reader learned (consolidated or fetched key by key),
 * saved per store identity (the Zarr's dandi-zarr-checksum, or a local folder's path and metadata
 * mtimes), so opening the same Zarr again sends no request for metadata. A draft Zarr that
 * changes gets a new checksum and so a new entry.
 *
 * One file per identity: a header line (identity, sha256 of the body, private flag) and the body.
 * A body whose sha256 does not match is deleted on load. Files are evicted least recently used
 * first to stay under the byte bound. Entries read with an API key are private (deleted at sign-out).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetadataSnapshot } from './hierarchy';

const VERSION = 1;
const SUFFIX = '.zmeta';

interface Header {
  version: number;
  identity: string;
  sha256: string;
  private: boolean;
}

export class ZarrMetadataCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly options: { private?: boolean } = {},
  ) {}

  private fileFor(identity: string): string {
    return join(this.dir, createHash('sha256').update(identity).digest('hex').slice(0, 40) + SUFFIX);
  }

  /** The saved snapshot for this identity, or null; a damaged entry is deleted. */
  async load(identity: string): Promise<MetadataSnapshot | null> {
    const file = this.fileFor(identity);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    const newline = text.indexOf('\n');
    try {
      const header = JSON.parse(text.slice(0, newline)) as Header;
      const body = text.slice(newline + 1);
      if (header.version !== VERSION || createHash('sha256').update(body).digest('hex') !== header.sha256)
        throw new Error('damaged');
      if (header.identity !== identity) return null;
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return JSON.parse(body) as MetadataSnapshot;
    } catch {
      await unlink(file).catch(() => undefined);
      return null;
    }
  }

  async save(identity: string, snapshot: MetadataSnapshot): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const body = JSON.stringify(snapshot);
    const header: Header = {
      version: VERSION,
      identity,
      sha256: createHash('sha256').update(body).digest('hex'),
      private: this.options.private ?? false,
    };
    const file = this.fileFor(identity);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, `${JSON.stringify(header)}\n${body}`);
    await rename(temp, file);
    await this.evict();
  }

  /** Deletes the entries saved from reads with an API key (sign-out); how many it deleted. */
  async deletePrivate(): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith(SUFFIX)) continue;
      const file = join(this.dir, name);
      const text = await readFile(file, 'utf8').catch(() => '');
      const header = /^[^\n]*/.exec(text)?.[0] ?? '';
      if (
        /"private":true/.test(header) &&
        (await unlink(file).then(
          () => true,
          () => false,
        ))
      )
        removed++;
    }
    return removed;
  }

  private async evict(): Promise<void> {
    const entries = await Promise.all(
      (await readdir(this.dir))
        .filter(n => n.endsWith(SUFFIX))
        .map(async name => {
          const s = await stat(join(this.dir, name)).catch(() => null);
          return { name, size: s?.size ?? 0, used: s?.mtimeMs ?? 0 };
        }),
    );
    let total = entries.reduce((n, e) => n + e.size, 0);
    for (const entry of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      await unlink(join(this.dir, entry.name)).catch(() => undefined);
      total -= entry.size;
    }
  }
}
