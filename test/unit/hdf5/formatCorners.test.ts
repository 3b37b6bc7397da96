// Corners of the datatype, dataspace and attribute messages no fixture holds, built byte by byte
// as the HDF5 File Format Specification lays them out: what the reader leaves to libhdf5
// (FormatUnsupported) and the dataspace forms h5wasm reports in its own way.
import * as assert from 'node:assert/strict';
import { parseAttributeMessage } from '../../../src/hdf5/format/attributeMessage';
import { parseDataspace, UNLIMITED } from '../../../src/hdf5/format/dataspace';
import { parseDatatype } from '../../../src/hdf5/format/datatype';
import type { StoredFile } from '../../../src/hdf5/format/fileCursor';
import { FormatUnsupported } from '../../../src/hdf5/format/objectHeader';
import { Hdf5Error } from '../../../src/hdf5/types';

/** A file of no bytes: every message here is whole in its body. */
const EMPTY: StoredFile = { readAt: () => 0, base: 0, offsetSize: 8, lengthSize: 8 };

const u16 = (n: number): number[] => [n & 0xff, n >> 8];
const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const u64 = (n: number): number[] => [...u32(n % 2 ** 32), ...u32(Math.floor(n / 2 ** 32))];

/** A datatype message: class and version, the class bit field, size, then the properties. */
function datatype(
  typeClass: number,
  version: number,
  bits: number,
  size: number,
  properties: number[],
): Uint8Array {
  return Uint8Array.from([
    (version << 4) | typeClass,
    bits & 0xff,
    (bits >> 8) & 0xff,
    bits >> 16,
    ...u32(size),
    ...properties,
  ]);
}

const FLOAT32 = [...u16(0), ...u16(32), 23, 8, 0, 23, ...u32(127)];

describe('hdf5 format: corners left to libhdf5', () => {
  it('reads a float and refuses one in VAX order', () => {
    const meta = parseDatatype(EMPTY, datatype(1, 1, 0x1f20, 4, FLOAT32), false);
    assert.deepEqual(meta, { signed: false, type: 1, vlen: false, littleEndian: true, size: 4 });
    assert.throws(() => parseDatatype(EMPTY, datatype(1, 1, 0x1f61, 4, FLOAT32), false), FormatUnsupported);
    // The sign bit elsewhere than the top: not a byte swap away from a JavaScript float.
    assert.throws(() => parseDatatype(EMPTY, datatype(1, 1, 0x1e21, 4, FLOAT32), false), FormatUnsupported);
  });

  it('leaves integers of fewer bits than bytes to libhdf5 (it converts their precision)', () => {
    const twelveBits = datatype(0, 1, 0x08, 2, [...u16(0), ...u16(12)]);
    assert.throws(() => parseDatatype(EMPTY, twelveBits, false), FormatUnsupported);
    const full = parseDatatype(EMPTY, datatype(0, 1, 0x09, 2, [...u16(0), ...u16(16)]), false);
    assert.deepEqual(full, { signed: true, type: 0, vlen: false, littleEndian: false, size: 2 });
  });

  it('leaves shared-message-table datatypes, new references and shared attributes to libhdf5', () => {
    const inTable = Uint8Array.from([3, 1, ...u64(4096)]);
    assert.throws(() => parseDatatype(EMPTY, inTable, true), FormatUnsupported);
    const objectReference2 = datatype(7, 4, 2, 16, [4]);
    assert.throws(() => parseDatatype(EMPTY, objectReference2, false), FormatUnsupported);
    assert.throws(() => parseAttributeMessage(EMPTY, Uint8Array.from([3, 0, 0, 0]), 0x02), FormatUnsupported);
  });

  it('takes a committed datatype outside the file as damage', () => {
    const committed = Uint8Array.from([2, 0, ...u64(4096)]);
    assert.throws(
      () => parseDatatype(EMPTY, committed, true),
      (error: unknown) => error instanceof Hdf5Error && error.code === 'corrupt',
    );
  });

  it('reports dataspaces as h5wasm does: null, scalar, current and unlimited maxima', () => {
    assert.deepEqual(parseDataspace(EMPTY, Uint8Array.from([2, 0, 0, 2])), { shape: null, maxshape: null });
    assert.deepEqual(parseDataspace(EMPTY, Uint8Array.from([2, 0, 0, 0])), { shape: [], maxshape: [] });
    assert.deepEqual(parseDataspace(EMPTY, Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0])), {
      shape: [],
      maxshape: [],
    });
    const fixed = Uint8Array.from([1, 2, 0, 0, 0, 0, 0, 0, ...u64(3), ...u64(4)]);
    assert.deepEqual(parseDataspace(EMPTY, fixed), { shape: [3, 4], maxshape: [3, 4] });
    const unlimited = Uint8Array.from([2, 1, 1, 1, ...u64(5), ...Array<number>(8).fill(0xff)]);
    assert.deepEqual(parseDataspace(EMPTY, unlimited), { shape: [5], maxshape: [UNLIMITED] });
    assert.equal(UNLIMITED, 18446744073709551615);
  });

  it('reads a version 1 attribute message with its 8-byte padding', () => {
    const type = datatype(0, 1, 0, 1, [...u16(0), ...u16(8)]);
    const space = [1, 1, 0, 0, 0, 0, 0, 0, ...u64(3)];
    const body = Uint8Array.from([
      1,
      0,
      ...u16(3),
      ...u16(type.length),
      ...u16(space.length),
      ...[0x61, 0x62, 0, 0, 0, 0, 0, 0],
      ...type,
      ...Array<number>(8 - (type.length % 8)).fill(0),
      ...space,
      7,
      8,
      9,
    ]);
    const attribute = parseAttributeMessage(EMPTY, body, 0);
    assert.equal(attribute.name, 'ab');
    assert.deepEqual(attribute.meta.shape, [3]);
    assert.equal(attribute.meta.total_size, 3);
    assert.deepEqual([...attribute.raw], [7, 8, 9]);
    assert.throws(
      () => parseAttributeMessage(EMPTY, body.subarray(0, body.length - 1), 0),
      (error: unknown) => error instanceof Hdf5Error && error.code === 'corrupt',
    );
  });
});
