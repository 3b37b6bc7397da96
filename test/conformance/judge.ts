/**
 * libhdf5's canonical dump of a file (h5dump.py through Debian's h5py + hdf5plugin), cached in
 * .cache/conformance/ by the file's path, size and mtime and the dumper's own text, so an
 * unchanged file costs one read of a JSON file.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CanonFile } from './canonical';

const run = promisify(execFile);
const DUMPER = resolve(process.cwd(), 'test', 'conformance', 'h5dump.py');
const CACHE = resolve(process.cwd(), '.cache', 'conformance');
/** Debian's interpreter: where python3-h5py is installed (a pyenv python3 first on PATH lacks it). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** The Debian packages the judge needs. */
export const JUDGE_PACKAGES = ['python3-h5py', 'python3-hdf5plugin'] as const;

export async function judgeDump(file: string): Promise<CanonFile> {
  const stat = statSync(file);
  const key = createHash('sha1')
    .update(readFileSync(DUMPER))
    .update(`\0${resolve(file)}\0${stat.size}\0${stat.mtimeMs}`)
    .digest('hex');
  const cached = join(CACHE, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as CanonFile;
  const { stdout } = await run(PYTHON, [DUMPER, file], { maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' });
  const dump = JSON.parse(stdout) as CanonFile;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, stdout);
  renameSync(partial, cached);
  return dump;
}
