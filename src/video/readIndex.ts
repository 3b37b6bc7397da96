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
    head: head.subarray(0, Math.min(head.length, size)),
    read: (start, end) => {
      if (start < 0 || end > size || start > end)
        throw new VideoError('corrupt', `a read of ${start}…${end} lies outside the file (${size} bytes)`);
      return source.read(start, end, { signal, deadline });
    },
  };
  const index = await indexBytes(file, source.label);
  await options.cache?.put(opened.identity, index);
  return index;
}

function indexBytes(file: VideoBytes, label: string): Promise<VideoIndex> {
  const { head } = file;
  if (head.length >= 8 && MP4_TOP_LEVEL.has(fourcc(head, 4))) return indexMp4(file);
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return indexMatroska(file);
  if (head.length >= 12 && fourcc(head, 0) === 'RIFF') return indexAvi(file);
  return Promise.reject(
    new VideoError(
      'not-video',
      `${label} is not a video container this reader knows (MP4, QuickTime, WebM/Matroska, AVI): it looks like ${describeBytes(head)}`,
    ),
  );
}
