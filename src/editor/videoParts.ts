/**
 * The container index (src/video) and the pose readers (src/pose) as the video viewer uses them.
 * Until those parts land on this branch, opening a video or a pose file says so plainly.
 */
import type * as vscode from 'vscode';
import type { VideoIndexer } from './videoDocument';
import type { PoseProvider } from './videoEditorProvider';

const NO_INDEX = 'this build has no video container index yet (src/video)';
const NO_POSE = 'this build has no pose readers yet (src/pose)';

export const videoIndexer: VideoIndexer = {
  index: () => Promise.reject(new Error(NO_INDEX)),
  plan: () => {
    throw new Error(NO_INDEX);
  },
};

export const poseProvider: PoseProvider = {
  candidates: () => Promise.resolve([]),
  open: () => Promise.reject(new Error(NO_POSE)),
};

export function videosForPose(_pose: vscode.Uri, _path: string | undefined): Promise<vscode.Uri[]> {
  return Promise.resolve([]);
}
