/**
 * The h5py + fsspec peer (bench/h5pyPeer.py) as one long-lived Python process: started once with
 * h5py and fsspec imported (a warm process), then asked for one walk or read at a time.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ensureDebianPackages } from '../test/support/debianPackages';

/** Debian's interpreter: the Debian packages are installed for it, not for another python3 on PATH. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(process.cwd(), 'bench', 'h5pyPeer.py');

/** `[dataset path, [[start, stop] per dimension]]`; no bounds reads the whole dataset. */
export type PeerRead = [string, [number, number][] | null];

export interface PeerRequest {
  op: 'walk' | 'read' | 'minmax';
  /** Names the open file: the same key without `fresh` reuses it and what its cache holds. */
  key: string;
  fresh: boolean;
  /** Over HTTP through fsspec... */
  url?: string;
  /** ...or a local file (native libhdf5). */
  path?: string;
  /**
   * fsspec's `cache_type` ('default' leaves fsspec.open's own choice), or 'ros3': libhdf5 streams
   * the URL itself (its S3 driver), no fsspec.
   */
  cache?: 'default' | 'block' | 'ros3';
  blockSize?: number;
  reads?: PeerRead[];
  /** For `minmax`: the dataset whose columns' min and max are computed over every row. */
  dataset?: string;
}

type PeerAnswer = Record<string, number>;

export class H5pyPeer {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly answers: AsyncIterator<string>,
    readonly versions: string,
  ) {}

  /** Installs Debian's h5py, fsspec and aiohttp when missing and starts the process. */
  static async start(): Promise<H5pyPeer> {
    ensureDebianPackages(['python3-h5py', 'python3-fsspec', 'python3-aiohttp']);
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`${SCRIPT} exited before it was ready`);
    const ready = JSON.parse(first.value) as { h5py: string; fsspec: string };
    return new H5pyPeer(child, lines, `h5py ${ready.h5py}, fsspec ${ready.fsspec}`);
  }

  /** Runs one request; the caller times it (whole round trip, as the engine's calls are timed). */
  async run(request: PeerRequest): Promise<PeerAnswer> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const line = await this.answers.next();
    if (line.done) throw new Error('the h5py peer exited');
    const answer = JSON.parse(line.value) as PeerAnswer & { error?: string };
    if (answer.error) throw new Error(`h5py peer: ${answer.error} (${JSON.stringify(request)})`);
    return answer;
  }

  close(): void {
    this.child.stdin.end();
  }
}
