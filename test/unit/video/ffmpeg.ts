// The ffmpeg CLI as the oracle for the video index: ffprobe's packet list and stream facts, the
// test variants made with Debian's ffmpeg (libx264, libvpx), and frame N decoded from a whole file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import { ensureDebianPackages } from '../../support/debianPackages';

export const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'video');
const GENERATED = resolve(process.cwd(), '.cache', 'video');
const VIDEO = /\.(mp4|m4v|mov|webm|mkv|avi)$/i;

export function ensureFfmpeg(): void {
  ensureDebianPackages(['ffmpeg']);
}

function run(command: string, args: string[]): Buffer {
  const result = spawnSync(command, args, { maxBuffer: 1 << 30 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr?.toString().slice(-2000)}`);
  return result.stdout;
}

export interface Packet {
  pts: number;
  dts: number;
  size: number;
  pos: number;
  key: boolean;
}

/** ffprobe's packets of the first video stream, in decode (file) order. */
export function probePackets(path: string): Packet[] {
  const out = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts,dts,flags,pos,size',
    '-of',
    'csv=p=0',
    path,
  ]).toString();
  return out
    .trim()
    .split('\n')
    .map(line => {
      const [pts, dts, size, pos, flags] = line.split(',');
      return {
        pts: Number(pts),
        dts: Number(dts),
        size: Number(size),
        pos: Number(pos),
        key: flags.includes('K'),
      };
    });
}

export interface StreamFacts {
  codec_name: string;
  profile?: string;
  level?: number;
  width: number;
  height: number;
  avg_frame_rate: string;
  r_frame_rate: string;
  time_base: string;
}

export function probeStream(path: string): StreamFacts {
  const out = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,profile,level,width,height,r_frame_rate,avg_frame_rate,time_base',
    '-of',
    'json',
    path,
  ]).toString();
  return (JSON.parse(out) as { streams: StreamFacts[] }).streams[0];
}

export const ratio = (text: string): number => {
  const [a, b] = text.split('/').map(Number);
  return b ? a / b : a;
};

/** Frame `n` (presentation order, after the edit list) of a whole file, as 8-bit gray. */
export function decodeFrame(path: string, n: number): Buffer {
  return run('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-vf',
    `select=eq(n\\,${n})`,
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    '-pix_fmt',
    'gray',
    '-f',
    'rawvideo',
    '-',
  ]);
}

/** Every frame of an H.264 Annex-B stream, output order, as 8-bit gray. */
export function decodeAnnexB(path: string): Buffer {
  return run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'h264',
    '-i',
    path,
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'gray',
    '-f',
    'rawvideo',
    '-',
  ]);
}

export interface Variant {
  name: string;
  args: string[];
}

const SOURCE = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30:duration=12'];
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
/** The variants the issue names (IBL-like: High, B-frames, moov at end; faststart; fragmented; -g 30; VP9 WebM; audio + video), QuickTime, HEVC/AV1/VP9 in MP4, one GOP. */
const VARIANTS: Variant[] = [
  { name: 'high-bframes-moov-end.mp4', args: [...SOURCE, ...X264, '-profile:v', 'high', '-bf', '3'] },
  { name: 'faststart.mp4', args: [...SOURCE, ...X264, '-profile:v', 'high', '-movflags', '+faststart'] },
  { name: 'fragmented.mp4', args: [...SOURCE, ...X264, '-g', '30', '-movflags', 'frag_keyframe+empty_moov'] },
  { name: 'gop30.mp4', args: [...SOURCE, ...X264, '-g', '30'] },
  {
    name: 'vp9.webm',
    args: [...SOURCE, '-c:v', 'libvpx-vp9', '-b:v', '200k', '-deadline', 'realtime', '-cpu-used', '8'],
  },
  {
    name: 'audio-video.mp4',
    args: [
      ...SOURCE,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=12',
      ...X264,
      '-bf',
      '2',
      '-c:a',
      'aac',
      '-shortest',
    ],
  },
  { name: 'quicktime.mov', args: [...SOURCE, ...X264, '-bf', '2'] },
  {
    name: 'live.webm',
    args: [
      ...SOURCE,
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '200k',
      '-g',
      '30',
      '-live',
      '1',
      '-f',
      'webm',
    ],
  },
  // Codecs in MP4 the webview may decode where the host has them: their sample entries' records.
  {
    name: 'hevc.mp4',
    args: [
      ...SOURCE,
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-tag:v',
      'hvc1',
      '-x265-params',
      'log-level=error',
    ],
  },
  { name: 'av1.mp4', args: [...SOURCE, '-c:v', 'libsvtav1', '-preset', '12'] },
  {
    name: 'vp9.mp4',
    args: [...SOURCE, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k'],
  },
  {
    name: 'single-gop.mp4',
    args: [...SOURCE, ...X264, '-profile:v', 'high', '-bf', '3', '-g', '1000', '-sc_threshold', '0'],
  },
];

let made: string | undefined;

/** Makes the variants once per process in a temp folder; returns their paths by name. */
export function variants(): Map<string, string> {
  ensureFfmpeg();
  if (!made) {
    const dir = mkdtempSync(join(tmpdir(), 'vindex-'));
    for (const v of VARIANTS) run('ffmpeg', ['-v', 'error', '-y', ...v.args, join(dir, v.name)]);
    made = dir;
  }
  return new Map(VARIANTS.map(v => [v.name, join(made!, v.name)]));
}

/** The real fixtures, plus the generated IBL-like videos when the fixture generator has made them. */
export function corpus(): string[] {
  const files = readdirSync(FIXTURES)
    .filter(n => VIDEO.test(n))
    .map(n => join(FIXTURES, n));
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap(name => {
      const full = join(dir, name);
      if (name.startsWith('.')) return [];
      return statSync(full).isDirectory() ? walk(full) : VIDEO.test(name) ? [full] : [];
    });
  if (existsSync(GENERATED)) files.push(...walk(GENERATED));
  return files;
}

/** Offset of the box at `path` (e.g. moov, trak, mdia...) in an MP4 file's bytes. */
export function findBox(bytes: Buffer, path: string[]): number {
  let from = 0;
  let to = bytes.length;
  let found = -1;
  for (const type of path) {
    found = -1;
    for (let at = from; at + 8 <= to;) {
      const size = bytes.readUInt32BE(at);
      if (bytes.toString('latin1', at + 4, at + 8) === type) {
        found = at;
        from = at + 8;
        to = at + size;
        break;
      }
      at += size;
    }
    assert.ok(found >= 0, `no ${path.join('/')} box`);
  }
  return found;
}
