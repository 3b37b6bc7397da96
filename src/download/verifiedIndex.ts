import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DandiEtagHasher } from '../dandi/etag';

/**
 * A small record of files this extension downloaded and verified, kept in the destination's
 * `.dandi/` folder: relative path → size, mtime and dandi-etag. When size and mtime still match,
 * a file is known identical without reading it again (dandi-cli re-hashes through fscacher).
 */
interface Entry {
  size: number;
  mtimeMs: number;
  etag: string;
}

export const INDEX_RELATIVE_PATH = '.dandi/vscode-downloads.json';

export class VerifiedIndex {
  private entries = new Map<string, Entry>();
  private dirty = new Map<string, Entry | null>();
  /** Files hashed because no record vouched for them (tests assert the record avoids this). */
  hashedFiles = 0;

  private constructor(private readonly path: string) {}

  static async open(destination: string): Promise<VerifiedIndex> {
    const index = new VerifiedIndex(join(destination, ...INDEX_RELATIVE_PATH.split('/')));
    index.entries = await index.read();
    return index;
  }

  private async read(): Promise<Map<string, Entry>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      const map = new Map<string, Entry>();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
          const e = value as Partial<Entry> | null;
          if (
            e &&
            typeof e.size === 'number' &&
            typeof e.mtimeMs === 'number' &&
            typeof e.etag === 'string'
          ) {
            map.set(key, { size: e.size, mtimeMs: e.mtimeMs, etag: e.etag });
          }
        }
      }
      return map;
    } catch {
      return new Map();
    }
  }

  /**
   * True when the file at `absolutePath` has this size and dandi-etag: from the record when its
   * size and mtime are unchanged, otherwise by hashing it (and then recording the result).
   */
  async isIdentical(
    localPath: string,
    absolutePath: string,
    size: number,
    etag: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const info = await stat(absolutePath).catch(() => undefined);
    if (!info?.isFile() || info.size !== size) return false;
    const known = this.entries.get(localPath);
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.etag === etag;
    this.hashedFiles++;
    const hasher = new DandiEtagHasher(size);
    // Hashing a large file takes a while: Cancel must stop it (the stream ends with an AbortError).
    for await (const chunk of createReadStream(absolutePath, { highWaterMark: 1024 * 1024, signal })) {
      hasher.update(chunk as Buffer);
    }
    const actual = hasher.digest();
    this.set(localPath, { size, mtimeMs: info.mtimeMs, etag: actual });
    return actual === etag;
  }

  /** Records a file just verified (call after its mtime was set). */
  async recordVerified(localPath: string, absolutePath: string, etag: string): Promise<void> {
    const info = await stat(absolutePath);
    this.set(localPath, { size: info.size, mtimeMs: info.mtimeMs, etag });
  }

  private set(localPath: string, entry: Entry): void {
    this.entries.set(localPath, entry);
    this.dirty.set(localPath, entry);
  }

  /** Merges this run's changes into the file on disk (another run may have written it meanwhile). */
  async save(): Promise<void> {
    if (this.dirty.size === 0) return;
    const merged = await this.read();
    for (const [key, entry] of this.dirty) {
      if (entry) merged.set(key, entry);
      else merged.delete(key);
    }
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(merged)));
    await rename(tmp, this.path);
    this.dirty.clear();
  }
}
