// nbit (filter 5) is in h5wasm's build but no fixture uses it: write a file with it (h5wasm
// encodes) and read it back through the engine, so BUILT_IN_FILTERS rests on a check.
import * as assert from 'node:assert/strict';
import h5wasm from 'h5wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_FILTERS, describeFilters } from '../../../src/hdf5/filters';
import { open } from './helpers';

describe('hdf5 filters', function () {
  this.timeout(30_000);

  it('names filters and marks only decodable ones as supported', () => {
    const filters = describeFilters(
      [
        { id: 1, name: '' },
        { id: 32001, name: 'blosc' },
        { id: 32013, name: '' },
        { id: 40000, name: 'custom' },
      ],
      new Set([32001]),
    );
    assert.deepEqual(filters, [
      { id: 1, name: 'gzip', supported: true },
      { id: 32001, name: 'blosc', supported: true },
      { id: 32013, name: 'zfp', supported: false },
      { id: 40000, name: 'custom', supported: false },
    ]);
    assert.ok(BUILT_IN_FILTERS.has(5));
  });

  it('decodes nbit-filtered integers and floats', async () => {
    const m = await h5wasm.ready;
    const ints = Int32Array.from({ length: 10_000 }, (_, i) => i - 5000);
    const floats = Float32Array.from({ length: 10_000 }, (_, i) => i / 7);
    const writer = new h5wasm.File('/nbit.h5', 'w');
    writer.create_dataset({
      name: 'ints',
      data: ints,
      shape: [ints.length],
      dtype: '<i',
      chunks: [1000],
      compression: 5,
      compression_opts: [],
    });
    writer.create_dataset({
      name: 'floats',
      data: floats,
      shape: [floats.length],
      dtype: '<f',
      chunks: [1000],
      compression: 5,
      compression_opts: [],
    });
    writer.close();
    const dir = mkdtempSync(join(tmpdir(), 'hdf5-nbit-'));
    try {
      const path = join(dir, 'nbit.h5');
      writeFileSync(path, (m.FS as unknown as { readFile(p: string): Uint8Array }).readFile('/nbit.h5'));
      const file = await open({ kind: 'local', path });
      try {
        const info = await file.datasetInfo('/ints');
        assert.deepEqual(info.filters, [{ id: 5, name: 'nbit', supported: true }]);
        assert.deepEqual((await file.read('/ints')).data, ints);
        assert.deepEqual((await file.read('/floats')).data, floats);
      } finally {
        await file.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
