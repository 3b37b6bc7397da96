// Attribute and dataset values of every HDF5 type class, as the viewer receives them.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { Hdf5Error, type Hdf5File, type H5Attribute } from '../../../src/hdf5/types';
import { FIXTURES, open } from './helpers';

async function withFile(name: string, body: (file: Hdf5File) => Promise<void>): Promise<void> {
  const file = await open({ kind: 'local', path: join(FIXTURES, name) });
  try {
    await body(file);
  } finally {
    await file.close();
  }
}

const byName = (attrs: H5Attribute[], name: string) => attrs.find(a => a.name === name);

describe('hdf5 values and types', function () {
  this.timeout(30_000);

  it('numbers: typed arrays, big-endian converted, 64-bit as BigInt64Array, bool enums', async () => {
    await withFile('h5wasm__array.h5', async file => {
      const be = await file.read('/bigendian');
      assert.deepEqual(Array.from(be.data as Float32Array), [3, 2, 1]);
      assert.equal(be.dtype.littleEndian, false);
      const attr = byName(await file.attributes('/bigendian'), 'bigendian_attr');
      assert.deepEqual(attr?.value, [3, 2, 1]);
      const big = await file.read('/bigint', { start: [1, 0, 0], count: [1, 2, 2] });
      assert.ok(big.data instanceof BigInt64Array);
      assert.deepEqual(big.shape, [1, 2, 2]);
      assert.deepEqual(Array.from(big.data as BigInt64Array, Number), [4, 5, 6, 7]);
      const bool = await file.read('/bool');
      assert.equal(bool.dtype.class, 'boolean');
      // libhdf5: h5py's bool is an enum over a signed little-endian int8.
      assert.deepEqual(
        { class: bool.dtype.base?.class, size: bool.dtype.base?.size, signed: bool.dtype.base?.signed },
        { class: 'integer', size: 1, signed: true },
      );
      assert.equal(bool.dtype.base?.littleEndian, true);
      assert.deepEqual(Array.from(bool.data as Uint8Array), [0, 1, 1, 0]);
      const strided = await file.read('/bigint', { start: [0, 0, 0], count: [2, 1, 1], stride: [1, 2, 2] });
      assert.deepEqual(Array.from(strided.data as BigInt64Array, Number), [0, 4]);
    });
  });

  it('compounds become objects, array types nested arrays, complex numbers {r, i}', async () => {
    await withFile('h5wasm__array.h5', async file => {
      const compound = await file.read('/compound');
      assert.equal(compound.dtype.class, 'compound');
      assert.deepEqual((compound.data as unknown[])[1], {
        floaty: [
          [4, 5],
          [6, 7],
        ],
        stringy: [
          ['hello', 'there'],
          ['hello', 'there'],
        ],
      });
      const entries = await file.list('/datatype');
      assert.equal(entries[0].kind, 'datatype');
    });
    await withFile('h5py__compound-dtype-complex.h5', async file => {
      const attrs = await file.attributes('/>c16');
      assert.deepEqual(byName(attrs, 'c2')?.value, { r: 0, i: -3.4 });
      assert.equal(byName(attrs, 'c2')?.shape, null, 'scalar attributes have shape null');
    });
  });

  it('strings fixed and vlen, numeric vlen sequences, empty (null) dataspaces', async () => {
    await withFile('h5py__vlen_string_dset.h5', async file => {
      assert.deepEqual((await file.read('/DS1')).data, ['Parting', 'is such', 'sweet', 'sorrow.']);
    });
    await withFile('h5wasm__vlen.h5', async file => {
      assert.deepEqual((await file.read('/float32_oneD')).data, [[0], [0, 1], [0, 1, 2]]);
    });
    await withFile('h5wasm__empty.h5', async file => {
      assert.deepEqual((await file.read('/empty_dataset')).data, []);
      assert.equal(byName(await file.attributes('/'), 'empty_attr')?.value, null);
    });
  });

  it('object references read as the paths they point to, in attributes, datasets and compounds', async () => {
    await withFile('mies__AB_SweepsFromMultipleDevices-V2.nwb', async file => {
      assert.deepEqual(byName(await file.attributes('/'), '.specloc')?.value, { ref: '/specifications' });
      const series = await file.read('/general/intracellular_ephys/sweep_table/series');
      assert.equal(series.dtype.class, 'reference');
      assert.deepEqual((series.data as unknown[])[0], { ref: '/acquisition/data_00000_AD0' });
      const epochs = await file.read('/intervals/epochs/timeseries', { start: [0], count: [1] });
      assert.deepEqual((epochs.data as unknown[])[0], {
        idx_start: 0,
        count: 2333,
        timeseries: { ref: '/stimulus/presentation/data_00000_DA0' },
      });
    });
  });

  it('guards reads: too many elements, out-of-range selections, missing datasets', async () => {
    await withFile('nwblinkml__aibs.nwb', async file => {
      await assert.rejects(
        file.read('/units/spike_times', {}, { maxElements: 5 }),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'too-large',
      );
      await assert.rejects(
        file.read('/units/spike_times', { start: [1e9], count: [1] }),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
      );
      await assert.rejects(
        file.read('/units'),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
      );
      await assert.rejects(
        file.attributes('/../etc'),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
      );
      const info = await file.datasetInfo('/units/spike_times');
      assert.ok(info.chunks && info.filters.some(f => f.name === 'gzip' && f.supported));
      const part = await file.read('/units/spike_times', { start: [2], count: [5] });
      const whole = await file.read('/units/spike_times');
      assert.deepEqual(
        Array.from(part.data as Float64Array),
        Array.from((whole.data as Float64Array).subarray(2, 7)),
      );
    });
  });
});
