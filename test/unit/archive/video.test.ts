// The video Dandisets: 990008 `ibl` (the generated IBL-shaped session, laid out as IBL-to-NWB
// names it) and 990009 `videoCorpus` (the real videos beside their pose files), listed with the
// right encodings, sizes and digests, and served from disk with ranges and HEAD.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { dandiEtag } from '../../../src/dandi/etag';
import { defaultFixturesDir } from '../../archive/server';
import { defaultVideoDir, ensureGeneratedVideos, IBL_PATHS, IBL_ROOT } from '../../fixtures/videogen/index';
import { downloadLocation, get, getJson, header, type PageBody, useArchive } from './helpers';

interface Asset {
  asset_id: string;
  path: string;
  size: number;
  metadata: {
    encodingFormat: string;
    digest: Record<string, string>;
    contentSize: number;
    contentUrl: string[];
  };
}

async function rangeBytes(
  url: string,
  range: string,
): Promise<{ status: number; contentRange: string; body: Buffer }> {
  const res = await request(url, { headers: { Range: range } });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, contentRange: String(res.headers['content-range'] ?? ''), body };
}

describe('stand-in archive: the video Dandisets', function () {
  this.timeout(600_000);
  before(async () => {
    await ensureGeneratedVideos();
  });
  const archive = useArchive({ generatedVideoDir: defaultVideoDir() });
  const list = async (id: string): Promise<Asset[]> =>
    (
      await getJson<PageBody<Asset>>(
        `${archive().apiUrl}/dandisets/${id}/versions/draft/assets/?page_size=1000&metadata=1`,
      )
    ).results;

  it('lists 990008 `ibl` as IBL-to-NWB lays a session out, with encodings, sizes and digests of the bytes on disk', async () => {
    const assets = await list(archive().ids.ibl);
    assert.equal(archive().ids.ibl, '990008');
    assert.deepEqual(assets.map(a => a.path).sort(), Object.values(IBL_PATHS).sort());
    for (const a of assets) {
      const file = join(defaultVideoDir(), IBL_ROOT, a.path);
      assert.equal(a.size, statSync(file).size, a.path);
      assert.equal(a.metadata.contentSize, a.size);
      assert.equal(
        a.metadata.encodingFormat,
        a.path.endsWith('.mp4') ? 'video/mp4' : 'application/x-nwb',
        a.path,
      );
    }
    // Digests of what is served (the 13 MB left camera has no sha256, as above 8 MiB elsewhere).
    const right = assets.find(a => a.path === IBL_PATHS.rightVideo) as Asset;
    const bytes = readFileSync(join(defaultVideoDir(), IBL_ROOT, right.path));
    assert.equal(right.metadata.digest['dandi:dandi-etag'], dandiEtag(bytes));
    assert.equal(right.metadata.digest['dandi:sha2-256'], createHash('sha256').update(bytes).digest('hex'));
  });

  it('serves the long left-camera video from .cache/video: ranges at both ends (moov is at the end) and HEAD', async () => {
    const left = (await list(archive().ids.ibl)).find(a => a.path === IBL_PATHS.leftVideo) as Asset;
    const file = join(defaultVideoDir(), IBL_ROOT, left.path);
    const onDisk = readFileSync(file);
    const url = await downloadLocation(archive(), left.asset_id);
    const head = await rangeBytes(url, 'bytes=0-31');
    assert.equal(head.status, 206);
    assert.equal(head.contentRange, `bytes 0-31/${left.size}`);
    assert.deepEqual(head.body, onDisk.subarray(0, 32));
    assert.equal(head.body.toString('latin1', 4, 8), 'ftyp');
    const tail = await rangeBytes(url, 'bytes=-65536');
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.body, onDisk.subarray(onDisk.length - 65536));
    const middle = await rangeBytes(url, `bytes=${5_000_000}-${5_000_999}`);
    assert.deepEqual(middle.body, onDisk.subarray(5_000_000, 5_001_000));
    // HEAD on the unsigned blob URL (a GET-presigned URL refuses HEAD, as S3 does).
    const plain = left.metadata.contentUrl[1] as string;
    assert.ok(plain.startsWith(archive().blobOrigin), plain);
    const headReply = await get(plain, {}, 'HEAD');
    assert.equal(headReply.status, 200);
    assert.equal(header(headReply, 'content-length'), String(left.size));
    assert.equal(headReply.text, '');
    assert.equal((await rangeBytes(url, `bytes=${left.size}-`)).status, 416);
  });

  it('lists 990009 `videoCorpus`: every real video file beside its pose file, the DLC NWB, the generated variants', async () => {
    const assets = await list(archive().ids.videoCorpus);
    assert.equal(archive().ids.videoCorpus, '990009');
    const byName = new Map(assets.map(a => [a.path.split('/').pop() as string, a]));
    const realDir = join(defaultFixturesDir(), 'video');
    for (const name of readdirSync(realDir)) {
      const a = byName.get(name);
      assert.ok(a, `${name} is served`);
      assert.equal(a.size, statSync(join(realDir, name)).size, name);
    }
    const folder = (name: string): string =>
      (byName.get(name) as Asset).path.split('/').slice(0, -1).join('/');
    const pairs: [string, string][] = [
      ['dlc__m3v1mp4.mp4', 'dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb'],
      ['sleap__centered_pair_low_quality.mp4', 'sleap__centered_pair_predictions.slp'],
      ['sleap__clip.mp4', 'sleap__clip.predictions.slp'],
      ['sleapiojs__demo-flies13-preds.mp4', 'sleapiojs__demo-flies13-preds.slp'],
      ['sleap__dance.mp4', 'sleap__dance.mp4.labels.slp'],
      ['sleap__small_robot.mp4', 'sleap__small_robot_minimal.slp'],
    ];
    for (const [video, pose] of pairs) {
      assert.notEqual(folder(video), '', `${video} is in a folder`);
      assert.equal(folder(video), folder(pose), `${video} beside ${pose}`);
    }
    const encodings = Object.fromEntries(
      assets.map(a => [a.path.split('/').pop() as string, a.metadata.encodingFormat]),
    );
    assert.equal(encodings['dlc__m3v1mp4.mp4'], 'video/mp4');
    assert.equal(encodings['sleapiojs__centered_pair_low_quality.webm'], 'video/webm');
    assert.equal(encodings['dlclive__dog_clip.avi'], 'video/x-msvideo');
    assert.equal(
      encodings['dlc2nwb__m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb'],
      'application/x-nwb',
    );
    assert.equal(encodings['left-vp9.webm'], 'video/webm');
    for (const variant of ['left-faststart.mp4', 'left-fragmented.mp4', 'left-gop30.mp4', 'left-vp9.webm'])
      assert.equal((byName.get(variant) as Asset).path, `generated/${variant}`);
  });

  it('serves a real video of 990009 byte for byte', async () => {
    const avi = (await list(archive().ids.videoCorpus)).find(a =>
      a.path.endsWith('dlclive__dog_clip.avi'),
    ) as Asset;
    const onDisk = readFileSync(join(defaultFixturesDir(), 'video', 'dlclive__dog_clip.avi'));
    const url = await downloadLocation(archive(), avi.asset_id);
    const r = await rangeBytes(url, 'bytes=100-1123');
    assert.equal(r.status, 206);
    assert.deepEqual(r.body, onDisk.subarray(100, 1124));
    assert.equal(avi.metadata.digest['dandi:sha2-256'], createHash('sha256').update(onDisk).digest('hex'));
  });
});
