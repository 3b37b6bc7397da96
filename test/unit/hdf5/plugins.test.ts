// Filter plugins (h5wasm-plugins side modules) loaded from OpenOptions.pluginDir: a damaged plugin
// fails the read with a clear error and the file keeps working; the shipped plugins decode.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPlugins } from '../../../src/hdf5/openParts';
import { Hdf5Error, type NumericArray } from '../../../src/hdf5/types';
import { FIXTURES, open } from './helpers';

const BLOSC_FILE = join(FIXTURES, 'hdf5plugin__blosc.h5');
/** esbuild.mjs copies the h5wasm-plugins side modules beside the worker bundle (and into the .vsix). */
const SHIPPED_PLUGINS = resolve('dist/h5plugins');

describe('hdf5 filter plugins', function () {
  this.timeout(30_000);

  it('a damaged plugin fails the read with a clear error, and the file keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdf5-plugins-'));
    try {
      writeFileSync(join(dir, 'libH5Zblosc.so'), Buffer.from('not a wasm side module'.repeat(100)));
      const file = await open({ kind: 'local', path: BLOSC_FILE }, { pluginDir: dir });
      try {
        const info = await file.datasetInfo('/dset');
        assert.deepEqual(
          info.filters.map(f => [f.name, f.supported]),
          [['blosc', true]],
        );
        await assert.rejects(
          file.read('/dset'),
          (e: unknown) =>
            e instanceof Hdf5Error &&
            e.code === 'unsupported-filter' &&
            e.message === 'unsupported compression: blosc',
        );
        assert.equal((await file.list('/')).length, 1);
      } finally {
        await file.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes zfp with the shipped plugin, linked to the ldexp it needs', async () => {
    const file = await open({ kind: 'local', path: join(FIXTURES, 'hdf5plugin__zfp_054.h5') });
    try {
      const info = await file.datasetInfo('/compressed');
      assert.deepEqual(
        info.filters.map(f => [f.name, f.supported]),
        [['zfp', true]],
      );
      const data = (await file.read('/compressed')).data as Float64Array;
      assert.equal(data.length, 1024);
      // h5py + hdf5plugin: f['compressed'][:3]
      assert.deepEqual(
        Array.from(data.subarray(0, 3)),
        [17.6993350982666, 17.807783126831055, 17.916688919067383],
      );
    } finally {
      await file.close();
    }
  });

  it('decodes blosc with the shipped plugins (dist/h5plugins, found beside the worker by default)', async () => {
    assert.ok(
      existsSync(join(SHIPPED_PLUGINS, 'libH5Zblosc.so')),
      'esbuild.mjs copies the plugins into dist/h5plugins',
    );
    const file = await open({ kind: 'local', path: BLOSC_FILE });
    try {
      const data = (await file.read('/dset')).data as NumericArray;
      assert.equal(data.length, 1_000_000);
      let sum = 0;
      for (let i = 0; i < data.length; i++) sum += Number(data[i]);
      assert.equal(sum, 499_999_500_000, 'arange(1e6)');
      assert.equal(Number(data[999_999]), 999_999);
    } finally {
      await file.close();
    }
  });

  it('loads the shipped plugins once, into shared memory, so a new worker gets them without a copy', async () => {
    const plugins = await loadPlugins(SHIPPED_PLUGINS);
    assert.ok(plugins.length >= 5, `${plugins.length} plugins`);
    for (const { name, bytes } of plugins) {
      assert.ok(bytes.buffer instanceof SharedArrayBuffer, `${name} is not in shared memory`);
      assert.deepEqual(Buffer.from(bytes), readFileSync(join(SHIPPED_PLUGINS, name)));
    }
    assert.equal(await loadPlugins(SHIPPED_PLUGINS), plugins);
  });
});
