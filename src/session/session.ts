import { DandiClient, type DandiClientOptions } from '../dandi/client';
import { DandiApiError } from '../dandi/errors';
import { instanceFromServerInfo, instanceLabel, trimSlashes } from '../dandi/instances';
import { ResponseCache } from '../dandi/responseCache';
import type { DandiInstance, UserRecord } from '../dandi/types';
import { Disposable, type IDisposable } from '../util/disposable';
import { Emitter, type Event } from '../util/event';

const SECRET_PREFIX = 'dandi.apiKey:';

/** Where API keys are kept, one per API URL: VS Code's SecretStorage, or a map in tests. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SessionOptions {
  /** The instance to start with. */
  instance: DandiInstance;
  secrets: SecretStore;
  log: SessionLog;
  /** Passed to every client the session builds (user agent, network settings...). */
  clientOptions?: Partial<Omit<DandiClientOptions, 'instance' | 'apiKey' | 'cache' | 'log'>>;
  /**
   * Told whether a key is stored for the active instance, and awaited before the change is
   * announced: the VS Code side sets its `dandi.signedIn` context key here.
   */
  reportSignedIn?(signedIn: boolean): PromiseLike<unknown>;
}

/** An API key is 40 letters and digits; accept a little slack for other deployments. */
export const API_KEY_PATTERN = /^[0-9a-zA-Z]{20,80}$/;

/**
 * The active instance, its API key (one per API URL) and the client built from both. A new
 * client after the instance or sign-in changes; the cache of immutable responses is shared across
 * clients. Plain Node: the VS Code side feeds it settings and secrets (src/commands/session).
 */
export class DandiSession extends Disposable {
  private _instance: DandiInstance;
  private _client: DandiClient | undefined;
  private _apiKey: string | undefined;
  private _user: UserRecord | undefined;
  private readonly cache = new ResponseCache();
  private readonly _onDidChangeClient: Emitter<void>;
  /** Fires when the active instance, its API URL or the sign-in state changes. */
  readonly onDidChangeClient: Event<void>;
  /** Resolves once the stored key of the active instance has been read. */
  ready: Promise<void>;
  /** Work that sign-out waits for (deleting what was read with the key), by whoever registered it. */
  private readonly signOutTasks = new Set<(apiUrl: string) => Promise<unknown>>();

  constructor(private readonly options: SessionOptions) {
    super();
    this._onDidChangeClient = this._register(
      new Emitter<void>(e => options.log.warn(`A session listener failed: ${errorText(e)}`)),
    );
    this.onDidChangeClient = this._onDidChangeClient.event;
    this._instance = { ...options.instance };
    this.ready = this.loadKey();
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

  /** The secret-storage name of the active instance's key. */
  get secretName(): string {
    return `${SECRET_PREFIX}${this._instance.apiUrl}`;
  }

  client(): DandiClient {
    this._client ??= this.makeClient(this._apiKey);
    return this._client;
  }

  /**
   * The API key of the active instance, when signed in. With `apiUrl`, only when that is the
   * active instance's API, checked once the key is read: a key never goes to another archive.
   */
  async apiKey(apiUrl?: string): Promise<string | undefined> {
    await this.ready;
    if (apiUrl !== undefined && trimSlashes(apiUrl) !== trimSlashes(this._instance.apiUrl)) return undefined;
    return this._apiKey;
  }

  /** Switches to another instance (or API URL); resolves once its stored key has been read. */
  setInstance(instance: DandiInstance): Promise<void> {
    this._instance = { ...instance };
    // The old instance's key must never reach the new one, not even while the new key loads.
    this._apiKey = undefined;
    this._user = undefined;
    this._client = undefined;
    this.ready = this.loadKey().then(() => this._onDidChangeClient.fire());
    return this.ready;
  }

  /** Reads the active instance's key again (it was changed from another window). */
  async reloadKey(): Promise<void> {
    await this.loadKey();
    this._onDidChangeClient.fire();
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
      this.options.log.warn(`Could not read ${this._instance.apiUrl}/info/: ${errorText(e)}`);
    }
    return this._instance.webUrl;
  }

  /** Checks the key with /auth/token/ and /users/me/, then stores it for this instance. */
  async signIn(key: string): Promise<UserRecord> {
    const trimmed = key.trim();
    if (!API_KEY_PATTERN.test(trimmed))
      throw new DandiApiError(
        'bad-request',
        'An API key is 40 letters and digits; copy it from your account page on the archive.',
      );
    const probe = this.makeClient(trimmed);
    const user = await probe.validateApiKey();
    await this.options.secrets.store(this.secretName, trimmed);
    this._apiKey = trimmed;
    this._user = user;
    this._client = undefined;
    await this.options.reportSignedIn?.(true);
    this.options.log.info(`Signed in to ${this.label} as ${user.username}.`);
    this._onDidChangeClient.fire();
    return user;
  }

  /**
   * Runs `task` at every sign-out (here, or in another window, seen as the key disappearing);
   * sign-out resolves once it settled. Dispose the result to stop.
   */
  onDidSignOut(task: (apiUrl: string) => Promise<unknown>): IDisposable {
    this.signOutTasks.add(task);
    return { dispose: () => void this.signOutTasks.delete(task) };
  }

  async signOut(): Promise<void> {
    await this.options.secrets.delete(this.secretName);
    await this.signedOut();
    this._apiKey = undefined;
    this._user = undefined;
    this._client = undefined;
    await this.options.reportSignedIn?.(false);
    this.options.log.info(`Signed out of ${this.label}.`);
    this._onDidChangeClient.fire();
  }

  private async loadKey(): Promise<void> {
    const secret = this.secretName;
    let key: string | undefined;
    try {
      key = await this.options.secrets.get(secret);
    } catch (e) {
      this.options.log.warn(`Could not read the stored API key: ${errorText(e)}`);
    }
    // The instance changed while this key was read: it belongs to the previous one.
    if (secret !== this.secretName) return;
    if (key !== this._apiKey) {
      if (key === undefined && this._apiKey !== undefined) await this.signedOut();
      this._apiKey = key;
      this._client = undefined;
      this._user = undefined;
    }
    await this.options.reportSignedIn?.(Boolean(key));
  }

  private async signedOut(): Promise<void> {
    const apiUrl = this._instance.apiUrl;
    const results = await Promise.allSettled([...this.signOutTasks].map(task => task(apiUrl)));
    for (const result of results)
      if (result.status === 'rejected')
        this.options.log.warn(`Clean-up at sign-out failed: ${errorText(result.reason)}`);
  }

  private makeClient(apiKey: string | undefined): DandiClient {
    return new DandiClient({
      ...this.options.clientOptions,
      instance: this._instance,
      apiKey,
      cache: this.cache,
      log: message => this.options.log.info(message),
    });
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
