import * as vscode from 'vscode';
import { Commands, Settings } from '../../constants';
import { DandiApiError } from '../../dandi/errors';
import { instanceLabel, KNOWN_INSTANCES, trimSlashes } from '../../dandi/instances';
import { API_KEY_PATTERN } from '../../session/session';
import type { ExtensionServices } from '../../services';
import { plainText } from '../../util/plainText';

/** Sign In / Sign Out (API key in SecretStorage per instance) and Select Archive Instance. */
export function registerSessionCommands(services: ExtensionServices): void {
  const { context, session } = services;
  context.subscriptions.push(
    // `key` lets another extension (or a link) hand a key over; the user confirms it first.
    vscode.commands.registerCommand(Commands.signIn, async (key?: string) => {
      if (typeof key === 'string' && !(await confirmHandedKey(session.label, session.instance.apiUrl)))
        return undefined;
      const webUrl = await session.webUrl();
      const apiKey =
        typeof key === 'string'
          ? key
          : await vscode.window.showInputBox({
              title: `Sign in to ${session.label}`,
              prompt: `Paste your API key${webUrl ? ` (from your account menu on ${webUrl})` : ''}. It is kept in VS Code's secret storage and sent only to ${new URL(session.instance.apiUrl).host}.`,
              password: true,
              ignoreFocusOut: true,
              validateInput: v =>
                API_KEY_PATTERN.test(v.trim()) ? undefined : 'An API key is 40 letters and digits.',
            });
      if (!apiKey) return undefined;
      try {
        const user = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Checking the API key with ${session.label}...`,
          },
          () => session.signIn(apiKey),
        );
        void vscode.window.showInformationMessage(
          plainText(`Signed in to ${session.label} as ${user.name || user.username}.`),
        );
        return user.username;
      } catch (e) {
        const message =
          e instanceof DandiApiError && e.kind === 'unauthorized'
            ? `${session.label} did not accept that API key.`
            : e instanceof Error
              ? e.message
              : String(e);
        void vscode.window.showErrorMessage(plainText(`Sign in failed: ${message}`));
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.signOut, async () => {
      await session.signOut();
      void vscode.window.showInformationMessage(`Signed out of ${session.label}; the API key was removed.`);
    }),
    vscode.commands.registerCommand(Commands.selectInstance, async (name?: string, apiUrl?: string) => {
      let chosen = typeof name === 'string' ? name : undefined;
      let customUrl = typeof apiUrl === 'string' ? apiUrl : undefined;
      if (!chosen) {
        const items = [
          ...KNOWN_INSTANCES.filter(i =>
            ['dandi', 'dandi-sandbox', 'ember-dandi', 'linc'].includes(i.name),
          ).map(i => ({ label: instanceLabel(i), description: i.apiUrl, name: i.name })),
          {
            label: 'Custom API URL...',
            description:
              vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.apiUrl) || undefined,
            name: 'custom',
          },
        ];
        const picked = await vscode.window.showQuickPick(items, {
          title: 'Archive instance',
          placeHolder: `Now: ${session.label}`,
        });
        if (!picked) return;
        chosen = picked.name;
      }
      const config = vscode.workspace.getConfiguration(Settings.section);
      if (chosen === 'custom' && customUrl === undefined) {
        customUrl = await vscode.window.showInputBox({
          title: 'Custom DANDI API URL',
          value: config.get<string>(Settings.apiUrl) || 'https://',
          prompt: 'The API base, e.g. https://api.example.org/api',
          validateInput: v => (/^https?:\/\/[^/]+/.test(v.trim()) ? undefined : 'An http(s) URL'),
        });
        if (!customUrl) return;
      }
      if (customUrl !== undefined)
        await config.update(
          Settings.apiUrl,
          trimSlashes(customUrl.trim()),
          vscode.ConfigurationTarget.Global,
        );
      await config.update(Settings.instance, chosen, vscode.ConfigurationTarget.Global);
    }),
  );
}

/**
 * A key passed to the command did not come from the user's keyboard: another extension may be
 * signing the user in to an account of its choosing. Nothing is stored unless the user agrees.
 */
async function confirmHandedKey(label: string, apiUrl: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    plainText(`Sign in to ${label} with an API key handed over by another extension or link?`),
    {
      modal: true,
      detail: plainText(
        `The key would be kept in VS Code's secret storage and sent to ${new URL(apiUrl).host}; everything you browse and download would be as that account. Sign in only if you started this.`,
      ),
    },
    'Sign In',
  );
  return choice === 'Sign In';
}
