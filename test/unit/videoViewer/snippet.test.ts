// "Copy Python snippet" of the video viewer: OpenCV seeking to the shown frame, from the asset's
// S3 URL (DandiAPIClient, as the DANDI quick-start does) or from the local path.
import * as assert from 'node:assert/strict';
import { videoPythonSnippet } from '../../../src/editor/videoSnippet';

describe('video viewer: Python snippet', () => {
  const remote = {
    kind: 'dandi' as const,
    apiUrl: 'https://api.dandiarchive.org/api',
    assetId: 'abc',
    dandisetId: '000409',
    version: 'draft',
    path: 'sub-KS/sub-KS_ses-1_ecephys+image/sub-KS_ses-1_VideoLeftCamera.mp4',
  };

  it('opens a remote asset through its S3 URL and seeks to the frame', () => {
    const code = videoPythonSnippet(remote, 100000);
    assert.match(code, /DandiAPIClient\(\)/);
    assert.match(code, /get_dandiset\(dandiset_id, version\)\.get_asset_by_path\(asset_path\)/);
    assert.match(code, /dandiset_id = "000409"/);
    assert.ok(code.includes(`asset_path = "${remote.path}"`));
    assert.match(code, /cap = cv2\.VideoCapture\(url\)/);
    assert.match(code, /frame_index = 100000\ncap\.set\(cv2\.CAP_PROP_POS_FRAMES, frame_index\)/);
  });

  it('names a non-default archive and quotes paths as Python strings', () => {
    const code = videoPythonSnippet({ ...remote, apiUrl: 'http://127.0.0.1:8000/api', path: 'a "b".mp4' }, 0);
    assert.match(code, /DandiAPIClient\(api_url="http:\/\/127\.0\.0\.1:8000\/api"\)/);
    assert.ok(code.includes('asset_path = "a \\"b\\".mp4"'));
  });

  it('opens a local file by its path', () => {
    const code = videoPythonSnippet({ kind: 'local', path: '/data/mouse.mp4' }, 7);
    assert.match(code, /cap = cv2\.VideoCapture\("\/data\/mouse\.mp4"\)/);
    assert.doesNotMatch(code, /DandiAPIClient/);
    assert.match(code, /frame_index = 7/);
  });

  it('refuses a frame that is not a non-negative integer', () => {
    assert.throws(() => videoPythonSnippet({ kind: 'local', path: '/x.mp4' }, -1), /not a frame/);
    assert.throws(() => videoPythonSnippet({ kind: 'local', path: '/x.mp4' }, 1.5), /not a frame/);
  });
});
