import * as vscode from 'vscode';
import { ContextKeys, Settings } from '../constants';
import { DandiClient } from '../dandi/client';
import { DandiApiError } from '../dandi/errors';
import { customApiUrlProblem, instanceFromSettings, instanceFromServerInfo, instanceLabel, trimSlashes } from '../dandi/instances';
import { ResponseCache } from '../dandi/responseCache';
import type { DandiInstance, UserRecord } from '../dandi/types';
import { Disposable } from '../util/disposable';

const SECRET_PREFIX = 'dandi.apiKey:';

/**
 * The active instance, its API key (SecretStorage, one per API URL) and the client built from
 * both. A new client after the instance, API URL or sign-in changes; the cache of immutable
 * responses is shared across clients.
 */
export class BrowseSession extends Disposable {
  private _instance: DandiInstance;
  private _client: DandiClient | undefined;
  private _apiKey: string | undefined;
  private _user: UserRecord | undefined;
  private readonly cache = new ResponseCache();
  private readonly _onDidChangeClient = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeClient = this._onDidChangeClient.event;
  /** Resolves once the stored key of the active instance has been read. */
  ready: Promise<void>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._instance = this.instanceFromConfig();
    this.ready = this.loadKey();
    this._register(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration(`${Settings.section}.${Settings.instance}`) || e.affectsConfiguration(`${Settings.section}.${Settings.apiUrl}`)) {
          this._instance = this.instanceFromConfig();
          // The old instance's key must never reach the new one, not even while the new key loads.
          this._apiKey = undefined;
          this._user = undefined;
          this._client = undefined;
          this.ready = this.loadKey().then(() => this._onDidChangeClient.fire());
        }
      }),
    );
    this._register(
      context.secrets.onDidChange(e => {
        if (e.key === this.secretKey()) {
          void this.loadKey()
            .then(() => this._onDidChangeClient.fire())
            .catch(err => this.log.warn(`Could not reload the API key: ${err instanceof Error ? err.message : String(err)}`));
        }
      }),
    );
  }

  get instance(): DandiInstance {
    return this._instance;
  }

  get label(): string {
    return instanceLabel(this._instance);
  }

  get user(): UserRecord | undefined {
    return this._user;
  }

  client(): DandiClient {
    this._client ??= this.makeClient(this._apiKey);
    return this._client;
  }

  async apiKey(apiUrl?: string): Promise<string | undefined> {
    await this.ready;
    if (apiUrl !== undefined && trimSlashes(apiUrl) !== trimSlashes(this._instance.apiUrl)) return undefined;
    return this._apiKey;
  }

  /** The web UI origin: known instances have one; custom ones report it in /info/ services.webui. */
  async webUrl(): Promise<string | null> {
    if (this._instance.webUrl) return this._instance.webUrl;
    try {
      const discovered = instanceFromServerInfo(await this.client().info(), this._instance.apiUrl);
      if (discovered?.webUrl) this._instance.webUrl = discovered.webUrl;
      if (discovered?.doiPrefix) this._instance.doiPrefix = discovered.doiPrefix;
      if (discovered?.doiName) this._instance.doiName = discovered.doiName;
    } catch (e) {
      this.log.warn(`Could not read ${this._instance.apiUrl}/info/: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this._instance.webUrl;
  }

  /** Checks the key with /auth/token/ and /users/me/, then stores it for this instance. */
  async signIn(key: string): Promise<UserRecord> {
    const trimmed = key.trim();
    if (!/^[0-9a-zA-Z]{20,80}$/.test(trimmed)) throw new DandiApiError('bad-request', 'An API key is 40 letters and digits; copy it from your account page on the archive.');
    const probe = this.makeClient(trimmed);
    const user = await probe.validateApiKey();
    await this.context.secrets.store(this.secretKey(), trimmed);
    this._apiKey = trimmed;
    this._user = user;
    this._client = undefined;
    await this.setContext(true);
    this.log.info(`Signed in to ${this.label} as ${user.username}.`);
    this._onDidChangeClient.fire();
    return user;
  }

  async signOut(): Promise<void> {
    await this.context.secrets.delete(this.secretKey());
    this._apiKey = undefined;
    this._user = undefined;
    this._client = undefined;
    await this.setContext(false);
    this.log.info(`Signed out of ${this.label}.`);
    this._onDidChangeClient.fire();
  }

  private async loadKey(): Promise<void> {
    const secret = this.secretKey();
    let key: string | undefined;
    try {
      key = await this.context.secrets.get(secret);
    } catch (e) {
      this.log.warn(`Could not read the stored API key: ${e instanceof Error ? e.message : String(e)}`);
    }
    // The instance changed while this key was read: it belongs to the previous one.
    if (secret !== this.secretKey()) return;
    if (key !== this._apiKey) {
      this._apiKey = key;
      this._client = undefined;
      this._user = undefined;
    }
    await this.setContext(Boolean(key));
  }

  private setContext(signedIn: boolean): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', ContextKeys.signedIn, signedIn);
  }

  private secretKey(): string {
    return `${SECRET_PREFIX}${this._instance.apiUrl}`;
  }

  private instanceFromConfig(): DandiInstance {
    const config = vscode.workspace.getConfiguration(Settings.section);
    const name = config.get<string>(Settings.instance, 'dandi');
    const apiUrl = config.get<string>(Settings.apiUrl, '');
    const problem = customApiUrlProblem(name, apiUrl);
    if (problem) {
      // Not from getChildren and not modal: the tree keeps working on DANDI meanwhile.
      this.log.warn(`${problem}; browsing DANDI instead.`);
      void vscode.window.showWarningMessage(`${problem}; browsing DANDI instead.`, 'Change API URL').then(choice => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', `${Settings.section}.${Settings.apiUrl}`);
      });
    }
    return { ...instanceFromSettings(name, apiUrl) };
  }

  private makeClient(apiKey: string | undefined): DandiClient {
    return new DandiClient({
      instance: this._instance,
      apiKey,
      userAgent: `dandi-vscode/${String(this.context.extension.packageJSON.version ?? '0')} (VS Code ${vscode.version})`,
      cache: this.cache,
      log: message => this.log.info(message),
    });
  }
}
