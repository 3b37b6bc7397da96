/**
 * Debian's python3-zarr (zarr-python 2.13) as the reference reader of Zarr v2 stores: values of
 * array slices as JSON, installed with apt when missing (as h5py is for HDF5).
 */
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages } from './debianPackages';

/** Debian's interpreter: the Debian packages are installed for it, not for another python3 on PATH. */
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys, zarr
store, requests = sys.argv[1], json.loads(sys.argv[2])
root = zarr.open(store, mode='r')
def plain(v):
    if isinstance(v, bytes): return v.decode('utf-8')
    if hasattr(v, 'item'): return v.item()
    return v
out = []
for path, start, stop in requests:
    out.append([plain(v) for v in root[path][start:stop]])
print(json.dumps(out))
`;

/** `[path, start, stop]` slices of 1-D arrays, each as a list of values, read by zarr-python. */
export function pythonZarrSlices(store: string, slices: [string, number, number][]): unknown[][] {
  ensureDebianPackages(['python3-zarr', 'python3-numcodecs']);
  const run = spawnSync(PYTHON, ['-c', SCRIPT, store, JSON.stringify(slices)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3-zarr failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[][];
}

/** Runs a python3-zarr script with `out` (a folder to write stores into) as `sys.argv[1]`. */
export function pythonZarrWrite(script: string, out: string): void {
  ensureDebianPackages(['python3-zarr', 'python3-numcodecs']);
  const run = spawnSync(PYTHON, ['-c', script, out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3-zarr failed: ${run.stderr}`);
}
