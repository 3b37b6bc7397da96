/**
 * Indexes an MP4/QuickTime file by hopping over its top-level boxes by their sizes: the first
 * 64 KiB, then one read per box that lies outside what was read. For a file whose `moov` comes
 * after `mdat` (IBL's, several GB) that is the head and one read of the tail; for a faststart file
 * the head alone when `moov` fits in it, else one more read.
 *
 * Fragmented MP4 costs more: every `moof` must be read, so the walk sends one ranged read per
 * fragment (a window from the `moof` that also holds the next box header), about the size of the
 * `moof`s plus a window each; never the `mdat`s. (`sidx`/`mfra` would only locate fragments, not
 * list their samples.)
 */
import { fourcc, readBoxHeader } from './boxes';
import { VideoError } from './errors';
import { readFragment, type FragmentState } from './mp4Fragments';
import { parseMovie } from './mp4Movie';
import { finishIndex } from './table';
import type { VideoIndex } from './types';

/** What the container readers read through: the file's size, its head, and ranged reads. */
export interface VideoBytes {
  size: number;
  head: Uint8Array;
  read(start: number, end: number): Promise<Uint8Array>;
}

const WINDOW = 64 * 1024;
/** After `mdat`, a tail this small is read whole: it is `moov` (and padding), in one request. */
const TAIL_WHOLE = 16 * 1024 * 1024;
const MAX_MOOV = 512 * 1024 * 1024;
const MAX_MOOF = 64 * 1024 * 1024;

export const MP4_TOP_LEVEL = new Set([
  'ftyp',
  'styp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'pnot',
  'moof',
  'sidx',
  'uuid',
  'mfra',
  'meta',
  'pdin',
  'prft',
  'emsg',
]);

export async function indexMp4(file: VideoBytes): Promise<VideoIndex> {
  const { size } = file;
  let window = { start: 0, bytes: file.head };
  let pos = 0;
  let moov: Uint8Array | undefined;
  let moovAtEnd = false;
  let sawMdat = false;
  let quickTime = false;
  const moofs: { start: number; bytes: Uint8Array }[] = [];

  /** The whole box [start, start + length), from the window and one read for the rest. */
  const whole = async (start: number, length: number): Promise<Uint8Array> => {
    const from = start - window.start;
    const held = Math.max(0, Math.min(window.bytes.length - from, length));
    if (held === length) return window.bytes.subarray(from, from + length);
    const rest = await file.read(start + held, start + length);
    const out = new Uint8Array(length);
    out.set(window.bytes.subarray(from, from + held));
    out.set(rest, held);
    return out;
  };

  while (pos < size) {
    let at = pos - window.start;
    let header =
      at >= 0 && at < window.bytes.length ? readBoxHeader(window.bytes, at, window.start, size) : null;
    if (!header) {
      // Fewer than 8 bytes left: padding some writers leave after the last box.
      if (size - pos < 8) break;
      const length = !moov && sawMdat && size - pos <= TAIL_WHOLE ? size - pos : Math.min(WINDOW, size - pos);
      window = { start: pos, bytes: await file.read(pos, pos + length) };
      at = 0;
      header = readBoxHeader(window.bytes, at, window.start, size);
      if (!header) throw new VideoError('corrupt', `the box header at byte ${pos} is cut short`);
    }
    if (pos === 0 && header.type === 'ftyp' && header.size >= 12)
      quickTime = fourcc(window.bytes, at + 8) === 'qt  ';
    if (header.type === 'mdat') sawMdat = true;
    if (header.type === 'moov' && !moov) {
      if (header.size > MAX_MOOV) throw new VideoError('too-large', `the moov box is ${header.size} bytes`);
      moov = (await whole(pos, header.size)).slice();
      moovAtEnd = sawMdat;
    } else if (header.type === 'moof') {
      if (header.size > MAX_MOOF)
        throw new VideoError('too-large', `the moof box at ${pos} is ${header.size} bytes`);
      moofs.push({ start: pos, bytes: await whole(pos, header.size) });
    }
    pos += header.size;
  }
  if (!moov)
    throw new VideoError(
      'corrupt',
      `the MP4 file has no moov box (its index): the file is cut short or was never finished${sawMdat ? ' (it has media data)' : ''}`,
    );
  const track = parseMovie(moov);
  let durationTicks = track.durationTicks;
  if (track.fragmented) {
    const state: FragmentState = {
      trackId: track.trackId,
      trex: track.trex,
      nextDts: track.durationTicks,
      durationTicks: 0,
    };
    for (const moof of moofs) readFragment(moof.bytes, moof.start, state, track.samples);
    durationTicks += state.durationTicks;
  }
  const container = quickTime ? 'mov' : track.fragmented ? 'fmp4' : 'mp4';
  return finishIndex(
    {
      container,
      codec: track.codec,
      width: track.width,
      height: track.height,
      timescale: track.timescale,
      shift: track.shift,
      durationTicks,
      moovAtEnd,
    },
    track.samples,
    size,
  );
}
