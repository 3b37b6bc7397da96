// Indexing over HTTP from the stand-in archive, as the editor opens an asset from the tree (size,
// identity and blob URL known): moov at the end costs the head and one tail read, a faststart
// file the head alone, and a second open with the index cache sends nothing at all.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';
import { createDandiSource } from '../../../src/hdf5/sources/dandi';
import { LocalSource } from '../../../src/hdf5/sources/local';
import { VideoIndexCache } from '../../../src/video/indexCache';
import { readVideoIndex } from '../../../src/video/readIndex';
import { FIXTURES } from './ffmpeg';

const FILES = {
  'dlc__m3v1mp4.mp4': 2, // moov at the end: the head, then the tail
  'sleap__small_robot.mp4': 2, // moov at the end, a free box after it
  'sleap__centered_pair_low_quality.mp4': 1, // faststart: moov inside the first 64 KiB
};

describe('video index over HTTP (stand-in archive)', () => {
  let archive: StandInArchive;
  before(async () => {
    archive = await startArchive({ largeFiles: Object.keys(FILES).map(name => join(FIXTURES, name)) });
  });
  after(() => archive.close());

  async function specOf(name: string) {
    const response = await fetch(
      `${archive.apiUrl}/dandisets/${archive.ids.large}/versions/draft/assets/?page_size=1000&metadata=true`,
    );
    const body = (await response.json()) as {
      results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
    };
    const asset = body.results.find(a => a.path.endsWith(name));
    assert.ok(asset, `${name} is served`);
    const blob = new URL(asset.metadata.contentUrl[1]);
    return {
      apiUrl: archive.apiUrl,
      assetId: asset.asset_id,
      size: asset.size,
      blobUrl: blob.href,
      identity: `blob:${blob.origin}${blob.pathname}:${asset.size}`,
    };
  }

  for (const [name, requests] of Object.entries(FILES)) {
    it(`${name}: ${requests} request(s) cold, none with the cache, the same index as the local file`, async () => {
      const spec = await specOf(name);
      const cache = new VideoIndexCache(mkdtempSync(join(tmpdir(), 'vremote-')), 64 * 1024 * 1024);
      const local = new LocalSource(join(FIXTURES, name));
      const expected = await readVideoIndex(local);
      await local.close();

      archive.clearLog();
      const cold = createDandiSource(spec, 64 * 1024);
      const index = await readVideoIndex(cold, { known: spec, cache });
      assert.equal(cold.requests, requests);
      assert.equal(archive.log.length, requests, 'requests the archive saw');
      assert.deepEqual(index, expected);

      archive.clearLog();
      const warm = createDandiSource(spec, 64 * 1024);
      assert.deepEqual(await readVideoIndex(warm, { known: spec, cache }), expected);
      assert.equal(warm.requests, 0);
      assert.equal(archive.log.length, 0);
    });
  }
});
