import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZarrError } from '../../../src/zarr/errors';
import { openZarr } from '../../../src/zarr/reader';
import { WorkerDecoder } from '../../../src/zarr/workerDecoder';
import { ZARR_FIXTURES } from './helpers';

describe('Zarr decode worker', () => {
  it('decodes in the worker exactly what the host decodes, for every kind of value', async () => {
    const spec = { kind: 'local' as const, path: join(ZARR_FIXTURES, 'zarritajs__v2_data.zarr') };
    const inProcess = await openZarr(spec);
    const inWorker = await openZarr(spec, { decoder: new WorkerDecoder() });
    try {
      const arrays = (await inProcess.children('')).filter(c => c.kind === 'array');
      assert.equal(arrays.length, 32);
      for (const array of arrays) {
        const expected = await inProcess.read(array.path, []);
        const actual = await inWorker.read(array.path, []);
        assert.deepEqual(actual, expected, array.path);
      }
    } finally {
      await inWorker.close();
    }
  });

  it('reads sharded v3 arrays, asking the host for byte ranges', async () => {
    const reader = await openZarr(
      { kind: 'local', path: join(ZARR_FIXTURES, 'zarritajs__v3_data.zarr') },
      { decoder: new WorkerDecoder() },
    );
    try {
      const { shape, values } = await reader.read('3d.chunked.compressed.sharded.i2', [null, 1, null]);
      assert.deepEqual(shape, [4, 4]);
      assert.ok(values instanceof Int16Array);
      assert.deepEqual(Array.from(values).slice(0, 4), [4, 5, 6, 7]);
    } finally {
      await reader.close();
    }
  });

  it('keeps the error of a corrupt chunk (its code and key) and goes on serving reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zarr-worker-'));
    try {
      writeFileSync(join(dir, '.zgroup'), '{"zarr_format": 2}');
      mkdirSync(join(dir, 'b'));
      writeFileSync(
        join(dir, 'b', '.zarray'),
        JSON.stringify({
          zarr_format: 2,
          shape: [4],
          chunks: [2],
          dtype: '<i2',
          compressor: { id: 'zlib', level: 1 },
          fill_value: 3,
          filters: null,
          order: 'C',
        }),
      );
      writeFileSync(join(dir, 'b', '1'), 'garbage');
      const reader = await openZarr({ kind: 'local', path: dir }, { decoder: new WorkerDecoder() });
      try {
        await assert.rejects(reader.read('b', []), (error: unknown) => {
          assert.ok(error instanceof ZarrError);
          assert.equal(error.code, 'corrupt');
          assert.match(error.message, /chunk b\/1 does not decode/);
          return true;
        });
        assert.deepEqual(
          Array.from((await reader.read('b', [{ start: 0, stop: 2 }])).values as Int16Array),
          [3, 3],
        );
      } finally {
        await reader.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancels a read when its signal aborts', async () => {
    const reader = await openZarr(
      { kind: 'local', path: join(ZARR_FIXTURES, 'zarrimpl__zarr.zr') },
      { decoder: new WorkerDecoder() },
    );
    try {
      const abort = new AbortController();
      const read = reader.read('blosc', [], abort.signal);
      abort.abort();
      await assert.rejects(read, (error: unknown) => error instanceof ZarrError && error.code === 'aborted');
      assert.equal((await reader.read('raw', [0, 0, null])).values.length, 3);
    } finally {
      await reader.close();
    }
  });
});
