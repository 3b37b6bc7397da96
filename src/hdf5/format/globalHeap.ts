/**
 * Global heap collections (`GCOL`), where variable-length values live: a vlen field stores its
 * length and a heap id (the collection's address and the object's index in it).
 */
import { Hdf5Error } from '../types';
import { align8, Cursor, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';

/** Bytes of collections kept per file before the cache starts over. */
const CACHED_BYTES = 32 * 1024 * 1024;
/** A collection larger than this is left to libhdf5 (collections are 4 KiB and up, one object's size). */
const MAX_COLLECTION = 16 * 1024 * 1024;

/**
 * A collection's bytes and where each object starts and ends in them, by object index. Objects are
 * cut out when asked for: a collection holds hundreds of strings and a walk reads a few of them.
 */
interface Collection {
  bytes: Uint8Array;
  starts: number[];
  ends: number[];
}
interface Cache {
  collections: Map<number, Collection>;
  bytes: number;
}
const caches = new WeakMap<StoredFile, Cache>();

/**
 * The object `index` of the collection at `address`. A collection over `maxCollection` bytes is
 * FormatUnsupported: metadata answers leave it to libhdf5; a reader with no such fallback (region
 * references) passes its own bound.
 */
export function heapObject(
  file: StoredFile,
  address: number,
  index: number,
  maxCollection = MAX_COLLECTION,
): Uint8Array {
  let cache = caches.get(file);
  let collection = cache?.collections.get(address);
  if (!collection) {
    const read = readCollection(file, address, maxCollection);
    collection = read.objects;
    if (!cache || cache.bytes + read.size > CACHED_BYTES)
      caches.set(file, (cache = { collections: new Map(), bytes: 0 }));
    cache.collections.set(address, collection);
    cache.bytes += read.size;
  }
  const start = collection.starts[index];
  // Index 0 is the free space, never recorded.
  if (start === undefined)
    throw new Hdf5Error('corrupt', `global heap collection ${address} has no object ${index}`);
  return collection.bytes.subarray(start, collection.ends[index]);
}

function readCollection(
  file: StoredFile,
  address: number,
  maxCollection: number,
): { objects: Collection; size: number } {
  if (address === UNDEFINED) throw new Hdf5Error('corrupt', 'a heap id points nowhere');
  const head = new Cursor(readBlock(file, address, 8 + file.lengthSize), file);
  if (head.signature() !== 'GCOL') throw new Hdf5Error('corrupt', `no global heap collection at ${address}`);
  const version = head.u8();
  if (version !== 1)
    throw new Hdf5Error('corrupt', `global heap collection version ${version} at ${address}`);
  head.skip(3);
  const size = head.length();
  if (size < head.at || size === UNDEFINED)
    throw new Hdf5Error('corrupt', `global heap collection at ${address} has size ${size}`);
  if (size > maxCollection) throw new FormatUnsupported(`a global heap collection of ${size} bytes`);
  const bytes = readBlock(file, address, size);
  // The header and each object's header are padded to 8 bytes (4-byte lengths leave 4 of padding).
  const c = new Cursor(bytes, file, align8(head.at));
  const objects: Collection = { bytes, starts: [], ends: [] };
  const objectHeader = align8(8 + file.lengthSize);
  while (c.remaining >= objectHeader) {
    const index = c.u16();
    c.skip(6); // reference count, reserved
    const length = c.length();
    c.skip(objectHeader - 8 - file.lengthSize);
    if (index === 0) break; // free space: the rest of the collection
    if (length < 0 || length > c.remaining)
      throw new Hdf5Error('corrupt', `global heap object ${index} at ${address} runs past its collection`);
    // A repeated index names its last object (as libhdf5's collection table keeps it).
    objects.starts[index] = c.at;
    objects.ends[index] = c.at + length;
    c.skip(length);
    c.skip(Math.min((8 - (length % 8)) % 8, c.remaining));
  }
  return { objects, size };
}
