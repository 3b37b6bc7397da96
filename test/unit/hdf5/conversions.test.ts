// Data libhdf5 converts on reading (big-endian members, x87 long doubles), read as it reads it. Each file is written by h5py at test time; the expected
// values are what h5py reads back from it (and what the script wrote).
import * as assert from 'node:assert/strict';
import type { H5Value, Hdf5File } from '../../../src/hdf5/types';
import { writeWithH5py, type WrittenFile } from './h5pyFiles';
import { open } from './helpers';

const COMPOUNDS = `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    every = np.dtype([('a', '>i4'), ('b', '>f8'), ('c', '>i2', (3,))])
    f['every'] = np.array([(1, 2.5, (1, 2, 3)), (-7, -0.5, (4, 5, 6))], dtype=every)
    mixed = np.dtype([('s', 'S4'), ('a', '>i4'), ('l', '<i4'), ('c', '>f4', (2,))])
    f['mixed'] = np.array([(b'ab', 1, 2, (1.5, 2.5)), (b'cd', 3, 4, (3.5, 4.5))], dtype=mixed)
    nested = np.dtype([('n', [('x', '>i4'), ('y', '<i4')]), ('z', '>u2')])
    f['nested'] = np.array([((1, 2), 3)], dtype=nested)
    level = h5py.enum_dtype({'LOW': 1, 'HIGH': 2}, basetype='>i2')
    enum = np.dtype([('a', '>i4'), ('e', level), ('b', '>i4')])
    f['enum'] = np.array([(1, 2, 3)], dtype=enum)
    wide = np.array([1.5, -2, 1e-310, np.inf, -np.inf, np.nan, 0], dtype=np.longdouble)
    third = np.longdouble(1) / np.longdouble(3)
    tiny, huge, above_one = np.longdouble(2) ** -16000, np.longdouble(2) ** 2000, 1 + np.longdouble(2) ** -60
    f['longdouble'] = np.append(wide, [third, tiny, huge, above_one])
    f.attrs.create('mixed', np.array([(b'ab', 1, 2, (1.5, 2.5))], dtype=mixed))
`;

describe('hdf5 conversions libhdf5 makes', function () {
  this.timeout(30_000);
  let written: WrittenFile;
  let file: Hdf5File;

  before(async () => {
    written = writeWithH5py('compounds.h5', COMPOUNDS);
    file = await open({ kind: 'local', path: written.path });
  });

  after(async () => {
    await file?.close();
    written?.remove();
  });

  it('swaps big-endian compound members and the arrays inside them, whatever the other members', async () => {
    // h5py: [(1, 2.5, [1, 2, 3]), (-7, -0.5, [4, 5, 6])]
    assert.deepEqual((await file.read('/every')).data, [
      { a: 1, b: 2.5, c: [1, 2, 3] },
      { a: -7, b: -0.5, c: [4, 5, 6] },
    ] satisfies H5Value[]);
    // h5py: [(b'ab', 1, 2, [1.5, 2.5]), (b'cd', 3, 4, [3.5, 4.5])]
    assert.deepEqual((await file.read('/mixed')).data, [
      { s: 'ab', a: 1, l: 2, c: [1.5, 2.5] },
      { s: 'cd', a: 3, l: 4, c: [3.5, 4.5] },
    ] satisfies H5Value[]);
    // h5py: [((1, 2), 3)]
    assert.deepEqual((await file.read('/nested')).data, [{ n: { x: 1, y: 2 }, z: 3 }] satisfies H5Value[]);
    // h5py: [(1, 2, 3)]; HDF5 stops setting the order at the enum, leaving b as stored
    assert.deepEqual((await file.read('/enum')).data, [{ a: 1, e: 'HIGH', b: 3 }] satisfies H5Value[]);
    const [attribute] = await file.attributes('/');
    assert.deepEqual(attribute.value, [{ s: 'ab', a: 1, l: 2, c: [1.5, 2.5] }] satisfies H5Value[]);
  });

  it('converts x87 80-bit long doubles to the nearest double', async () => {
    const read = await file.read('/longdouble');
    assert.deepEqual(read.dtype.size, 16);
    // h5py: f['longdouble'][:].astype(float)
    assert.deepEqual(read.data, [1.5, -2, 1e-310, Infinity, -Infinity, NaN, 0, 1 / 3, 0, Infinity, 1]);
  });
});
