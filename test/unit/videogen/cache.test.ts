// ensureGeneratedVideos re-encodes a video only when its recipe stamp or its size changed, and
// rewrites the IBL NWB files only when one is missing or changed. Works on a copy of the cache,
// so the shared .cache/video is never touched.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVideo } from '../../fixtures/videogen/encode';
import { defaultVideoDir, ensureGeneratedVideos, IBL_PATHS, IBL_ROOT } from '../../fixtures/videogen/index';
import { VIDEO_RECIPES } from '../../fixtures/videogen/recipes';

describe('generated videos: the cache', function () {
  this.timeout(600_000);
  let dir: string;
  const mtimes = (): Record<string, number> =>
    Object.fromEntries(
      [
        'variants/left-vp9.webm',
        'variants/left-faststart.mp4',
        'variants/left-gop30.mp4',
        `${IBL_ROOT}/${IBL_PATHS.leftVideo}`,
        `${IBL_ROOT}/${IBL_PATHS.processed}`,
        `${IBL_ROOT}/${IBL_PATHS.raw}`,
      ].map(p => [p, statSync(join(dir, p)).mtimeMs]),
    );

  before(async () => {
    await ensureGeneratedVideos();
    dir = mkdtempSync(join(tmpdir(), 'videogen-cache-'));
    cpSync(defaultVideoDir(), dir, { recursive: true, preserveTimestamps: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves up-to-date files alone', async () => {
    const before = mtimes();
    const videos = await ensureGeneratedVideos(dir);
    assert.deepEqual(mtimes(), before);
    assert.ok(videos.every(v => v.path.startsWith(dir)));
  });

  it('re-encodes a video whose recipe stamp or size changed, and rewrites a changed NWB file, nothing else', async () => {
    const before = mtimes();
    const stamp = join(dir, '.stamps', 'vp9.json');
    writeFileSync(
      stamp,
      JSON.stringify({ ...JSON.parse(readFileSync(stamp, 'utf8')), hash: 'an older recipe' }),
    );
    truncateSync(join(dir, 'variants/left-faststart.mp4'), 1000);
    truncateSync(join(dir, IBL_ROOT, IBL_PATHS.processed), 1000);
    const videos = await ensureGeneratedVideos(dir);
    const after = mtimes();
    const changed = Object.keys(before).filter(p => after[p] !== before[p]);
    assert.deepEqual(
      changed.sort(),
      [
        `${IBL_ROOT}/${IBL_PATHS.processed}`,
        `${IBL_ROOT}/${IBL_PATHS.raw}`, // the NWB files are written together
        'variants/left-faststart.mp4',
        'variants/left-vp9.webm',
      ].sort(),
    );
    const faststart = videos.find(v => v.name === 'faststart');
    assert.equal(faststart?.size, statSync(join(dir, 'variants/left-faststart.mp4')).size);
    assert.ok((faststart?.size ?? 0) > 1000);
  });

  it("fails with ffmpeg's own message when ffmpeg refuses a recipe", async () => {
    const recipe = VIDEO_RECIPES.find(r => r.name === 'vp9');
    assert.ok(recipe);
    const broken = { ...recipe, frames: 2000, ffmpegArgs: ['-c:v', 'no-such-encoder', '-f', 'mp4'] };
    await assert.rejects(
      encodeVideo(broken, join(dir, 'broken.mp4')),
      /ffmpeg failed on vp9 \(exit code \d+\): .*no-such-encoder/i,
    );
  });
});
