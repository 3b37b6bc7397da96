/**
 * The superblock (versions 0-3), as the HDF5 file format specification lays it out: where the
 * root group's object header is. Addresses count from the superblock itself, as libhdf5 counts
 * them whatever the stored base address says (it moves the base to where it found the superblock).
 */
import { Hdf5Error } from '../types';
import { verifyChecksum } from './blockCheck';
import { Cursor, HDF5_SIGNATURE, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported, firstMessage, readObjectHeader } from './objectHeader';

/** The shared object header message table message, kept in the superblock extension. */
const SHARED_MESSAGE_TABLE = 0x0f;

export function rootGroupAddress(file: StoredFile): number {
  // Up to the root group's address in version 1, the longest of the four versions.
  const head = readBlock(file, 0, 28 + 6 * file.offsetSize);
  for (let i = 0; i < HDF5_SIGNATURE.length; i++)
    if (head[i] !== HDF5_SIGNATURE[i])
      throw new Hdf5Error('corrupt', `no HDF5 signature at byte ${file.base}`);
  const version = head[8];
  const cursor = new Cursor(head, file);
  let extension: number;
  let root: number;
  if (version <= 1) {
    cursor.at = version === 0 ? 24 : 28;
    cursor.offset(); // base address: libhdf5 uses the superblock's own position instead
    extension = cursor.offset(); // "free-space info" address, which libhdf5 reads as the extension
    cursor.offset(); // end of file
    cursor.offset(); // driver information block
    cursor.offset(); // root symbol table entry: link name offset
    root = cursor.offset();
  } else if (version <= 3) {
    verifyChecksum(head, 12 + 4 * file.offsetSize, 'the superblock');
    cursor.at = 12;
    cursor.offset(); // base address
    extension = cursor.offset();
    cursor.offset(); // end of file
    root = cursor.offset();
  } else throw new Hdf5Error('corrupt', `unknown superblock version ${version}`);
  if (root === UNDEFINED) throw new Hdf5Error('corrupt', 'the superblock names no root group');
  if (extension !== UNDEFINED && firstMessage(readObjectHeader(file, extension), SHARED_MESSAGE_TABLE))
    throw new FormatUnsupported('the file shares object header messages (a SOHM table)');
  return root;
}
