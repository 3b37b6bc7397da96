import * as assert from 'node:assert/strict';
import { DandiClient } from '../../../src/dandi/client';
import { HttpSource } from '../../../src/hdf5/sources/http';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { downloadLocation, getJson, type PageBody } from '../archive/helpers';

/** Memory outside the V8 heap counts too: bodies arrive as Buffers. */
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
/** Growth allowed per read: the API's JSON cap is 64 MiB, range reads only what they asked for. */
const BOUND = 160 * 1024 * 1024;

describe("an endless body (the stand-in archive's endless fault) stops at each reader's cap", function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let blobUrl = '';
  let assetId = '';
  before(async () => {
    archive = await startArchive();
    const page = await getJson<PageBody<{ asset_id: string }>>(
      `${archive.apiUrl}/dandisets/${archive.ids.scale}/versions/draft/assets/?path=stimuli/stim-0250.png`,
    );
    assetId = (page.results[0] as { asset_id: string }).asset_id;
    blobUrl = await downloadLocation(archive, assetId);
  });
  after(() => archive.close());
  beforeEach(() => archive.faults.reset());

  const client = () =>
    new DandiClient({
      instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
      retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 20 },
    });

  async function bounded<T>(read: () => Promise<T>): Promise<{ result?: T; error?: unknown; sent: number }> {
    global.gc?.();
    const before = used();
    archive.clearLog();
    let result: T | undefined;
    let error: unknown;
    try {
      result = await read();
    } catch (e) {
      error = e;
    }
    const grew = used() - before;
    assert.ok(grew < BOUND, `memory grew by ${Math.round(grew / 2 ** 20)} MiB`);
    // The server stops once the client hangs up; give the log a moment to record it.
    await new Promise(resolve => setTimeout(resolve, 50));
    const sent = archive.log.reduce((sum, e) => sum + (e.bytes ?? 0), 0);
    return { result, error, sent };
  }

  it('API JSON: fails as too large at the 64 MiB cap', async () => {
    archive.faults.set({ endless: { count: 5, scope: 'api' } });
    const { error } = await bounded(() => client().listDandisets({ page: 1, pageSize: 10 }));
    assert.ok(error instanceof Error, 'the read failed');
    assert.match(error.message, /more than|too large|bytes/i);
  });

  it('a text read (first bytes of an asset): stops at its cap and says it is truncated', async () => {
    archive.faults.set({ endless: { count: 1, scope: 'blob' } });
    const { result, error, sent } = await bounded(() => client().readAssetBytes(assetId, 1000));
    assert.equal(error, undefined);
    assert.equal(result?.bytes.length, 1000);
    assert.equal(result?.truncated, true);
    assert.ok(sent < 8 * 1024 * 1024, `the server sent ${sent} bytes before the client hung up`);
  });

  it("the HDF5 source's size probe and range reads: a 206 with no Content-Length that keeps sending fails at the range", async () => {
    archive.faults.set({ endless: { count: 2, scope: 'blob' } });
    const probe = new HttpSource({ url: blobUrl, probeBytes: 4096, maxAttempts: 1 });
    const opened = await bounded(() => probe.open({}, {}));
    assert.match(String(opened.error), /more than the 4096 bytes asked for/);
    archive.faults.reset();
    const source = new HttpSource({ url: blobUrl, probeBytes: 1024, maxAttempts: 1 });
    await source.open({}, {});
    archive.faults.set({ endless: { count: 1, scope: 'blob' } });
    const read = await bounded(() => source.read(100, 300));
    assert.match(String(read.error), /more than the 200 bytes asked for/);
    assert.ok(read.sent < 8 * 1024 * 1024, `the server sent ${read.sent} bytes`);
    assert.deepEqual((await source.read(100, 110)).length, 10, 'the next read is whole');
    await source.close();
  });
});
