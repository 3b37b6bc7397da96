/**
 * The files the conformance suite judges: every HDF5 file in ../shared/fixtures/nwb/, and HDF5
 * files from other writers where Debian packages install them (read in place, never copied).
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'nwb');

export interface PackagedFiles {
  /** The Debian package that installs them (the suite installs it when missing). */
  package: string;
  /** Who wrote the files. */
  writer: string;
  dir: string;
  pattern: RegExp;
}

export const PACKAGED: readonly PackagedFiles[] = [
  {
    // PyTables' own test files: tables, enums, vlarrays, big-endian types, links, MATLAB v7.3 .mat.
    package: 'python3-tables',
    writer: 'PyTables',
    dir: '/usr/lib/python3/dist-packages/tables/tests',
    pattern: /\.(h5|mat)$/,
  },
];

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5's signature is at 0, 512, 1024, ... (a user block, e.g. MATLAB's header, comes first). */
function isHdf5(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const probe = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size && at <= 64 * 1024; at = at === 0 ? 512 : at * 2) {
      readSync(fd, probe, 0, 8, at);
      if (probe.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

export interface JudgedFile {
  /** Name in test titles and known gaps, e.g. `pynwb__empty.nwb` or `PyTables/smpl_enum.h5`. */
  name: string;
  path: string;
}

export function fixtureFiles(): JudgedFile[] {
  return readdirSync(FIXTURES)
    .filter(name => /\.(nwb|h5)$/.test(name) && statSync(join(FIXTURES, name)).isFile())
    .sort()
    .map(name => ({ name, path: join(FIXTURES, name) }));
}

/** The packaged files present now (after the packages are installed). */
export function packagedFiles(): JudgedFile[] {
  return PACKAGED.flatMap(source => {
    let names: string[];
    try {
      names = readdirSync(source.dir);
    } catch {
      return [];
    }
    return names
      .filter(name => source.pattern.test(name))
      .sort()
      .map(name => ({ name: `${source.writer}/${name}`, path: join(source.dir, name) }))
      .filter(file => isHdf5(file.path));
  });
}
