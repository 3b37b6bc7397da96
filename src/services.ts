import type * as vscode from 'vscode';
import type { DandiClient } from './dandi/client';
import type { DandiSession } from './session/session';

/**
 * What every feature is given, built once in activate(): the extension context, the log and the
 * session. Browse, downloads and the viewer all register through `registerX(services)`; none of
 * them owns the session, and none imports another feature's wiring.
 */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The active instance, its sign-in state and client (src/session). */
  readonly session: DandiSession;
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
