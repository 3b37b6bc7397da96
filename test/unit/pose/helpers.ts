/** Shared helpers of the pose tests: the h5py oracle (reference.py) and fixture paths. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';

export const VIDEO_FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'video');
const SCRIPT = resolve(process.cwd(), 'test', 'unit', 'pose', 'reference.py');

export interface NwbReference {
  nodes?: string[];
  edges?: Array<[number, number]>;
  series: Record<
    string,
    {
      count: number;
      x: Array<number | null>;
      y: Array<number | null>;
      confidence: Array<number | null> | null;
    }
  >;
}

export interface SlpReference {
  nodes: string[];
  edges: Array<[number, number]>;
  formatId: number;
  video: string;
  frames: Record<
    string,
    Array<{
      track: string | null;
      x: Array<number | null>;
      y: Array<number | null>;
      score: Array<number | null> | null;
    }>
  >;
}

function run(args: string[]): unknown {
  ensureDebianPackages(['python3-h5py']);
  return JSON.parse(
    execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
}

/** h5py's values of every PoseEstimationSeries of `group` at the given samples. */
export function nwbReference(file: string, group: string, samples: number[]): NwbReference {
  return run(['nwb', file, group, samples.join(',')]) as NwbReference;
}

/** h5py's instances shown on each frame of video 0 (SLEAP's rule), with nodes and edges. */
export function slpReference(file: string, frames: number[]): SlpReference {
  return run(['slp', file, frames.join(',')]) as SlpReference;
}

/** float32 keypoints against float64 references: equal to float32 precision, NaN ↔ null. */
export function sameCoordinates(actual: Float32Array, expected: Array<number | null>, what: string): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i];
    const ok = e === null ? Number.isNaN(a) : Math.abs(a - Math.fround(e)) <= 1e-6 * Math.max(1, Math.abs(e));
    if (!ok) throw new Error(`${what}[${i}]: ${a}, expected ${e}`);
  });
}

/** Debian's ffprobe (package ffmpeg, installed when missing): the oracle of frame counts. */
const FFPROBE = '/usr/bin/ffprobe';

/** Frames of a video as ffprobe counts them (video packets of the first video stream). */
export function ffprobeFrames(path: string): number | undefined {
  ensureDebianPackages(['ffmpeg']);
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets'];
  args.push('-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path);
  const n = Number(execFileSync(FFPROBE, args, { encoding: 'utf8' }).trim());
  return Number.isFinite(n) ? n : undefined;
}
