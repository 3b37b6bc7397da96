/**
 * Python that shows the same video frame as the viewer, the way the DANDI quick-start does: the
 * asset's S3 URL from DandiAPIClient, `cv2.VideoCapture(url)` seeking with `CAP_PROP_POS_FRAMES`
 * (OpenCV's frame N is the viewer's frame N: presentation order after the edit list). A local file
 * opens by its path. No `vscode` here.
 */
import { trimSlashes } from '../dandi/instances';
import type { SourceDescription } from '../shared/protocol';

const DEFAULT_API = 'https://api.dandiarchive.org/api';

/** A Python string literal (JSON escaping is valid Python for these characters). */
function py(text: string): string {
  return JSON.stringify(text);
}

export function videoPythonSnippet(source: SourceDescription, frame: number): string {
  if (!Number.isInteger(frame) || frame < 0) throw new Error(`not a frame number: ${frame}`);
  const show = [
    `frame_index = ${frame}`,
    'cap.set(cv2.CAP_PROP_POS_FRAMES, frame_index)',
    'ok, frame = cap.read()  # BGR, height x width x 3',
    'cap.release()',
    'if not ok:',
    '    raise RuntimeError(f"could not read frame {frame_index}")',
    '',
    'import matplotlib.pyplot as plt',
    'plt.imshow(frame[:, :, ::-1])',
    'plt.title(f"frame {frame_index}")',
    'plt.show()',
    '',
  ];
  if (source.kind === 'local') {
    return ['import cv2', '', `cap = cv2.VideoCapture(${py(source.path)})`, ...show].join('\n');
  }
  const client =
    trimSlashes(source.apiUrl) === DEFAULT_API
      ? 'DandiAPIClient()'
      : `DandiAPIClient(api_url=${py(source.apiUrl)})`;
  return [
    'import cv2',
    'from dandi.dandiapi import DandiAPIClient',
    '',
    `dandiset_id = ${py(source.dandisetId)}`,
    `version = ${py(source.version)}`,
    `asset_path = ${py(source.path)}`,
    '',
    '# embargoed Dandisets: DandiAPIClient(token="<your API key>") and get_content_url(follow_redirects=1)',
    `with ${client} as client:`,
    '    asset = client.get_dandiset(dandiset_id, version).get_asset_by_path(asset_path)',
    '    url = asset.get_content_url(follow_redirects=1, strip_query=True)',
    '',
    '# OpenCV streams the remote file with HTTP range requests (FFmpeg backend)',
    'cap = cv2.VideoCapture(url)',
    ...show,
  ].join('\n');
}
