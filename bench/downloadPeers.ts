/**
 * The download engine's peers as a user would run them, with what they cost: `aria2c -x 8 -s 8`
 * (Debian `aria2`, installed when missing) followed by the verification the engine does inline
 * (the dandi-etag: MD5 of every 64 MiB part, read back from disk), their CPU time from /proc, and
 * the requests and bytes the stand-in archive logged for each side.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { DandiEtagHasher } from '../src/dandi/etag';
import { ensureDebianPackages } from '../test/support/debianPackages';

const MiB = 1024 ** 2;
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU time of this process's finished children (curl, aria2c), from /proc. */
export function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** dandi-etag of a file on disk, streamed. */
export async function etagOf(path: string): Promise<string> {
  const hasher = new DandiEtagHasher(statSync(path).size);
  for await (const chunk of createReadStream(path, { highWaterMark: 8 * MiB }))
    hasher.update(chunk as Buffer);
  return hasher.digest();
}

/** Requests and bytes the archive logged since its log was last cleared; clears it again. */
export async function takeLog(controlUrl: string): Promise<{ requests: number; bytes: number }> {
  const log = (await (await request(`${controlUrl}/log`)).body.json()) as { bytes: number }[];
  const cleared = await request(`${controlUrl}/clear-log`, { method: 'POST', body: '' });
  await cleared.body.dump();
  return { requests: log.length, bytes: log.reduce((n, e) => n + e.bytes, 0) };
}

export interface PeerRun {
  /** Download plus verification, wall time. */
  ms: number;
  downloadMs: number;
  verifyMs: number;
  /** aria2c's CPU time plus the verification's. */
  cpuMs: number;
  requests: number;
  bytes: number;
}

export const ARIA2C_NAME = 'aria2c -x 8 -s 8 + dandi-etag check';

/**
 * `aria2c -x 8 -s 8` of `url` into `dir`, then the dandi-etag of what it wrote (as the engine
 * checks it); throws when aria2c fails or the file is not the archive's.
 */
export async function aria2cVerified(
  url: string,
  dir: string,
  expectedEtag: string,
  controlUrl: string,
): Promise<PeerRun> {
  ensureDebianPackages(['aria2']);
  const out = 'aria2c.bin';
  const args = ['-q', '-x', '8', '-s', '8', '-k', '1M', '--file-allocation=none', '--allow-overwrite=true'];
  await takeLog(controlUrl);
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const run = spawnSync('aria2c', [...args, '-d', dir, '-o', out, url], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`aria2c exited with ${run.status}`);
  const t1 = performance.now();
  const downloadCpuMs = childrenCpuMs() - cpu0;
  const served = await takeLog(controlUrl);
  const verifyCpu0 = process.cpuUsage();
  const etag = await etagOf(join(dir, out));
  const verifyCpu = process.cpuUsage(verifyCpu0);
  const t2 = performance.now();
  if (etag !== expectedEtag)
    throw new Error(`aria2c wrote a file whose dandi-etag is ${etag}, not ${expectedEtag}`);
  return {
    ms: t2 - t0,
    downloadMs: t1 - t0,
    verifyMs: t2 - t1,
    cpuMs: downloadCpuMs + (verifyCpu.user + verifyCpu.system) / 1000,
    ...served,
  };
}
