/**
 * Both sides of the group-link comparison: the pure-JavaScript reader's walk of a local file
 * (src/hdf5/format/) and libhdf5's, through Debian's h5py (linkTruth.py), in one JSON shape.
 */
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  Cursor,
  openStoredFile,
  readBlock,
  UNDEFINED,
  type StoredFile,
} from '../../../src/hdf5/format/fileCursor';
import { groupLinks, isGroupHeader, type Link } from '../../../src/hdf5/format/groupLinks';
import { firstMessage, readObjectHeader, type HeaderMessage } from '../../../src/hdf5/format/objectHeader';
import { rootGroupAddress } from '../../../src/hdf5/format/superblock';
import { PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';

const run = promisify(execFile);
const TRUTH = resolve(process.cwd(), 'test', 'unit', 'hdf5', 'linkTruth.py');
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Every group reachable by hard links, keyed by header address, and each hard link target's kind. */
export interface GroupWalk {
  root: number;
  groups: Record<string, Link[]>;
  /** As libhdf5 classifies them; the JavaScript side says only group or not. */
  types: Record<string, string>;
}

export interface LocalFile {
  file: StoredFile;
  close(): void;
}

/** A local file read with fs.readSync, its superblock found where libhdf5 looks: 0, 512, 1024, ... */
export function openLocal(path: string): LocalFile {
  const fd = openSync(path, 'r');
  const readAt = (position: number, target: Uint8Array) => readSync(fd, target, 0, target.length, position);
  const size = fstatSync(fd).size;
  const probe = new Uint8Array(8);
  let base = 0;
  while (base + 8 <= size && !(readAt(base, probe) === 8 && SIGNATURE.equals(probe)))
    base = base === 0 ? 512 : base * 2;
  return { file: openStoredFile(readAt, base < size ? base : 0), close: () => closeSync(fd) };
}

/** The JavaScript reader's walk: groups entered once each, hard link targets classified. */
export function jsWalk(file: StoredFile): GroupWalk {
  const root = rootGroupAddress(file);
  const walk: GroupWalk = { root, groups: {}, types: { [root]: 'group' } };
  const pending = [root];
  while (pending.length > 0) {
    const address = pending.pop() as number;
    const links = groupLinks(file, readObjectHeader(file, address));
    if (!links) throw new Error(`the group at ${address} reads as no group`);
    walk.groups[address] = links;
    for (const link of links) {
      if (link.kind !== 'hard' || link.address in walk.types) continue;
      const group = isGroupHeader(readObjectHeader(file, link.address));
      walk.types[link.address] = group ? 'group' : 'other';
      if (group) pending.push(link.address);
    }
  }
  return walk;
}

/** libhdf5's walk of the file at `path`, with each target's kind collapsed to group or not. */
export async function h5pyWalk(path: string): Promise<GroupWalk> {
  ensureDebianPackages(['python3-h5py']);
  const { stdout } = await run(PYTHON, [TRUTH, path], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const walk = JSON.parse(stdout) as GroupWalk;
  for (const key of Object.keys(walk.types)) if (walk.types[key] !== 'group') walk.types[key] = 'other';
  return walk;
}

/** How a group stores its links, read from the bytes: what the h5py-written files must exercise. */
export type GroupLayout =
  | { style: 'symbol table'; btreeLevel: number }
  | { style: 'compact'; creationOrderIndexed: boolean }
  | { style: 'dense'; creationOrderIndexed: boolean; rootIndirectRows: number };

export function groupLayout(file: StoredFile, address: number): GroupLayout {
  const header = readObjectHeader(file, address);
  const info = firstMessage(header, 0x02);
  if (!info) {
    const table = firstMessage(header, 0x11) as HeaderMessage;
    const btree = new Cursor(table.body, file).offset();
    return { style: 'symbol table', btreeLevel: readBlock(file, btree, 6)[5] };
  }
  const cursor = new Cursor(info.body, file, 1);
  const flags = cursor.u8();
  if (flags & 0x01) cursor.skip(8);
  const heap = cursor.offset();
  const creationOrderIndexed = (flags & 0x02) !== 0;
  if (heap === UNDEFINED) return { style: 'compact', creationOrderIndexed };
  // The heap header's current root rows follow 20 bytes of fixed fields, 12 lengths and 3 addresses.
  const rowsAt = 20 + 12 * file.lengthSize + 3 * file.offsetSize;
  const rootIndirectRows = new Cursor(readBlock(file, heap, rowsAt + 2), file, rowsAt).u16();
  return { style: 'dense', creationOrderIndexed, rootIndirectRows };
}
