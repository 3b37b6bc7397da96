/**
 * Where each object's header is, as h5py (libhdf5) gives it: the address of every path reached
 * by hard links, and the name libhdf5 gives an object reference to each address (the one path
 * when a single link reaches it, else the name libhdf5's search finds).
 */
import { execFileSync } from 'node:child_process';
import { PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';

export interface ObjectAddresses {
  /** Header address (relative to the superblock) by path. */
  paths: Record<string, number>;
  /** The referenced object's name by its address (decimal). */
  names: Record<string, string>;
}

const SCRIPT = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
paths = {}
by_address = {}
def walk(group, prefix, ancestors):
    for name in group:
        if not isinstance(group.get(name, getlink=True), h5py.HardLink):
            continue
        obj = group[name]
        addr = h5py.h5o.get_info(obj.id).addr
        path = prefix + name
        paths[path] = addr
        by_address.setdefault(addr, []).append(path)
        if isinstance(obj, h5py.Group) and addr not in ancestors:
            walk(obj, path + '/', ancestors | {addr})
root = h5py.h5o.get_info(f['/'].id).addr
paths['/'] = root
walk(f, '/', {root})
names = {str(root): '/'}
for addr, found in by_address.items():
    names[str(addr)] = found[0] if len(found) == 1 else f[f[found[0]].ref].name
print(json.dumps({'paths': paths, 'names': names}))
`;

export function objectAddresses(file: string): ObjectAddresses {
  ensureDebianPackages(['python3-h5py']);
  const out = execFileSync(PYTHON, ['-c', SCRIPT, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out) as ObjectAddresses;
}
