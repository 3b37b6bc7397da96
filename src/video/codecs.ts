/**
 * Codec strings (RFC 6381 / WebCodecs registry) and names for people, from the decoder
 * configuration records: `avcC` (ISO 14496-15 §5.3.3), `hvcC` (§8.3.3, string per Annex E),
 * `vpcC` (VP9 in ISO BMFF §2.2), `av1C` (AV1 in ISO BMFF §2.3).
 */
export interface CodecInfo {
  codec: string | undefined;
  codecName: string;
  description: Uint8Array | undefined;
  /** Why a WebCodecs decoder cannot take this stream, when it cannot. */
  undecodable?: string;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

const AVC_PROFILES: Record<number, string> = {
  44: 'CAVLC 4:4:4 Intra',
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4 Predictive',
};

export function avcProfileName(profile: number, constraints: number): string {
  const name = AVC_PROFILES[profile] ?? `profile ${profile}`;
  // constraint_set1_flag on Baseline: Constrained Baseline (what most Baseline encoders write).
  if (profile === 66 && (constraints & 0x40) !== 0) return 'Constrained Baseline';
  if (profile === 110 && (constraints & 0x10) !== 0) return 'High 10 Intra';
  return name;
}

/** `avc1.PPCCLL` from an `avcC` record (entry type `avc1` or `avc3`). */
export function avcCodec(entry: string, avcC: Uint8Array): CodecInfo {
  if (avcC.length < 7 || avcC[0] !== 1)
    return {
      codec: undefined,
      codecName: 'H.264',
      description: undefined,
      undecodable: 'its avcC record is damaged',
    };
  const [profile, constraints, level] = [avcC[1], avcC[2], avcC[3]];
  const levelText = level % 10 === 0 ? String(level / 10) : (level / 10).toFixed(1);
  return {
    codec: `${entry}.${hex2(profile)}${hex2(constraints)}${hex2(level)}`,
    codecName: `H.264 ${avcProfileName(profile, constraints)} L${levelText}`,
    description: avcC,
  };
}

/** `hev1.P.C.TL.B` (Annex E) from an `hvcC` record. */
export function hevcCodec(entry: string, hvcC: Uint8Array): CodecInfo {
  if (hvcC.length < 23)
    return {
      codec: undefined,
      codecName: 'H.265/HEVC',
      description: undefined,
      undecodable: 'its hvcC record is damaged',
    };
  const space = hvcC[1] >> 6;
  const tier = (hvcC[1] >> 5) & 1;
  const profile = hvcC[1] & 0x1f;
  const compat = ((hvcC[2] << 24) | (hvcC[3] << 16) | (hvcC[4] << 8) | hvcC[5]) >>> 0;
  // The compatibility flags are written in reverse bit order.
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) if (compat & (1 << bit)) reversed |= 1 << (31 - bit);
  const constraints = Array.from(hvcC.subarray(6, 12));
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = hvcC[12];
  const parts = [
    entry,
    `${['', 'A', 'B', 'C'][space]}${profile}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${tier ? 'H' : 'L'}${level}`,
    ...constraints.map(b => b.toString(16).toUpperCase()),
  ];
  const names: Record<number, string> = {
    1: 'Main',
    2: 'Main 10',
    3: 'Main Still Picture',
    4: 'Range Extensions',
  };
  return {
    codec: parts.join('.'),
    codecName: `H.265/HEVC ${names[profile] ?? `profile ${profile}`} L${level / 30}`,
    description: hvcC,
  };
}

/** `vp09.PP.LL.DD` from a `vpcC` record (version 1: profile, level, bit depth in the next bytes). */
export function vp9Codec(vpcC: Uint8Array | undefined): CodecInfo {
  if (!vpcC || vpcC.length < 7) return { codec: 'vp09.00.10.08', codecName: 'VP9', description: undefined };
  const [profile, level, bitDepth] = [vpcC[4], vpcC[5], vpcC[6] >> 4];
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    codec: `vp09.${two(profile)}.${two(level)}.${two(bitDepth)}`,
    codecName: `VP9 Profile ${profile}`,
    description: undefined,
  };
}

/** `av01.P.LLT.DD` from an `av1C` record. */
export function av1Codec(av1C: Uint8Array | undefined): CodecInfo {
  if (!av1C || av1C.length < 4)
    return {
      codec: undefined,
      codecName: 'AV1',
      description: undefined,
      undecodable: 'it has no av1C record',
    };
  const profile = av1C[1] >> 5;
  const level = av1C[1] & 0x1f;
  const tier = av1C[2] >> 7 ? 'H' : 'M';
  const high = (av1C[2] >> 6) & 1;
  const twelve = (av1C[2] >> 5) & 1;
  const depth = high ? (twelve ? 12 : 10) : 8;
  return {
    codec: `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`,
    codecName: `AV1 ${['Main', 'High', 'Professional'][profile] ?? `profile ${profile}`}`,
    description: av1C,
  };
}

/** MPEG-4 Visual object types (ISO 14496-1 objectTypeIndication in `esds`) and sample entries no WebCodecs decoder takes. */
export function namedOnly(entry: string, detail?: string): CodecInfo {
  const names: Record<string, string> = {
    mp4v: 'MPEG-4 Part 2',
    s263: 'H.263',
    mjpa: 'Motion JPEG',
    mjpb: 'Motion JPEG',
    jpeg: 'Motion JPEG',
    apcn: 'Apple ProRes 422',
    apch: 'Apple ProRes 422 HQ',
    apcs: 'Apple ProRes 422 LT',
    apco: 'Apple ProRes 422 Proxy',
    ap4h: 'Apple ProRes 4444',
    mp2v: 'MPEG-2 Video',
    encv: 'encrypted video',
  };
  const name = `${names[entry] ?? `'${entry}'`}${detail ? ` ${detail}` : ''}`;
  return {
    codec: undefined,
    codecName: name,
    description: undefined,
    undecodable: `its codec, ${name}, has no WebCodecs decoder (the editor decodes H.264, and VP8/VP9/AV1/HEVC where the host has them)`,
  };
}

/** The FourCCs AVI files carry, named (the DivX/Xvid family is MPEG-4 Part 2). */
export function aviCodecName(fourccCode: string): string {
  const code = fourccCode.toUpperCase().trim();
  if (['DIVX', 'DX50', 'XVID', 'FMP4', 'MP4V', 'DIV3', 'MP42', 'MP43', '3IV2'].includes(code))
    return code === 'DIV3' || code === 'MP42' || code === 'MP43'
      ? `MS MPEG-4 (${fourccCode})`
      : `MPEG-4 Part 2 (${fourccCode})`;
  if (['H264', 'X264', 'AVC1', 'DAVC'].includes(code)) return `H.264 (${fourccCode})`;
  if (['MJPG', 'AVRN', 'LJPG'].includes(code)) return `Motion JPEG (${fourccCode})`;
  if (code === 'HFYU') return 'HuffYUV';
  if (code === 'FFV1') return 'FFV1';
  if (code === '' || code === 'DIB' || code === 'RGB') return 'uncompressed RGB';
  return `'${fourccCode}'`;
}
