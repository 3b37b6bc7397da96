/**
 * AVI (RIFF): the container and FourCC codec named, size and rate from `avih`/`strh`/`strf`, and
 * the video stream's chunks from the `idx1` index (found by hopping over the top-level chunks:
 * the head and one read of the index). No WebCodecs decoder takes AVI's codecs (MPEG-4 Part 2,
 * Motion JPEG...), so the index says why it is undecodable; its frame table still matches ffprobe.
 */
import { aviCodecName } from './codecs';
import { VideoError } from './errors';
import type { VideoBytes } from './mp4';
import { finishIndex, SampleArrays } from './table';
import type { VideoIndex } from './types';
import { fourcc } from './boxes';

const AVIIF_KEYFRAME = 0x10;
const MAX_IDX1 = 256 * 1024 * 1024;

interface Chunk {
  id: string;
  /** First byte of the chunk header. */
  start: number;
  size: number;
  /** For LIST/RIFF: the list type. */
  list?: string;
}

function chunkAt(bytes: Uint8Array, at: number, base: number): Chunk | null {
  if (at + 12 > bytes.length) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = fourcc(bytes, at);
  const size = view.getUint32(at + 4, true);
  return {
    id,
    start: base + at,
    size,
    list: id === 'LIST' || id === 'RIFF' ? fourcc(bytes, at + 8) : undefined,
  };
}

interface Header {
  width: number;
  height: number;
  scale: number;
  rate: number;
  handler: string;
  compression: string;
  /** The video stream's number, as the chunk ids name it ("00dc"). */
  stream: number;
}

/** Reads `hdrl` (held whole in `bytes` from `from` to `to`): the first video stream's facts. */
function readHeader(bytes: Uint8Array, from: number, to: number): Header {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let stream = -1;
  let at = from;
  while (at + 8 <= to) {
    const c = chunkAt(bytes, at, 0);
    if (!c) break;
    if (c.id === 'LIST' && c.list === 'strl') {
      stream++;
      const end = Math.min(at + 8 + c.size, to);
      let strh: number | undefined;
      let strf: number | undefined;
      for (let p = at + 12; p + 8 <= end;) {
        const inner = fourcc(bytes, p);
        const size = view.getUint32(p + 4, true);
        if (inner === 'strh') strh = p + 8;
        if (inner === 'strf') strf = p + 8;
        p += 8 + size + (size & 1);
      }
      if (
        strh !== undefined &&
        strh + 36 <= end &&
        fourcc(bytes, strh) === 'vids' &&
        strf !== undefined &&
        strf + 20 <= end
      ) {
        return {
          handler: fourcc(bytes, strh + 4),
          scale: view.getUint32(strh + 20, true),
          rate: view.getUint32(strh + 24, true),
          width: view.getInt32(strf + 4, true),
          height: Math.abs(view.getInt32(strf + 8, true)),
          compression: fourcc(bytes, strf + 16),
          stream,
        };
      }
    }
    at += 8 + c.size + (c.size & 1);
  }
  throw new VideoError('not-video', 'the AVI file has no video stream (no strh of type vids)');
}

export async function indexAvi(file: VideoBytes): Promise<VideoIndex> {
  const { size, head } = file;
  if (fourcc(head, 8) !== 'AVI ')
    throw new VideoError('not-video', `a RIFF file of type '${fourcc(head, 8)}', not AVI`);
  let header: Header | undefined;
  let moviData = -1;
  let idx1: Uint8Array | undefined;
  let pos = 12;
  while (pos + 8 <= size) {
    let chunk = chunkAt(head, pos, 0);
    if (!chunk) chunk = chunkAt(await file.read(pos, Math.min(pos + 12, size)), 0, pos);
    if (!chunk) break;
    const end = chunk.start + 8 + chunk.size;
    if (end > size)
      throw new VideoError('corrupt', `the AVI chunk '${chunk.id}' at ${pos} runs past the end of the file`);
    if (chunk.list === 'hdrl') {
      const bytes = end <= head.length ? head : await file.read(0, end);
      header = readHeader(bytes, pos + 12, end);
    } else if (chunk.list === 'movi') {
      moviData = pos + 8;
    } else if (chunk.id === 'idx1') {
      if (chunk.size > MAX_IDX1) throw new VideoError('too-large', `the AVI index is ${chunk.size} bytes`);
      idx1 = await file.read(pos + 8, end);
    }
    pos = end + (chunk.size & 1);
  }
  if (!header) throw new VideoError('corrupt', 'the AVI file has no header list (hdrl)');
  const samples = new SampleArrays();
  if (idx1 && moviData >= 0) readIdx1(idx1, header.stream, moviData, header.scale, samples);
  const codecName = aviCodecName(header.compression.trim() ? header.compression : header.handler);
  return finishIndex(
    {
      container: 'avi',
      codec: {
        codec: undefined,
        codecName,
        description: undefined,
        undecodable: `it is an AVI file with ${codecName} video: the editor decodes MP4 (H.264) and WebM; convert it with ffmpeg -i in.avi -c:v libx264 out.mp4`,
      },
      width: header.width,
      height: header.height,
      timescale: header.rate || 1,
      shift: 0,
      durationTicks: samples.length * header.scale,
      moovAtEnd: false,
    },
    samples,
    size,
  );
}

/** The video stream's chunks from `idx1`: offsets relative to the `movi` list (or absolute). */
function readIdx1(
  idx1: Uint8Array,
  stream: number,
  moviData: number,
  scale: number,
  samples: SampleArrays,
): void {
  const view = new DataView(idx1.buffer, idx1.byteOffset, idx1.byteLength);
  const id = String(stream).padStart(2, '0');
  const entries = Math.floor(idx1.length / 16);
  // The spec's offsets count from the 'movi' list type; some writers store file offsets.
  const firstOffset = entries > 0 ? view.getUint32(8, true) : 0;
  const base = firstOffset >= moviData ? 0 : moviData;
  let frame = 0;
  for (let e = 0; e < entries; e++) {
    const at = e * 16;
    const ckid = fourcc(idx1, at);
    if (ckid.slice(0, 2) !== id || (ckid[2] !== 'd' && ckid[2] !== 'D')) continue;
    const flags = view.getUint32(at + 4, true);
    const offset = view.getUint32(at + 8, true);
    const size = view.getUint32(at + 12, true);
    samples.push(base + offset + 8, size, frame * scale, frame * scale, (flags & AVIIF_KEYFRAME) !== 0);
    frame++;
  }
}
