/** Local file source: positional reads on one file handle, never the whole file. */
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { Hdf5Error } from '../types';
import type { ByteSource, SourceOpenResult } from './source';

const identityOf = (path: string, s: Stats) => `local:${path}:${s.size}:${Math.floor(s.mtimeMs)}`;

/** The identity an open of `path` would find (path, size, modification time), without opening it. */
export async function localIdentity(path: string): Promise<string> {
  const real = await realpath(path);
  return identityOf(real, await stat(real));
}

export class LocalSource implements ByteSource {
  requests = 0;
  bytesFetched = 0;
  private handle: FileHandle | null = null;

  constructor(readonly label: string) {}

  async open(): Promise<SourceOpenResult> {
    try {
      const path = await realpath(this.label);
      this.handle = await open(path, 'r');
      const info = await this.handle.stat();
      if (!info.isFile()) throw new Hdf5Error('not-found', `not a file: ${this.label}`);
      return { size: info.size, identity: identityOf(path, info) };
    } catch (error) {
      await this.close();
      if (error instanceof Hdf5Error) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR')
        throw new Hdf5Error('not-found', `no such file: ${this.label}`);
      throw new Hdf5Error('network', `cannot open ${this.label}: ${(error as Error).message}`);
    }
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    if (!this.handle) throw new Hdf5Error('closed', 'the file is closed');
    this.requests++;
    const out = new Uint8Array(end - start);
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await this.handle.read(out, done, out.length - done, start + done);
      if (bytesRead === 0)
        throw new Hdf5Error('corrupt', `${this.label} ended at ${start + done} (changed while open?)`);
      done += bytesRead;
    }
    this.bytesFetched += out.length;
    return out;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
