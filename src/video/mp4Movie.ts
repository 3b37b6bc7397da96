/**
 * The `moov` box of an MP4/QuickTime file: the first video track's timescale, sample description
 * (codec), edit list and sample tables (stts, ctts, stss, stsz/stz2, stsc, stco/co64), expanded
 * into per-sample arrays in decode order. Fragmented files keep their samples in `moof`s
 * (mp4Fragments.ts); their `moov` brings the codec, the timescale and the `trex` defaults.
 */
import { childBoxes, Cursor, fourcc, type BoxHeader } from './boxes';
import { av1Codec, avcCodec, hevcCodec, namedOnly, vp9Codec, type CodecInfo } from './codecs';
import { VideoError } from './errors';
import { MAX_SAMPLES, SampleArrays } from './table';

export interface TrexDefaults {
  duration: number;
  size: number;
  flags: number;
}

export interface MovieTrack {
  trackId: number;
  timescale: number;
  codec: CodecInfo;
  width: number;
  height: number;
  shift: number;
  samples: SampleArrays;
  durationTicks: number;
  /** `mvex` present: samples (also) live in movie fragments. */
  fragmented: boolean;
  trex: TrexDefaults;
}

function find(bytes: Uint8Array, parent: BoxHeader, type: string): BoxHeader | undefined {
  return childBoxes(bytes, parent.start + parent.headerSize, parent.start + parent.size).find(
    b => b.type === type,
  );
}

function path(bytes: Uint8Array, parent: BoxHeader, ...types: string[]): BoxHeader | undefined {
  let box: BoxHeader | undefined = parent;
  for (const type of types) box = box && find(bytes, box, type);
  return box;
}

/** Reads the first video track of `moov` (the whole box, at offset 0 of `bytes`). */
export function parseMovie(bytes: Uint8Array): MovieTrack {
  const moov: BoxHeader = { type: 'moov', start: 0, headerSize: headerSizeOf(bytes), size: bytes.length };
  const children = childBoxes(bytes, moov.headerSize, moov.size);
  const traks = children.filter(b => b.type === 'trak');
  const video = traks.find(trak => handlerOf(bytes, trak) === 'vide');
  if (!video) {
    const handlers = traks.map(t => handlerOf(bytes, t) ?? '?').join(', ');
    throw new VideoError('not-video', `the file has no video track (tracks: ${handlers || 'none'})`);
  }
  const tkhd = find(bytes, video, 'tkhd');
  const trackId = tkhd ? trackIdOf(bytes, tkhd) : 1;
  const mdhd = path(bytes, video, 'mdia', 'mdhd');
  const stbl = path(bytes, video, 'mdia', 'minf', 'stbl');
  if (!mdhd || !stbl) throw new VideoError('corrupt', 'the video track has no mdhd or stbl box');
  const timescale = timescaleOf(bytes, mdhd);
  const stsd = find(bytes, stbl, 'stsd');
  if (!stsd) throw new VideoError('corrupt', 'the video track has no sample description (stsd)');
  const entry = sampleEntry(bytes, stsd);
  const mvex = find(bytes, moov, 'mvex');
  const trex = mvex ? trexFor(bytes, mvex, trackId) : { duration: 0, size: 0, flags: 0 };
  const elst = path(bytes, video, 'edts', 'elst');
  const { samples, durationTicks } = expandTables(bytes, stbl);
  return {
    trackId,
    timescale,
    ...entry,
    shift: elst ? editShift(bytes, elst) : 0,
    samples,
    durationTicks,
    fragmented: mvex !== undefined,
    trex,
  };
}

function headerSizeOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) === 1 ? 16 : 8;
}

function handlerOf(bytes: Uint8Array, trak: BoxHeader): string | undefined {
  const hdlr = path(bytes, trak, 'mdia', 'hdlr');
  if (!hdlr) return undefined;
  const c = Cursor.ofBox(bytes, hdlr);
  c.skip(8);
  c.need(4);
  return fourcc(bytes, c.at);
}

function trackIdOf(bytes: Uint8Array, tkhd: BoxHeader): number {
  const c = Cursor.ofBox(bytes, tkhd);
  const { version } = c.fullBox();
  c.skip(version === 1 ? 16 : 8);
  return c.u32();
}

function timescaleOf(bytes: Uint8Array, mdhd: BoxHeader): number {
  const c = Cursor.ofBox(bytes, mdhd);
  const { version } = c.fullBox();
  c.skip(version === 1 ? 16 : 8);
  const timescale = c.u32();
  if (timescale === 0) throw new VideoError('corrupt', 'the video track has a timescale of 0 (mdhd)');
  return timescale;
}

/**
 * Where presentation starts in media time: the first edit that is not empty (media_time -1). An
 * empty first edit delays the track; like ffprobe we count frame 0 from the first shown sample,
 * so only the media_time (in the media's timescale) matters.
 */
function editShift(bytes: Uint8Array, elst: BoxHeader): number {
  const c = Cursor.ofBox(bytes, elst);
  const { version } = c.fullBox();
  const count = c.u32();
  const entryBytes = version === 1 ? 20 : 12;
  c.entries(count, entryBytes);
  for (let i = 0; i < count; i++) {
    if (version === 1) c.u64();
    else c.u32();
    const mediaTime = version === 1 ? c.i64() : c.i32();
    c.skip(4);
    if (mediaTime >= 0) return mediaTime;
  }
  return 0;
}

function trexFor(bytes: Uint8Array, mvex: BoxHeader, trackId: number): TrexDefaults {
  for (const box of childBoxes(bytes, mvex.start + mvex.headerSize, mvex.start + mvex.size)) {
    if (box.type !== 'trex') continue;
    const c = Cursor.ofBox(bytes, box);
    c.fullBox();
    if (c.u32() !== trackId) continue;
    c.u32();
    return { duration: c.u32(), size: c.u32(), flags: c.u32() };
  }
  return { duration: 0, size: 0, flags: 0 };
}

/** The codec and coded size from the first sample entry of `stsd`. */
function sampleEntry(
  bytes: Uint8Array,
  stsd: BoxHeader,
): { codec: CodecInfo; width: number; height: number } {
  const c = Cursor.ofBox(bytes, stsd);
  c.fullBox();
  if (c.u32() === 0)
    throw new VideoError('corrupt', 'the video track describes no sample format (stsd is empty)');
  const [entry] = childBoxes(bytes, c.at, stsd.start + stsd.size);
  if (!entry) throw new VideoError('corrupt', 'the sample description (stsd) is cut short');
  const e = Cursor.ofBox(bytes, entry);
  // SampleEntry (8) + VisualSampleEntry up to width/height (16), then 50 more bytes to the boxes.
  e.skip(24);
  const width = e.u16();
  const height = e.u16();
  e.skip(50);
  const boxes = childBoxes(bytes, e.at, entry.start + entry.size);
  const payload = (type: string) => {
    const box = boxes.find(b => b.type === type);
    return box && bytes.slice(box.start + box.headerSize, box.start + box.size);
  };
  return { codec: codecOf(entry.type, payload), width, height };
}

function codecOf(entry: string, payload: (type: string) => Uint8Array | undefined): CodecInfo {
  switch (entry) {
    case 'avc1':
    case 'avc3': {
      const avcC = payload('avcC');
      return avcC ? avcCodec(entry, avcC) : namedOnly(entry, '(H.264 without avcC)');
    }
    case 'hvc1':
    case 'hev1': {
      const hvcC = payload('hvcC');
      return hvcC ? hevcCodec(entry, hvcC) : namedOnly(entry, '(HEVC without hvcC)');
    }
    case 'vp09':
      return vp9Codec(payload('vpcC'));
    case 'vp08':
      return { codec: 'vp8', codecName: 'VP8', description: undefined };
    case 'av01':
      return av1Codec(payload('av1C'));
    case 'mp4v': {
      const esds = payload('esds');
      const simple = esds && esds.includes(0x20) ? '(Visual)' : undefined;
      return namedOnly('mp4v', simple);
    }
    default:
      return namedOnly(entry);
  }
}

/** stts/ctts/stss/stsz/stsc/stco expanded into decode-order arrays. */
function expandTables(bytes: Uint8Array, stbl: BoxHeader): { samples: SampleArrays; durationTicks: number } {
  const boxes = childBoxes(bytes, stbl.start + stbl.headerSize, stbl.start + stbl.size);
  const box = (type: string) => boxes.find(b => b.type === type);
  const sizes = readSizes(bytes, box('stsz') ?? box('stz2'));
  const count = sizes.length;
  const samples = new SampleArrays();
  samples.reserve(count);
  samples.length = count;
  samples.sizes.set(sizes);
  const durationTicks = fillTimes(bytes, box('stts'), box('ctts'), samples);
  fillKeyframes(bytes, box('stss'), samples);
  fillOffsets(bytes, box('stsc'), box('stco') ?? box('co64'), samples);
  return { samples, durationTicks };
}

function readSizes(bytes: Uint8Array, stsz: BoxHeader | undefined): Uint32Array {
  if (!stsz) return new Uint32Array(0);
  const c = Cursor.ofBox(bytes, stsz);
  c.fullBox();
  if (stsz.type === 'stz2') {
    c.skip(3);
    const field = c.u8();
    const count = c.u32();
    if (count > MAX_SAMPLES) throw new VideoError('too-large', `stz2 claims ${count} samples`);
    c.entries(Math.ceil((count * field) / 8), 1);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      if (field === 16) out[i] = c.u16();
      else if (field === 8) out[i] = c.u8();
      else if (field === 4) out[i] = i % 2 === 0 ? bytes[c.at] >> 4 : bytes[c.at++] & 15;
      else throw new VideoError('corrupt', `stz2 has a field size of ${field}`);
    }
    return out;
  }
  const uniform = c.u32();
  const count = c.u32();
  if (count > MAX_SAMPLES) throw new VideoError('too-large', `stsz claims ${count} samples`);
  if (uniform !== 0) return new Uint32Array(count).fill(uniform);
  c.entries(count, 4);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = c.u32();
  return out;
}

function fillTimes(
  bytes: Uint8Array,
  stts: BoxHeader | undefined,
  ctts: BoxHeader | undefined,
  s: SampleArrays,
): number {
  const n = s.length;
  let i = 0;
  let t = 0;
  if (stts) {
    const c = Cursor.ofBox(bytes, stts);
    c.fullBox();
    const entries = c.u32();
    c.entries(entries, 8);
    for (let e = 0; e < entries && i < n; e++) {
      const runLength = c.u32();
      const delta = c.u32();
      for (let k = 0; k < runLength && i < n; k++, i++) {
        s.dts[i] = t;
        t += delta;
      }
    }
  }
  if (i < n) throw new VideoError('corrupt', `the time table (stts) covers ${i} of ${n} samples`);
  s.cts.set(s.dts.subarray(0, n));
  if (ctts) {
    const c = Cursor.ofBox(bytes, ctts);
    c.fullBox();
    const entries = c.u32();
    c.entries(entries, 8);
    // Version 0 offsets are unsigned by the letter of the spec, but writers put negative ones
    // there too; like ffmpeg, read both versions as signed.
    for (let e = 0, j = 0; e < entries && j < n; e++) {
      const runLength = c.u32();
      const offset = c.i32();
      for (let k = 0; k < runLength && j < n; k++, j++) s.cts[j] += offset;
    }
  }
  return t;
}

function fillKeyframes(bytes: Uint8Array, stss: BoxHeader | undefined, s: SampleArrays): void {
  if (!stss) {
    s.keyframe.fill(1, 0, s.length);
    return;
  }
  s.keyframe.fill(0, 0, s.length);
  const c = Cursor.ofBox(bytes, stss);
  c.fullBox();
  const entries = c.u32();
  c.entries(entries, 4);
  for (let e = 0; e < entries; e++) {
    const number = c.u32();
    if (number >= 1 && number <= s.length) s.keyframe[number - 1] = 1;
  }
}

function fillOffsets(
  bytes: Uint8Array,
  stsc: BoxHeader | undefined,
  chunkBox: BoxHeader | undefined,
  s: SampleArrays,
): void {
  const n = s.length;
  if (n === 0) return;
  if (!stsc || !chunkBox) throw new VideoError('corrupt', 'the video track has no chunk tables (stsc, stco)');
  const co = Cursor.ofBox(bytes, chunkBox);
  co.fullBox();
  const chunks = co.u32();
  const wide = chunkBox.type === 'co64';
  co.entries(chunks, wide ? 8 : 4);
  const chunkOffsets = new Float64Array(chunks);
  for (let i = 0; i < chunks; i++) chunkOffsets[i] = wide ? co.u64() : co.u32();
  const sc = Cursor.ofBox(bytes, stsc);
  sc.fullBox();
  const runs = sc.u32();
  sc.entries(runs, 12);
  const firsts = new Uint32Array(runs);
  const perChunk = new Uint32Array(runs);
  for (let r = 0; r < runs; r++) {
    firsts[r] = sc.u32();
    perChunk[r] = sc.u32();
    sc.u32();
  }
  let sample = 0;
  for (let r = 0; r < runs && sample < n; r++) {
    const lastChunk = r + 1 < runs ? Math.min(firsts[r + 1] - 1, chunks) : chunks;
    for (let chunk = firsts[r]; chunk <= lastChunk && sample < n; chunk++) {
      let at = chunkOffsets[chunk - 1];
      if (at === undefined) throw new VideoError('corrupt', `stsc names chunk ${chunk} of ${chunks}`);
      for (let k = 0; k < perChunk[r] && sample < n; k++, sample++) {
        s.offsets[sample] = at;
        at += s.sizes[sample];
      }
    }
  }
  if (sample < n)
    throw new VideoError('corrupt', `the chunk tables (stsc, stco) place ${sample} of ${n} samples`);
}
