/** A byte source behind the block cache: a local file or an HTTP(S) object read with ranges. */
import type { PageRun } from '../protocol';
import type { LinkMeter } from './linkMeter';

export interface SourceOpenResult {
  size: number;
  /** Stable identity of the bytes, the persistent metadata cache's key. */
  identity: string;
  /** Bytes the size probe brought along (the start of the file), seeded into the cache. */
  head?: PageRun;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Absolute time (Date.now() scale) after which the read fails with `timeout`. */
  deadline?: number;
}

export interface ByteSource {
  /** For people: a path, or a URL without its query. */
  readonly label: string;
  /** Learns size and identity (may send one request); `known` skips the request when complete. */
  open(known: { size?: number; identity?: string }, options?: ReadOptions): Promise<SourceOpenResult>;
  /** Exactly the bytes [start, end). */
  read(start: number, end: number, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * Writes [start, end) into `target` as it arrives, calling `progress` with the bytes written so
   * far and the request's attempt (1, then 2 after a retry: the rate since its first bytes is the
   * link's). Remote sources; a reader can start on the first bytes while the rest is on its way.
   */
  readInto?(
    start: number,
    end: number,
    target: Uint8Array,
    progress: (filled: number, attempt: number) => void,
    options?: ReadOptions,
  ): Promise<void>;
  readonly requests: number;
  readonly bytesFetched: number;
  /** What a round trip costs on the link to it (remote sources). */
  readonly link?: LinkMeter;
  close(): Promise<void>;
}
