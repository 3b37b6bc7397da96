/**
 * Python that shows the same video frame as the viewer, the way the DANDI quick-start does: the
 * asset's S3 URL from DandiAPIClient, `cv2.VideoCapture(url)` seeking with `CAP_PROP_POS_FRAMES`
 * (OpenCV's frame N is the viewer's frame N: presentation order after the edit list). A local file
 * opens by its path. No `vscode` here.
 */
import { assetUrlLines } from '../nwb/snippet';
import type { SourceDescription } from '../shared/protocol';

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
  return [
    'import cv2',
    ...assetUrlLines(source, 'url'),
    '',
    '# OpenCV streams the remote file with HTTP range requests (FFmpeg backend)',
    'cap = cv2.VideoCapture(url)',
    ...show,
  ].join('\n');
}
