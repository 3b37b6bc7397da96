// The HTTP source against the stand-in archive's fault injection: throttling, HTML error pages,
// dropped connections, ignored ranges, expired presigned URLs, hangs, and where the token goes.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { FaultConfig, StandInArchive } from '../../archive/types';
import { createDandiSource } from '../../../src/hdf5/sources/dandi';
import { Hdf5Error, type NumericArray } from '../../../src/hdf5/types';
import { corpusAssets, digest, FIXTURES, knownAsset, open, walk } from './helpers';

const FILE = 'nwblinkml__aibs_ecephys.nwb';
const DATASET = '/processing/current_source_density/ecephys_csd/current_source_density/data';

describe('hdf5 engine over HTTP with faults', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let asset: { id: string; size: number; blobUrl: string };
  let expected: string;

  before(async () => {
    archive = await startArchive({ corpusDirs: [FIXTURES] });
    const found = (await corpusAssets(archive)).get(FILE);
    assert.ok(found);
    asset = found;
    const local = await open({ kind: 'local', path: join(FIXTURES, FILE) });
    expected = JSON.stringify([await walk(local), digest((await local.read(DATASET)).data as NumericArray)]);
    await local.close();
  });
  after(async () => archive?.close());
  beforeEach(() => {
    archive.faults.reset();
    archive.clearLog();
  });

  /** Opens the asset with the fault switched on and checks that what comes back is right. */
  async function readsCorrectlyWith(faults: FaultConfig): Promise<void> {
    archive.faults.set(faults);
    const file = await open({ kind: 'dandi', apiUrl: archive.apiUrl, assetId: asset.id });
    try {
      assert.equal(
        JSON.stringify([await walk(file), digest((await file.read(DATASET)).data as NumericArray)]),
        expected,
      );
    } finally {
      await file.close();
    }
  }

  const blobStatuses = () => archive.log.filter(e => e.origin === 'blob').map(e => e.status);

  it('waits out 429 answers with Retry-After and then reads', async () => {
    await readsCorrectlyWith({ rateLimit: { count: 2, retryAfterSeconds: 1, scope: 'blob' } });
    assert.deepEqual(blobStatuses().slice(0, 3), [429, 429, 206]);
  });

  it('retries after 503 HTML error pages', async () => {
    await readsCorrectlyWith({ html503: { count: 2, scope: 'both' } });
    assert.ok(archive.log.filter(e => e.status === 503).length === 2);
  });

  it('retries a connection reset in the middle of a body', async () => {
    await readsCorrectlyWith({ resetMidBody: { count: 2, afterBytes: 1000 } });
  });

  it('streams a known-size asset in one request, and resumes it where a dropped connection left off', async () => {
    archive.faults.set({ resetMidBody: { count: 1, afterBytes: 100_000 } });
    const file = await open(knownAsset(archive, asset, `stream:${asset.id}`));
    try {
      assert.equal(
        JSON.stringify([await walk(file), digest((await file.read(DATASET)).data as NumericArray)]),
        expected,
      );
      assert.equal(file.stats().bytesFetched, asset.size, 'no byte fetched twice');
    } finally {
      await file.close();
    }
    const ranges = archive.log.filter(e => e.origin === 'blob').map(e => e.headers.range);
    assert.equal(ranges.length, 2);
    assert.equal(ranges[0], `bytes=0-${asset.size - 1}`, 'the whole (small) file in one request');
    const resumedAt = Number(/^bytes=(\d+)-(\d+)$/.exec(String(ranges[1]))?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= 100_000, `the retry asks only for the rest (from ${resumedAt})`);
    assert.equal(ranges[1], `bytes=${resumedAt}-${asset.size - 1}`);
  });

  it('a cancelled open fails as cancelled, though the stream it started belongs to the file', async () => {
    const cancel = new AbortController();
    cancel.abort();
    await assert.rejects(
      open(knownAsset(archive, asset, `cancel:${asset.id}`), { signal: cancel.signal }),
      (e: unknown) => e instanceof Hdf5Error && e.code === 'aborted',
    );
  });

  it('never takes a whole body (200) as the answer to a range request', async () => {
    await readsCorrectlyWith({ ignoreRange: { count: 1 } });
    assert.equal(blobStatuses()[0], 200);
    archive.faults.set({ ignoreRange: { count: 1000 } });
    await assert.rejects(
      open({ kind: 'dandi', apiUrl: archive.apiUrl, assetId: asset.id }),
      (e: unknown) =>
        e instanceof Hdf5Error && e.code === 'network' && /ignored the Range header/.test(e.message),
    );
  });

  it('re-resolves an expired presigned URL in the middle of reading', async () => {
    const big = (await corpusAssets(archive)).get('neuroconv__nwb_test.nwb');
    assert.ok(big);
    // Known size: no probe, so the first read is the one that meets the expired URL.
    const file = await open(
      { kind: 'dandi', apiUrl: archive.apiUrl, assetId: big.id, size: big.size, identity: 'x' },
      { cacheBytes: 1024 * 1024 },
    );
    try {
      await file.list('/');
      await fetch(`${archive.webUrl}/__control/clock`, {
        method: 'POST',
        body: JSON.stringify({ advanceSeconds: 7 * 3600 }),
      });
      archive.clearLog();
      const series = (await walk(file)).infos;
      assert.ok(Object.keys(series).length > 0);
      for (const [path, info] of Object.entries(series)) if (info.size < 1e6) await file.read(path);
      const statuses = archive.log.map(e => `${e.origin}:${e.status}`);
      const expired = statuses.indexOf('blob:403');
      assert.ok(expired >= 0, `the old URL was refused: ${statuses.join(' ')}`);
      assert.equal(statuses[expired + 1], 'api:302', 'then the download URL was resolved again');
      assert.equal(statuses[expired + 2], 'blob:206', 'and the read went on');
    } finally {
      await file.close();
    }
  });

  it('sends the API token to the API only, never to the blob host', async () => {
    const file = await open({
      kind: 'dandi',
      apiUrl: archive.apiUrl,
      assetId: asset.id,
      apiKey: archive.apiKeys.owner,
    });
    try {
      await walk(file);
    } finally {
      await file.close();
    }
    const api = archive.log.filter(e => e.origin === 'api');
    const blob = archive.log.filter(e => e.origin === 'blob');
    assert.ok(api.length > 0 && blob.length > 0);
    assert.ok(api.every(e => e.headers.authorization === `token ${archive.apiKeys.owner}`));
    assert.ok(
      blob.every(e => e.headers.authorization === undefined),
      'no Authorization at the blob host',
    );
  });

  it('reads an open blob straight from its unsigned URL: no API request, one round trip per read', async () => {
    const file = await open({
      kind: 'dandi',
      apiUrl: archive.apiUrl,
      assetId: asset.id,
      blobUrl: asset.blobUrl,
      apiKey: archive.apiKeys.owner,
    });
    try {
      assert.equal(
        JSON.stringify([await walk(file), digest((await file.read(DATASET)).data as NumericArray)]),
        expected,
      );
      assert.equal(file.stats().requests, archive.log.length);
    } finally {
      await file.close();
    }
    assert.deepEqual([...new Set(archive.log.map(e => e.origin))], ['blob']);
    assert.ok(archive.log.every(e => e.status === 206 && e.headers.authorization === undefined));
  });

  it('falls back to the API when the blob URL refuses (an embargoed blob is not public)', async () => {
    const list = await fetch(
      `${archive.apiUrl}/dandisets/${archive.ids.embargoed}/versions/draft/assets/?metadata=true`,
      {
        headers: { authorization: `token ${archive.apiKeys.owner}` },
      },
    );
    const embargoed = (
      (await list.json()) as {
        results: { asset_id: string; path: string; metadata: { contentUrl: string[] } }[];
      }
    ).results.find(a => a.path.endsWith('.nwb'));
    assert.ok(embargoed);
    archive.clearLog();
    // The embargoed blobs are not HDF5: the source alone shows the route the bytes take.
    const source = createDandiSource(
      {
        apiUrl: archive.apiUrl,
        assetId: embargoed.asset_id,
        blobUrl: embargoed.metadata.contentUrl[1],
        apiKey: archive.apiKeys.owner,
      },
      1,
    );
    try {
      const first = await source.read(0, 1000);
      const again = await source.read(1000, 2000);
      assert.equal(first.length + again.length, 2000);
    } finally {
      await source.close();
    }
    const statuses = archive.log.map(e => `${e.origin}:${e.status}`);
    assert.deepEqual(statuses, ['blob:403', 'api:302', 'blob:206', 'blob:206']);
    assert.ok(archive.log.filter(e => e.origin === 'blob').every(e => e.headers.authorization === undefined));
  });

  it('fails a hung connection within the deadline, and the next open works', async () => {
    archive.faults.set({ hang: { count: 1000, scope: 'blob' } });
    await assert.rejects(
      open({ kind: 'dandi', apiUrl: archive.apiUrl, assetId: asset.id }, { deadlineMs: 1500 }),
      (e: unknown) => e instanceof Hdf5Error && e.code === 'timeout',
    );
    archive.faults.reset();
    await readsCorrectlyWith({});
  });

  it('reports a missing asset and a non-HDF5 body clearly', async () => {
    await assert.rejects(
      open({ kind: 'dandi', apiUrl: archive.apiUrl, assetId: '00000000-0000-0000-0000-000000000000' }),
      (e: unknown) => e instanceof Hdf5Error && e.code === 'not-found',
    );
    const dir = mkdtempSync(join(tmpdir(), 'hdf5-nothdf5-'));
    try {
      const path = join(dir, 'page.nwb');
      writeFileSync(path, '<!DOCTYPE html><html><body>503 Service Unavailable</body></html>\n'.repeat(50));
      await assert.rejects(
        open({ kind: 'local', path }),
        (e: unknown) => e instanceof Hdf5Error && e.code === 'not-hdf5',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
