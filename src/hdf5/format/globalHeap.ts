/**
 * Global heap collections (`GCOL`), where variable-length values live: a vlen field stores its
 * length and a heap id (the collection's address and the object's index in it).
 */
import { Hdf5Error } from '../types';
import { Cursor, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';

/** Collections kept per file before the cache starts over. */
const CACHED_COLLECTIONS = 64;
/** A collection larger than this is left to libhdf5 (collections are 4 KiB and up, one object's size). */
const MAX_COLLECTION = 64 * 1024 * 1024;

type Collection = Map<number, Uint8Array>;
const collections = new WeakMap<StoredFile, Map<number, Collection>>();

/** The object `index` of the collection at `address`. */
export function heapObject(file: StoredFile, address: number, index: number): Uint8Array {
  let cache = collections.get(file);
  let collection = cache?.get(address);
  if (!collection) {
    collection = readCollection(file, address);
    if (!cache || cache.size >= CACHED_COLLECTIONS) collections.set(file, (cache = new Map()));
    cache.set(address, collection);
  }
  const object = collection.get(index);
  if (!object) throw new Hdf5Error('corrupt', `global heap collection ${address} has no object ${index}`);
  return object;
}

function readCollection(file: StoredFile, address: number): Collection {
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
  if (size > MAX_COLLECTION) throw new FormatUnsupported(`a global heap collection of ${size} bytes`);
  const c = new Cursor(readBlock(file, address, size), file, head.at);
  const objects: Collection = new Map();
  while (c.remaining >= 8 + file.lengthSize) {
    const index = c.u16();
    c.skip(6); // reference count, reserved
    const length = c.length();
    if (index === 0) break; // free space: the rest of the collection
    if (length < 0 || length > c.remaining)
      throw new Hdf5Error('corrupt', `global heap object ${index} at ${address} runs past its collection`);
    objects.set(index, c.take(length));
    c.skip(Math.min((8 - (length % 8)) % 8, c.remaining));
  }
  return objects;
}
