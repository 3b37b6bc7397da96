/**
 * WebM/Matroska: the EBML header's DocType, the first video track of `Tracks` (codec id,
 * CodecPrivate, pixel size), and its frames from the Clusters' SimpleBlocks and Blocks.
 *
 * Cues only locate clusters, not frames, so listing frames means reading the clusters: the whole
 * segment in one request, done only up to MAX_WHOLE bytes. A longer file is named (container,
 * codec, size, duration) and reported undecodable rather than downloaded.
 */
import { av1Codec, avcCodec, type CodecInfo } from './codecs';
import { VideoError } from './errors';
import type { VideoBytes } from './mp4';
import { finishIndex, SampleArrays, type TrackFacts } from './table';
import type { VideoIndex } from './types';

const MAX_WHOLE = 64 * 1024 * 1024;
const UNKNOWN = -1;

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  defaultDuration: 0x23e383,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  referenceBlock: 0xfb,
};
const MASTER = new Set([
  ID.ebml,
  ID.segment,
  ID.info,
  ID.tracks,
  ID.trackEntry,
  ID.video,
  ID.cluster,
  ID.blockGroup,
]);

interface Element {
  id: number;
  /** Offset of the payload in the buffer. */
  data: number;
  /** Payload size, or UNKNOWN (live streams' clusters). */
  size: number;
}

/** An EBML element header at `at`, or null when `bytes` ends first. */
function element(bytes: Uint8Array, at: number): Element | null {
  const id = vint(bytes, at, false);
  if (!id) return null;
  const size = vint(bytes, at + id.length, true);
  if (!size) return null;
  return { id: id.value, data: at + id.length + size.length, size: size.value };
}

function vint(bytes: Uint8Array, at: number, strip: boolean): { value: number; length: number } | null {
  if (at >= bytes.length) return null;
  const first = bytes[at];
  if (first === 0) throw new VideoError('corrupt', `an EBML number at byte ${at} is longer than 8 bytes`);
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = strip ? first & (0xff >> length) : first;
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i];
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { value: strip && allOnes ? UNKNOWN : value, length };
}

function uint(bytes: Uint8Array, e: Element): number {
  let v = 0;
  for (let i = 0; i < e.size; i++) v = v * 256 + bytes[e.data + i];
  return v;
}

function float(bytes: Uint8Array, e: Element): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + e.data, e.size);
  return e.size === 4 ? view.getFloat32(0) : e.size === 8 ? view.getFloat64(0) : 0;
}

interface Track {
  number: number;
  codecId: string;
  codecPrivate?: Uint8Array;
  width: number;
  height: number;
}

interface Walk {
  docType: string;
  timecodeScale: number;
  durationTicks: number;
  track?: Track;
  samples: SampleArrays;
  /** Whether the walk ran into the end of `bytes` before the end of the file. */
  cut: boolean;
}

/** Walks the elements in `bytes` [from, to), descending into the master elements this reader needs. */
function walk(bytes: Uint8Array, from: number, to: number, out: Walk, cluster: { time: number }): void {
  let at = from;
  while (at < to) {
    const e = element(bytes, at);
    if (!e) {
      out.cut = true;
      return;
    }
    const end = e.size === UNKNOWN ? to : e.data + e.size;
    if (e.id === ID.docType)
      out.docType = new TextDecoder().decode(bytes.subarray(e.data, Math.min(end, bytes.length)));
    if (end > bytes.length && !MASTER.has(e.id)) {
      out.cut = true;
      return;
    }
    if (e.id === ID.trackEntry) readTrack(bytes, e, out);
    else if (e.id === ID.timecodeScale) out.timecodeScale = uint(bytes, e);
    else if (e.id === ID.duration) out.durationTicks = float(bytes, e);
    else if (e.id === ID.timecode) cluster.time = uint(bytes, e);
    else if (e.id === ID.simpleBlock || e.id === ID.block)
      readBlock(bytes, e, cluster.time, out, e.id === ID.simpleBlock);
    else if (e.id === ID.referenceBlock && out.samples.length > 0)
      out.samples.keyframe[out.samples.length - 1] = 0;
    else if (MASTER.has(e.id) && e.id !== ID.trackEntry)
      walk(bytes, e.data, Math.min(end, bytes.length), out, cluster);
    if (e.size === UNKNOWN) return;
    at = end;
  }
}

function readTrack(bytes: Uint8Array, entry: Element, out: Walk): void {
  const fields = new Map<number, Element>();
  const collect = (from: number, to: number) => {
    for (let at = from; at < to;) {
      const e = element(bytes, at);
      if (!e || e.size === UNKNOWN) return;
      fields.set(e.id, e);
      if (e.id === ID.video) collect(e.data, e.data + e.size);
      at = e.data + e.size;
    }
  };
  collect(entry.data, Math.min(entry.data + entry.size, bytes.length));
  const get = (id: number) => fields.get(id);
  const type = get(ID.trackType);
  if (out.track || !type || uint(bytes, type) !== 1) return;
  const codec = get(ID.codecId);
  const priv = get(ID.codecPrivate);
  const number = get(ID.trackNumber);
  out.track = {
    number: number ? uint(bytes, number) : 1,
    codecId: codec ? new TextDecoder().decode(bytes.subarray(codec.data, codec.data + codec.size)) : '?',
    codecPrivate: priv ? bytes.slice(priv.data, priv.data + priv.size) : undefined,
    width: get(ID.pixelWidth) ? uint(bytes, get(ID.pixelWidth)!) : 0,
    height: get(ID.pixelHeight) ? uint(bytes, get(ID.pixelHeight)!) : 0,
  };
}

function readBlock(bytes: Uint8Array, e: Element, clusterTime: number, out: Walk, simple: boolean): void {
  if (!out.track) return;
  const track = vint(bytes, e.data, true);
  if (!track || track.value !== out.track.number) return;
  const at = e.data + track.length;
  const relative = new DataView(bytes.buffer, bytes.byteOffset + at, 2).getInt16(0);
  const flags = bytes[at + 2];
  if ((flags & 0x06) !== 0)
    throw new VideoError('corrupt', 'a video block uses lacing, which this reader does not split');
  const time = clusterTime + relative;
  // A Block's keyframe-ness comes from the absence of a ReferenceBlock after it (see walk).
  out.samples.push(at + 3, e.data + e.size - at - 3, time, time, simple ? (flags & 0x80) !== 0 : true);
}

function codecOf(track: Track | undefined): CodecInfo {
  const id = track?.codecId ?? 'none';
  const priv = track?.codecPrivate;
  if (id === 'V_VP8') return { codec: 'vp8', codecName: 'VP8', description: undefined };
  if (id === 'V_VP9') {
    // CodecPrivate holds VP9 codec features (id 1 profile, 2 level, 3 bit depth) when written.
    const feature = (want: number) => {
      for (let at = 0; priv && at + 2 < priv.length; at += 2 + priv[at + 1])
        if (priv[at] === want) return priv[at + 2];
      return undefined;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    const profile = feature(1) ?? 0;
    return {
      codec: `vp09.${two(profile)}.${two(feature(2) ?? 10)}.${two(feature(3) ?? 8)}`,
      codecName: `VP9 Profile ${profile}`,
      description: undefined,
    };
  }
  if (id === 'V_AV1') return av1Codec(priv && priv.length >= 4 ? priv : undefined);
  if (id === 'V_MPEG4/ISO/AVC' && priv) return avcCodec('avc1', priv);
  const names: Record<string, string> = {
    'V_MPEGH/ISO/HEVC': 'H.265/HEVC',
    'V_MPEG4/ISO/SP': 'MPEG-4 Part 2',
    'V_MPEG4/ISO/ASP': 'MPEG-4 Part 2',
    V_THEORA: 'Theora',
    V_MJPEG: 'Motion JPEG',
  };
  const name = names[id] ?? id;
  return {
    codec: undefined,
    codecName: name,
    description: undefined,
    undecodable: `its codec, ${name}, has no WebCodecs decoder here`,
  };
}

export async function indexMatroska(file: VideoBytes): Promise<VideoIndex> {
  const whole = file.size <= MAX_WHOLE;
  const bytes = whole
    ? file.head.length >= file.size
      ? file.head
      : await file.read(0, file.size)
    : file.head;
  const out: Walk = {
    docType: '',
    timecodeScale: 1_000_000,
    durationTicks: 0,
    samples: new SampleArrays(),
    cut: false,
  };
  walk(bytes, 0, bytes.length, out, { time: 0 });
  if (!out.track) {
    if (out.cut) throw new VideoError('corrupt', 'the Matroska file ends before its Tracks (cut short?)');
    throw new VideoError('not-video', `the ${out.docType || 'Matroska'} file has no video track`);
  }
  const codec = codecOf(out.track);
  if (!whole) {
    out.samples.length = 0;
    codec.undecodable ??= `its frames are listed only for WebM files up to ${MAX_WHOLE / 2 ** 20} MiB (this one is ${Math.round(file.size / 2 ** 20)} MiB)`;
  } else if (out.cut) {
    codec.undecodable ??= 'the file is cut short';
  }
  // Matroska times are in TimecodeScale ns units; in presentation order for every codec it holds.
  const perSecond = 1e9 / out.timecodeScale;
  const facts: TrackFacts = {
    container: out.docType === 'webm' ? 'webm' : 'mkv',
    codec,
    width: out.track.width,
    height: out.track.height,
    timescale: perSecond,
    shift:
      out.samples.length > 0 ? Math.min(...out.samples.cts.subarray(0, Math.min(out.samples.length, 64))) : 0,
    durationTicks: out.durationTicks,
    moovAtEnd: false,
  };
  return finishIndex(facts, out.samples, file.size);
}
