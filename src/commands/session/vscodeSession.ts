import * as vscode from 'vscode';
import { ContextKeys, Settings } from '../../constants';
import { customApiUrlProblem, instanceFromSettings } from '../../dandi/instances';
import type { DandiInstance } from '../../dandi/types';
import { DandiSession } from '../../session/session';
import { plainText } from '../../util/plainText';

/**
 * The session wired to VS Code: the instance from settings (followed as they change), API keys in
 * SecretStorage (followed across windows), and the `dandi.signedIn` context key. The session itself
 * (src/session) runs in plain Node; this is the only part that touches the VS Code API.
 */
export function createVscodeSession(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): DandiSession {
  const version = String(context.extension.packageJSON.version ?? '0');
  const session = new DandiSession({
    instance: instanceFromConfig(log),
    secrets: context.secrets,
    log,
    clientOptions: { userAgent: `dandi-vscode/${version} (VS Code ${vscode.version})` },
    reportSignedIn: signedIn => vscode.commands.executeCommand('setContext', ContextKeys.signedIn, signedIn),
  });
  context.subscriptions.push(
    session,
    vscode.workspace.onDidChangeConfiguration(e => {
      if (
        e.affectsConfiguration(`${Settings.section}.${Settings.instance}`) ||
        e.affectsConfiguration(`${Settings.section}.${Settings.apiUrl}`)
      ) {
        void session.setInstance(instanceFromConfig(log));
      }
    }),
    context.secrets.onDidChange(e => {
      if (e.key === session.secretName) {
        session
          .reloadKey()
          .catch(err =>
            log.warn(`Could not reload the API key: ${err instanceof Error ? err.message : String(err)}`),
          );
      }
    }),
  );
  return session;
}

function instanceFromConfig(log: vscode.LogOutputChannel): DandiInstance {
  const config = vscode.workspace.getConfiguration(Settings.section);
  const name = config.get<string>(Settings.instance, 'dandi');
  const apiUrl = config.get<string>(Settings.apiUrl, '');
  const problem = customApiUrlProblem(name, apiUrl);
  if (problem) {
    // Not from getChildren and not modal: the tree keeps working on DANDI meanwhile.
    log.warn(`${problem}; browsing DANDI instead.`);
    void vscode.window
      // The problem quotes the raw setting, which a settings file can fill with link syntax.
      .showWarningMessage(plainText(`${problem}; browsing DANDI instead.`), 'Change API URL')
      .then(choice => {
        if (choice)
          void vscode.commands.executeCommand(
            'workbench.action.openSettings',
            `${Settings.section}.${Settings.apiUrl}`,
          );
      });
  }
  return instanceFromSettings(name, apiUrl);
}
