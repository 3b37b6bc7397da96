/**
 * Small HDF5 files written at test time by libhdf5 itself (Debian's h5py, installed when missing),
 * for layouts no fixture has: big-endian compound members, a big-endian bool attribute as h5py
 * writes it on s390x. The script gets the output path as `sys.argv[1]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';

export interface WrittenFile {
  path: string;
  remove(): void;
}

export function writeWithH5py(name: string, script: string): WrittenFile {
  ensureDebianPackages(['python3-h5py']);
  const dir = mkdtempSync(join(tmpdir(), 'h5py-file-'));
  const path = join(dir, name);
  execFileSync(PYTHON, ['-c', script, path], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
