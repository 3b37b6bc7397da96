import type * as vscode from 'vscode';
import type { DandiClient } from './dandi/client';

/**
 * What the feature modules share, built once in activate(). Browse owns the client and the
 * sign-in state; downloads and the viewer only consume them.
 */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The client of the active instance; a new one after the instance, API URL or sign-in changes. */
  client(): DandiClient;
  /**
   * The API key of the active instance, when signed in (from SecretStorage). With `apiUrl`, only
   * when that is the active instance's API, checked once the key is read: a key never goes to
   * another archive, not even while the instance changes.
   */
  apiKey(apiUrl?: string): Promise<string | undefined>;
  /** Fires when the active instance, its API URL or the sign-in state changes. */
  readonly onDidChangeClient: vscode.Event<void>;
}
