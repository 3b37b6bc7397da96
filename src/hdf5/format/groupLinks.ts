/**
 * A group's links, as the HDF5 file format specification lays them out: an old-style group's
 * symbol table, a new-style group's link messages in its header (compact), or the link messages
 * in the fractal heap its link info message names (dense). Listed as h5wasm's get_names lists
 * them: by creation order where the group indexes it, else by name in strcmp (UTF-8 byte) order.
 */
import { Hdf5Error } from '../types';
import { Cursor, UNDEFINED, type StoredFile } from './fileCursor';
import { heapObjects } from './fractalHeap';
import { FormatUnsupported, firstMessage, type ObjectHeader } from './objectHeader';
import { symbolTableLinks } from './symbolTable';

export type Link =
  | { name: string; kind: 'hard'; address: number }
  | { name: string; kind: 'soft'; target: string }
  | { name: string; kind: 'external'; file: string; path: string };

const LINK_INFO = 0x02;
const LINK = 0x06;
const SYMBOL_TABLE = 0x11;
/** A message flag: the body references a shared message instead of holding it. */
const SHARED = 0x02;
const HARD = 0;
const SOFT = 1;
const EXTERNAL = 64;

const utf8 = new TextDecoder();

/** A link with what orders it. */
interface StoredLink {
  link: Link;
  name: Uint8Array;
  creationOrder: number;
}

export function isGroupHeader(header: ObjectHeader): boolean {
  return header.messages.some(m => m.type === SYMBOL_TABLE || m.type === LINK_INFO);
}

export function groupLinks(file: StoredFile, header: ObjectHeader): Link[] | null {
  // libhdf5 reads the link info message first: with one, the symbol table message is ignored.
  const info = firstMessage(header, LINK_INFO);
  if (info) {
    if (info.flags & SHARED) throw new FormatUnsupported(`a shared link info message at ${header.address}`);
    const { heap, nameIndex, creationOrderIndexed } = parseLinkInfo(file, info.body);
    const bodies =
      heap === UNDEFINED
        ? header.messages.filter(m => m.type === LINK).map(m => m.body)
        : heapObjects(file, heap, nameIndex);
    const stored = bodies.map(body => parseLinkMessage(file, body));
    stored.sort(
      creationOrderIndexed
        ? (a, b) => a.creationOrder - b.creationOrder
        : (a, b) => compareBytes(a.name, b.name),
    );
    return stored.map(s => s.link);
  }
  const table = firstMessage(header, SYMBOL_TABLE);
  if (!table) return null;
  if (table.flags & SHARED) throw new FormatUnsupported(`a shared symbol table message at ${header.address}`);
  return symbolTableLinks(file, table.body);
}

function parseLinkInfo(
  file: StoredFile,
  body: Uint8Array,
): { heap: number; nameIndex: number; creationOrderIndexed: boolean } {
  const cursor = new Cursor(body, file);
  need(cursor, 2, 'a link info message');
  const version = cursor.u8();
  const flags = cursor.u8();
  if (version !== 0 || flags > 3)
    throw new Hdf5Error('corrupt', `a link info message of version ${version}, flags ${flags}`);
  if (flags & 0x01) {
    need(cursor, 8, 'a link info message');
    cursor.skip(8); // the largest creation index given so far
  }
  need(cursor, 2 * file.offsetSize, 'a link info message');
  const heap = cursor.offset();
  const nameIndex = cursor.offset();
  if (heap !== UNDEFINED && nameIndex === UNDEFINED)
    throw new Hdf5Error('corrupt', 'a dense group has no link name index');
  return { heap, nameIndex, creationOrderIndexed: (flags & 0x02) !== 0 };
}

/**
 * A link message body (in a header or, the same encoding, a dense group's heap object), read
 * straight from its bytes: a group's links are its hot path.
 */
function parseLinkMessage(file: StoredFile, body: Uint8Array): StoredLink {
  const end = body.length;
  const flags = body[1];
  if (end < 2 || body[0] !== 1 || flags & ~0x1f)
    throw new Hdf5Error('corrupt', `a link message of version ${body[0]}, flags ${flags}`);
  const lengthSize = 1 << (flags & 0x03);
  let at = 2;
  if (at + (flags & 0x08 ? 1 : 0) + (flags & 0x04 ? 8 : 0) + (flags & 0x10 ? 1 : 0) + lengthSize > end)
    throw new Hdf5Error('corrupt', 'a link message ends early');
  const type = flags & 0x08 ? body[at++] : HARD;
  let creationOrder = 0;
  if (flags & 0x04) {
    creationOrder = (little(body, at + 4, 4) | 0) * 2 ** 32 + little(body, at, 4);
    at += 8;
  }
  const charset = flags & 0x10 ? body[at++] : 0;
  if (charset > 1) throw new Hdf5Error('corrupt', `a link name in character set ${charset}`);
  const nameLength = little(body, at, lengthSize);
  at += lengthSize;
  if (nameLength === 0 || nameLength > end - at)
    throw new Hdf5Error('corrupt', `a link name of ${nameLength} bytes in a ${end}-byte link message`);
  const nameBytes = body.subarray(at, at + nameLength);
  at += nameLength;
  const name = utf8.decode(nameBytes);
  let link: Link;
  if (type === HARD) {
    const size = file.offsetSize;
    if (at + size > end) throw new Hdf5Error('corrupt', 'a hard link ends early');
    const address = little(body, at, size);
    const undefinedAddress = address === 256 ** size - 1; // all ones
    if (!undefinedAddress && address > Number.MAX_SAFE_INTEGER)
      throw new Hdf5Error('corrupt', 'a hard link address is out of range');
    link = { name, kind: 'hard', address: undefinedAddress ? UNDEFINED : address };
  } else if (type === SOFT) {
    link = { name, kind: 'soft', target: utf8.decode(linkValue(body, at)) };
  } else if (type === EXTERNAL) {
    link = { name, kind: 'external', ...externalValue(linkValue(body, at)) };
  } else if (type > EXTERNAL) {
    throw new FormatUnsupported(`a user-defined link of type ${type}`);
  } else throw new Hdf5Error('corrupt', `a link of unknown type ${type}`);
  return { link, name: nameBytes, creationOrder };
}

/** A soft or user-defined link's value at `at`: its 2-byte length, then that many bytes. */
function linkValue(body: Uint8Array, at: number): Uint8Array {
  if (at + 2 > body.length) throw new Hdf5Error('corrupt', 'a link value ends early');
  const length = body[at] | (body[at + 1] << 8);
  if (at + 2 + length > body.length) throw new Hdf5Error('corrupt', 'a link value ends early');
  return body.subarray(at + 2, at + 2 + length);
}

/** An external link's value: a version and flags byte, then the file name and object path, NUL-terminated. */
function externalValue(value: Uint8Array): { file: string; path: string } {
  const fileEnd = value.indexOf(0, 1);
  const pathEnd = fileEnd < 0 ? -1 : value.indexOf(0, fileEnd + 1);
  // libhdf5 lists such a link and only fails when it is followed: leave that to libhdf5.
  if (value.length === 0 || value[0] >> 4 !== 0 || (value[0] & 0x0f) > 1 || pathEnd < 0)
    throw new FormatUnsupported('an external link value libhdf5 cannot unpack');
  return {
    file: utf8.decode(value.subarray(1, fileEnd)),
    path: utf8.decode(value.subarray(fileEnd + 1, pathEnd)),
  };
}

function need(cursor: Cursor, bytes: number, what: string): void {
  if (bytes > cursor.remaining) throw new Hdf5Error('corrupt', `${what} ends early`);
}

/** A little-endian unsigned field of `size` bytes. */
function little(bytes: Uint8Array, at: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i];
  return value;
}

/** strcmp: unsigned bytes, a prefix first. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
