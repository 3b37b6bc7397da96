/**
 * `readVideoIndex`: the index of a video behind a ByteSource (local file, HTTP ranges, DANDI
 * asset). Reads the first 64 KiB (or uses what the source's size probe brought), recognises the
 * container by its first bytes, and hands over to its reader. With a cache and a known identity a
 * second open reads nothing.
 */
import type { ByteSource, ReadOptions } from '../hdf5/sources/source';
import { indexAvi } from './avi';
import { describeBytes, VideoError } from './errors';
import type { VideoIndexCache } from './indexCache';
import { indexMatroska } from './matroska';
import { indexMp4, MP4_TOP_LEVEL, type VideoBytes } from './mp4';
import { fourcc } from './boxes';
import { addSeiPrelude } from './h264';
import type { VideoIndex } from './types';

const HEAD = 64 * 1024;

export interface ReadVideoIndexOptions extends ReadOptions {
  /** What is already known of the source (from an asset listing): with both, opening sends nothing. */
  known?: { size?: number; identity?: string };
  cache?: VideoIndexCache;
}

export async function readVideoIndex(
  source: ByteSource,
  options: ReadVideoIndexOptions = {},
): Promise<VideoIndex> {
  const { signal, deadline } = options;
  const opened = await source.open(options.known ?? {}, { signal, deadline });
  const cached = await options.cache?.get(opened.identity);
  if (cached) return cached;
  const size = opened.size;
  const probe = opened.head && opened.head.offset === 0 ? opened.head.bytes : undefined;
  const head =
    probe && probe.length >= Math.min(HEAD, size)
      ? probe
      : size === 0
        ? new Uint8Array(0)
        : await source.read(0, Math.min(HEAD, size), { signal, deadline });
  const file: VideoBytes = {
    size,
    head: plain(head.subarray(0, Math.min(head.length, size))),
    read: async (start, end) => {
      if (start < 0 || end > size || start > end)
        throw new VideoError('corrupt', `a read of ${start}…${end} lies outside the file (${size} bytes)`);
      return plain(await source.read(start, end, { signal, deadline }));
    },
  };
  const index = await indexBytes(file, source.label);
  await addSeiPrelude(index, file.head, file.read);
  await options.cache?.put(opened.identity, index);
  return index;
}

/**
 * A plain Uint8Array view of the same bytes: HTTP sources answer with Node Buffers, whose `slice`
 * does not copy (a kept slice, such as the avcC description, would pin a whole response), and
 * one array shape keeps the parsers' element reads monomorphic.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type Container = 'mp4' | 'matroska' | 'avi';

function containerOf(head: Uint8Array): Container | undefined {
  if (head.length >= 8 && MP4_TOP_LEVEL.has(fourcc(head, 4))) return 'mp4';
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return 'matroska';
  if (head.length >= 12 && fourcc(head, 0) === 'RIFF') return 'avi';
  return undefined;
}

/** Whether a file's first bytes (12 are enough) start a container readVideoIndex reads. */
export function looksLikeVideo(head: Uint8Array): boolean {
  return containerOf(head) !== undefined;
}

function indexBytes(file: VideoBytes, label: string): Promise<VideoIndex> {
  const { head } = file;
  const container = containerOf(head);
  if (container === 'mp4') return indexMp4(file);
  if (container === 'matroska') return indexMatroska(file);
  if (container === 'avi') return indexAvi(file);
  return Promise.reject(
    new VideoError(
      'not-video',
      `${label} is not a video container this reader knows (MP4, QuickTime, WebM/Matroska, AVI): it looks like ${describeBytes(head)}`,
    ),
  );
}
