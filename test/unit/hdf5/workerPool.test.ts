// Spare HDF5 workers: closing a file leaves one started worker behind for the next open, which takes it
// instead of booting h5wasm again; a dead spare is never handed out. A spare warms its code on a
// scratch file first.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import type { FileSettings, ReleaseValue, SerializedAnswer, WarmUpValue } from '../../../src/hdf5/protocol';
import { prepareHdf5Worker } from '../../../src/hdf5/engine';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { WorkerHost } from '../../../src/hdf5/workerHost';
import {
  hasSpareWorker,
  prepareSpareWorker,
  spareOrigin,
  spareWorkerStarted,
  stopSpareWorkers,
  takeWorker,
} from '../../../src/hdf5/workerPool';
import type { H5Entry, SourceSpec } from '../../../src/hdf5/types';
import { startArchive } from '../../archive/server';
import { corpusAssets, FIXTURES, knownAsset, open, WORKER } from './helpers';

const SETTINGS: FileSettings = {
  cacheBytes: 64 << 20,
  policy: 'adaptive',
  fetchWaitMs: 10_000,
  javascriptMetadata: true,
};

describe('hdf5 spare workers', function () {
  this.timeout(30_000);
  afterEach(() => stopSpareWorkers());

  it('hands out the started spare once, then a fresh worker', async () => {
    const spare = prepareSpareWorker(WORKER, undefined, []);
    assert.equal(prepareSpareWorker(WORKER, undefined, []), spare, 'one spare per bundle, not two');
    await spare.whenReady();
    const first = takeWorker(WORKER, undefined, []);
    assert.equal(first, spare);
    assert.equal(hasSpareWorker(WORKER, undefined), false);
    const second = takeWorker(WORKER, undefined, []);
    assert.notEqual(second, first);
    await Promise.all([first.terminate(), second.terminate()]);
  });

  it('keeps spares of different plugin folders apart and never hands out a dead one', async () => {
    const spare = prepareSpareWorker(WORKER, '/plugins-a', []);
    const other = takeWorker(WORKER, '/plugins-b', []);
    assert.notEqual(other, spare);
    assert.equal(takeWorker(WORKER, '/plugins-a', []), spare);
    const dying = prepareSpareWorker(WORKER, '/plugins-a', []);
    await dying.terminate();
    assert.ok(dying.dead);
    const fresh = takeWorker(WORKER, '/plugins-a', []);
    assert.notEqual(fresh, dying);
    assert.equal(fresh.dead, null);
    await Promise.all([spare.terminate(), other.terminate(), fresh.terminate()]);
  });

  it('a closed file leaves a spare behind, and the next open answers from it', async () => {
    const path = join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb');
    const pluginDir = join(WORKER, '..', 'h5plugins');
    assert.equal(hasSpareWorker(WORKER, pluginDir), false);
    const first = await open({ kind: 'local', path });
    assert.equal(hasSpareWorker(WORKER, pluginDir), false, 'no spare competes with an open file');
    await first.close();
    assert.ok(hasSpareWorker(WORKER, pluginDir), 'closing left a spare');
    const second = await open({ kind: 'local', path });
    try {
      assert.equal(hasSpareWorker(WORKER, pluginDir), false, 'the second open took it');
      assert.ok((await second.list('/')).some(e => e.name === 'acquisition'));
    } finally {
      await second.close();
    }
    assert.ok(hasSpareWorker(WORKER, pluginDir));
  });

  it("a closed file's worker, its file released, serves the next file exactly as a fresh worker", async () => {
    const pluginDir = join(WORKER, '..', 'h5plugins');
    const first = await open({ kind: 'local', path: join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb') });
    const firstWalk = await first.walk('/');
    const series = firstWalk.entries.find(e => e.kind === 'dataset' && (e.shape ?? []).length > 0);
    assert.ok(series, 'the first file has a data set to read');
    await first.read(series.path); // libhdf5 opens the file: the release must close it too
    await first.close();
    assert.equal(spareOrigin(WORKER, pluginDir), 'handed-on', 'the worker waits as the spare');
    const path = join(FIXTURES, 'neuroconv__nwb_test.nwb');
    const reused = await open({ kind: 'local', path });
    const reusedWalk = await reused.walk('/');
    const dataset = reusedWalk.entries.find(e => e.kind === 'dataset' && (e.shape ?? []).length > 0);
    assert.ok(dataset);
    const reusedRead = await reused.read(dataset.path);
    assert.ok(reused.stats().cacheMisses > 0, 'its counters are its own');
    await reused.close();
    await stopSpareWorkers();
    const fresh = await open({ kind: 'local', path });
    try {
      assert.deepEqual(reusedWalk, await fresh.walk('/'), 'the same walk as a new worker gives');
      assert.deepEqual(reusedRead, await fresh.read(dataset.path));
    } finally {
      await fresh.close();
    }
  });

  it('a worker that read a private file (an API key) is stopped with it, never handed on', async () => {
    const pluginDir = join(WORKER, '..', 'h5plugins');
    const archive = await startArchive({ corpusDirs: [FIXTURES] });
    try {
      const asset = (await corpusAssets(archive)).get('pynwb__1.0.2_nwbfile.nwb');
      assert.ok(asset);
      const spec = (privateFile: boolean): SourceSpec => ({
        ...knownAsset(archive, asset, `worker-pool:${asset.id}`),
        private: privateFile,
      });
      for (const privateFile of [false, true]) {
        await stopSpareWorkers();
        const file = await open(spec(privateFile));
        assert.ok((await file.list('/')).length > 0);
        await file.close();
        assert.equal(
          spareOrigin(WORKER, pluginDir),
          privateFile ? 'fresh' : 'handed-on',
          privateFile ? 'a fresh spare replaces it' : 'a public file hands its worker on',
        );
      }
    } finally {
      await archive.close();
    }
  });

  it('a spare started before any open (browsing to assets) serves the first open', async () => {
    const path = join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb');
    const pluginDir = join(WORKER, '..', 'h5plugins');
    assert.equal(hasSpareWorker(WORKER, pluginDir), false);
    await prepareHdf5Worker({ workerPath: WORKER });
    assert.ok(hasSpareWorker(WORKER, pluginDir), 'a spare waits for the first open');
    await prepareHdf5Worker({ workerPath: WORKER });
    await spareWorkerStarted(WORKER, pluginDir);
    const file = await open({ kind: 'local', path });
    try {
      assert.equal(hasSpareWorker(WORKER, pluginDir), false, 'the first open took the spare');
      assert.ok((await file.list('/')).some(e => e.name === 'acquisition'));
    } finally {
      await file.close();
    }
  });
});

describe('hdf5 worker release', function () {
  this.timeout(30_000);

  it('closes the file and zeroes its counters; the worker then opens another file', async () => {
    const host = new WorkerHost(WORKER, []);
    const openOn = async (name: string) => {
      host.source = new LocalSource(join(FIXTURES, name));
      const opened = await host.source.open({});
      await host.call(
        { op: 'open', size: opened.size, seed: [], settings: SETTINGS },
        { deadlineMs: 20_000 },
      );
    };
    const rootNames = async () =>
      (
        deserialize(
          ((await host.call({ op: 'list', path: '/' }, { deadlineMs: 20_000 })) as SerializedAnswer)
            .serialized,
        ) as H5Entry[]
      ).map(e => e.name);
    try {
      await openOn('pynwb__1.0.2_nwbfile.nwb');
      const first = await rootNames();
      assert.ok(host.stat('misses') > 0, 'the first file was read');
      const released = (await host.call({ op: 'release' }, { deadlineMs: 20_000 })) as ReleaseValue;
      assert.ok(released.heapBytes > 0);
      assert.equal(host.stat('misses'), 0, 'counters start again from zero');
      await assert.rejects(rootNames(), /not open/, 'no file after the release');
      await host.source?.close();
      await openOn('neuroconv__nwb_test.nwb');
      const second = await rootNames();
      assert.notDeepEqual(second, first, 'the second file, not the first');
    } finally {
      await host.terminate();
      await host.source?.close();
    }
  });
});

describe('hdf5 worker warm-up', function () {
  this.timeout(30_000);

  it('walks its scratch file before a file is given, and never once one is open', async () => {
    const host = new WorkerHost(WORKER, []);
    try {
      const warm = (await host.call({ op: 'warmUp' }, { deadlineMs: 20_000 })) as WarmUpValue;
      assert.ok(warm.warmUpMs > 0, `the scratch walk ran (${warm.warmUpMs} ms)`);
      host.source = new LocalSource(join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb'));
      const opened = await host.source.open({});
      await host.call(
        {
          op: 'open',
          size: opened.size,
          seed: [],
          settings: {
            cacheBytes: 64 << 20,
            policy: 'adaptive',
            fetchWaitMs: 10_000,
            javascriptMetadata: true,
          },
        },
        { deadlineMs: 20_000 },
      );
      const list = async () =>
        deserialize(
          ((await host.call({ op: 'list', path: '/' }, { deadlineMs: 20_000 })) as SerializedAnswer)
            .serialized,
        ) as H5Entry[];
      const names = (await list()).map(e => e.name);
      assert.ok(names.includes('acquisition'), 'the real file reads correctly after the warm-up');
      assert.deepEqual(
        await host.call({ op: 'warmUp' }, { deadlineMs: 20_000 }),
        { warmUpMs: 0 },
        'no scratch walk beside an open file',
      );
      assert.equal((await list()).length, names.length);
    } finally {
      await host.terminate();
      await host.source?.close();
    }
  });
});
