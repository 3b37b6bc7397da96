/**
 * `dandi.downloadFolder` can come from a repository's `.vscode/settings.json`. A folder inside the
 * workspace is the repository's own business; one outside it (a home folder, a system folder) is
 * used only after the user agreed once, and the answer is remembered per folder.
 */
import { relative, isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../../constants';
import { plainText } from '../../util/plainText';

const CONSENT_KEY = 'dandi.downloadFolderConsent';

/** Whether `folder` is one of `roots` or inside one. */
function isInsideAny(folder: string, roots: readonly string[]): boolean {
  return roots.some(root => {
    const rel = relative(resolve(root), resolve(folder));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** Where the setting's value comes from: the workspace (or a folder of it) wins over the user. */
function setByWorkspace(): boolean {
  const inspected = vscode.workspace
    .getConfiguration(Settings.section)
    .inspect<string>(Settings.downloadFolder);
  return Boolean(inspected?.workspaceFolderValue?.trim() || inspected?.workspaceValue?.trim());
}

/**
 * True when downloads may go to `folder`: the user set it, it lies in the workspace, or the user
 * said yes to it before. Otherwise asks (modal), and remembers a yes or a no for that folder.
 */
export async function mayDownloadTo(folder: string, memento: vscode.Memento): Promise<boolean> {
  if (!setByWorkspace()) return true;
  const roots = (vscode.workspace.workspaceFolders ?? []).map(f => f.uri.fsPath);
  if (isInsideAny(folder, roots)) return true;
  const answers = memento.get<Record<string, boolean>>(CONSENT_KEY, {});
  const key = resolve(folder);
  if (key in answers) return answers[key] === true;
  const choice = await vscode.window.showWarningMessage(
    plainText(`This workspace's settings send DANDI downloads to ${key}, outside the workspace.`),
    {
      modal: true,
      detail: 'dandi.downloadFolder is set in the workspace settings. Download there?',
    },
    'Download There',
    'Not There',
  );
  // Dismissing the question is no answer: it is asked again next time.
  if (choice === undefined) return false;
  await memento.update(CONSENT_KEY, { ...answers, [key]: choice === 'Download There' });
  return choice === 'Download There';
}
