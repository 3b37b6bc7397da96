// PLACEHOLDER until the Browse work lands.
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { DandiClient } from '../dandi/client';

export function registerBrowse(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ExtensionServices {
  const emitter = new vscode.EventEmitter<void>();
  const client: DandiClient = { apiUrl: vscode.workspace.getConfiguration('dandi').get<string>('apiUrl') ?? '' };
  return { context, log, client: () => client, apiKey: async () => undefined, onDidChangeClient: emitter.event };
}
