/**
 * A read-only Emscripten file whose bytes come from the block cache instead of MEMFS memory (the
 * technique of Emscripten's createLazyFile, with our own synchronous reader). Fetch failures reach
 * HDF5 as EIO, so HDF5 unwinds cleanly and the call fails with the reason kept in `lastFailure`.
 */
import type { BlockCache } from './blockCache';
import type { Hdf5ErrorCode } from './types';

/** The slice of Emscripten's FS the node needs (h5wasm's typings leave it loose). */
export interface EmscriptenFs {
  createFile(parent: string, name: string, properties: object, canRead: boolean, canWrite: boolean): unknown;
  lookupPath(path: string): { node: EmscriptenNode };
  unlink(path: string): void;
  ErrnoError: new (errno: number) => Error;
}

interface EmscriptenNode {
  usedBytes: number;
  stream_ops: Record<string, unknown>;
}

/** Why the last read failed (a network error or deadline), for the error the call reports. */
export interface ReadFailure {
  code: Hdf5ErrorCode;
  message: string;
}

const EIO = 29;

export class LazyFileNode {
  lastFailure: ReadFailure | null = null;

  constructor(
    private readonly fs: EmscriptenFs,
    readonly path: string,
    private readonly cache: BlockCache,
  ) {
    const slash = path.lastIndexOf('/');
    fs.createFile(path.slice(0, slash) || '/', path.slice(slash + 1), {}, true, false);
    // The ESM build's createFile returns nothing; the node is found by path.
    const node = fs.lookupPath(path).node;
    node.usedBytes = cache.size;
    const read = (
      _stream: unknown,
      buffer: Int8Array,
      offset: number,
      length: number,
      position: number,
    ): number => {
      try {
        return this.readAt(position, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length));
      } catch {
        throw new fs.ErrnoError(EIO);
      }
    };
    node.stream_ops = {
      ...node.stream_ops,
      read,
      write: () => {
        throw new fs.ErrnoError(EIO);
      },
    };
  }

  /** Reads through the cache as HDF5 does, keeping why a read failed (for readers beside HDF5 too). */
  readAt(position: number, target: Uint8Array): number {
    try {
      return this.cache.read(position, target);
    } catch (error) {
      this.lastFailure = toFailure(error);
      throw error;
    }
  }
}

function toFailure(error: unknown): ReadFailure {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return { code: error.code as Hdf5ErrorCode, message: String((error as { message?: unknown }).message) };
  }
  return { code: 'network', message: error instanceof Error ? error.message : String(error) };
}
