/**
 * An object header as the HDF5 file format specification lays it out (version 1, and version 2
 * with its `OHDR`/`OCHK` blocks), every message with its flags and, when the header tracks
 * attribute creation order, its creation index. Continuation blocks are followed.
 */
import { Hdf5Error } from '../types';
import { Cursor, readBlock, type StoredFile } from './fileCursor';

export interface HeaderMessage {
  type: number;
  /** Message flags: bit 1 (0x02) says the body is a shared-message reference, not the message. */
  flags: number;
  body: Uint8Array;
  /** The message's creation index (version 2 headers that track attribute creation order). */
  creationOrder: number | null;
}

export interface ObjectHeader {
  address: number;
  version: 1 | 2;
  /** Version 2 header flags (0 for version 1): 0x04 attribute creation order tracked, 0x08 indexed. */
  flags: number;
  messages: HeaderMessage[];
}

/** What the pure-JavaScript reader does not read: the caller asks libhdf5 instead. */
export class FormatUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatUnsupported';
  }
}

export const CONTINUATION = 0x10;
/** Continuation blocks followed before the header is taken as looping. */
const MAX_BLOCKS = 10_000;

interface Pending {
  address: number;
  length: number;
}

export function readObjectHeader(file: StoredFile, address: number): ObjectHeader {
  const prefix = readBlock(file, address, 16);
  if (prefix[0] === 0x4f && prefix[1] === 0x48 && prefix[2] === 0x44 && prefix[3] === 0x52)
    return readV2(file, address, prefix);
  if (prefix[0] !== 1)
    throw new Hdf5Error('corrupt', `unknown object header version ${prefix[0]} at ${address}`);
  const messages: HeaderMessage[] = [];
  const size = new DataView(prefix.buffer).getUint32(8, true);
  const pending: Pending[] = [{ address: address + 16, length: size }];
  for (let n = 0; pending.length > 0; n++) {
    if (n >= MAX_BLOCKS) throw new Hdf5Error('corrupt', 'object header continuations loop');
    const next = pending.shift() as Pending;
    const cursor = new Cursor(readBlock(file, next.address, next.length), file);
    while (cursor.remaining >= 8) {
      const type = cursor.u16();
      const length = cursor.u16();
      const flags = cursor.u8();
      cursor.skip(3); // reserved
      const body = cursor.take(Math.min(length, cursor.remaining));
      collect({ type, flags, body, creationOrder: null }, file, messages, pending);
    }
  }
  return { address, version: 1, flags: 0, messages };
}

function readV2(file: StoredFile, address: number, prefix: Uint8Array): ObjectHeader {
  if (prefix[4] !== 2)
    throw new Hdf5Error('corrupt', `unknown object header version ${prefix[4]} at ${address}`);
  const flags = prefix[5];
  const at = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const sizeBytes = 1 << (flags & 3);
  const head = readBlock(file, address, at + sizeBytes);
  const chunkSize = new Cursor(head, file, at).sized(sizeBytes);
  if (chunkSize < 0) throw new Hdf5Error('corrupt', `the object header at ${address} has no size`);
  const messages: HeaderMessage[] = [];
  const pending: Pending[] = [];
  const block = readBlock(file, address + at + sizeBytes, chunkSize);
  scanV2(new Cursor(block, file), flags, messages, pending);
  for (let n = 0; pending.length > 0; n++) {
    if (n >= MAX_BLOCKS) throw new Hdf5Error('corrupt', 'object header continuations loop');
    const next = pending.shift() as Pending;
    const bytes = readBlock(file, next.address, next.length);
    const cursor = new Cursor(bytes.subarray(0, bytes.length - 4), file);
    if (cursor.signature() !== 'OCHK') throw new Hdf5Error('corrupt', `no OCHK at ${next.address}`);
    scanV2(cursor, flags, messages, pending);
  }
  return { address, version: 2, flags, messages };
}

function scanV2(cursor: Cursor, flags: number, out: HeaderMessage[], pending: Pending[]): void {
  const tracked = (flags & 0x04) !== 0;
  const headerSize = tracked ? 6 : 4;
  while (cursor.remaining >= headerSize) {
    const type = cursor.u8();
    const length = cursor.u16();
    const messageFlags = cursor.u8();
    const creationOrder = tracked ? cursor.u16() : null;
    collect(
      { type, flags: messageFlags, body: cursor.take(length), creationOrder },
      cursor.file,
      out,
      pending,
    );
  }
}

function collect(
  message: HeaderMessage,
  file: Pick<StoredFile, 'offsetSize' | 'lengthSize'>,
  out: HeaderMessage[],
  pending: Pending[],
): void {
  if (message.type === CONTINUATION) {
    const c = new Cursor(message.body, file);
    pending.push({ address: c.offset(), length: c.length() });
  } else if (message.type !== 0) out.push(message);
}

/** The first message of `type`, or undefined. */
export function firstMessage(header: ObjectHeader, type: number): HeaderMessage | undefined {
  return header.messages.find(m => m.type === type);
}
