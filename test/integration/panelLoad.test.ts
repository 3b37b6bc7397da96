/**
 * Viewer pages load even when two start at once, in a real VS Code: the generated ecephys file
 * opened in two editor columns side by side, round after round, and both panels draw their first
 * view each time. Two webviews starting together race VS Code's resource service worker; the page
 * that loses finds its script and stylesheet unloadable and is loaded again (webviewHtml.ts's
 * showPage). Without that, about half of these rounds left one panel blank for good.
 */
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { ViewTypes } from '../../src/constants';
import { released, rendered, useViewer } from '../suite/viewerPanels';

const ROUNDS = 4;

describe('viewer pages starting together (VS Code)', function () {
  this.timeout(ROUNDS * 150_000);
  const suite = useViewer();

  it('draws both panels of a file opened side by side at once, round after round', async () => {
    const uri = vscode.Uri.file(resolve(suite.repo, '.cache', 'nwb', 'ecephys.nwb'));
    for (let round = 0; round < ROUNDS; round++) {
      await vscode.commands.executeCommand(
        'vscode.openWith',
        uri,
        ViewTypes.nwbViewer,
        vscode.ViewColumn.One,
      );
      await vscode.commands.executeCommand(
        'vscode.openWith',
        uri,
        ViewTypes.nwbViewer,
        vscode.ViewColumn.Beside,
      );
      const panels = suite.provider.panels.filter(p => p.document.uri.toString() === uri.toString());
      if (panels.length !== 2) throw new Error(`round ${round}: ${panels.length} panels, not 2`);
      await Promise.all(panels.map(panel => rendered(panel, () => true)));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await released(suite.provider);
    }
  });
});
