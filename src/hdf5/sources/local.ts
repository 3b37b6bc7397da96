/** Local file source: positional reads on one file handle, never the whole file. */
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { Hdf5Error } from '../types';
import type { ByteSource, SourceOpenResult } from './source';

export class LocalSource implements ByteSource {
  requests = 0;
  bytesFetched = 0;
  private handle: FileHandle | null = null;

  constructor(readonly label: string) {}

  async open(): Promise<SourceOpenResult> {
    try {
      const path = await realpath(this.label);
      this.handle = await open(path, 'r');
      const stat = await this.handle.stat();
      if (!stat.isFile()) throw new Hdf5Error('not-found', `not a file: ${this.label}`);
      return { size: stat.size, identity: `local:${path}:${stat.size}:${Math.floor(stat.mtimeMs)}` };
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
