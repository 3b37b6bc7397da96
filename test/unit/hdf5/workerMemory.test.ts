import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { Hdf5Error } from '../../../src/hdf5/types';
import { WorkerHost } from '../../../src/hdf5/workerHost';
import { FIXTURES, open, WORKER } from './helpers';

describe('hdf5 worker memory limits', function () {
  this.timeout(60_000);

  it('a worker that runs out of its heap fails its call with a clear error, and the host lives on', async () => {
    // A heap far too small for h5wasm: the worker dies of ERR_WORKER_OUT_OF_MEMORY while starting.
    const host = new WorkerHost(WORKER, [], { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 });
    try {
      await assert.rejects(
        host.call({ op: 'warmUp' }, { deadlineMs: 30_000 }),
        (e: unknown) =>
          e instanceof Hdf5Error &&
          e.code === 'worker-crashed' &&
          /ran out of memory \(its limit is 2 MiB\)/.test(e.message),
      );
      assert.ok(host.dead, 'the worker is marked dead, so its owner replaces it');
    } finally {
      await host.terminate();
    }
    // The next file gets a worker with the default limits and reads.
    const file = await open({ kind: 'local', path: join(FIXTURES, 'pynwb__1.0.2_nwbfile.nwb') });
    try {
      assert.ok((await file.list('/')).length > 0);
    } finally {
      await file.close();
    }
  });
});
