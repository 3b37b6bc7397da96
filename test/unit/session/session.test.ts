/**
 * The session in plain Node, against the stand-in archive: keys are kept per API URL, sign-in
 * checks the key before storing it, a key never follows a switch of instance, and every change is
 * reported (signedIn first, then onDidChangeClient).
 */
import * as assert from 'node:assert/strict';
import { DandiApiError } from '../../../src/dandi/errors';
import type { DandiInstance } from '../../../src/dandi/types';
import { DandiSession, type SecretStore } from '../../../src/session/session';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';

/** A SecretStore in memory whose reads can be held back, as SecretStorage's may be slow. */
class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  gate: Promise<void> = Promise.resolve();
  async get(key: string): Promise<string | undefined> {
    await this.gate;
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

describe('DandiSession (plain Node)', function () {
  this.timeout(30_000);
  let archive: StandInArchive;
  let standIn: DandiInstance;
  const other: DandiInstance = { name: 'elsewhere', apiUrl: 'http://127.0.0.1:9/api', webUrl: null };
  const sessions: DandiSession[] = [];
  const make = (secrets: SecretStore, instance = standIn) => {
    const events: string[] = [];
    const session = new DandiSession({
      instance,
      secrets,
      log: { info: () => undefined, warn: () => undefined },
      clientOptions: { userAgent: 'dandi-vscode-test', retry: { attempts: 1 } },
      reportSignedIn: async signedIn => void events.push(`signedIn=${signedIn}`),
    });
    session.onDidChangeClient(() => events.push('client'));
    sessions.push(session);
    return { session, events };
  };

  before(async () => {
    archive = await startArchive();
    standIn = { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl };
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await archive.close();
  });

  it('signs in with a key the archive accepts, stores it per API URL, and signs out', async () => {
    const secrets = new MemorySecrets();
    const { session, events } = make(secrets);
    await session.ready;
    assert.equal(session.client().signedIn, false);
    const user = await session.signIn(` ${archive.apiKeys.owner} `);
    assert.equal(user.username, 'owner');
    assert.equal(
      secrets.values.get(`dandi.apiKey:${archive.apiUrl}`),
      archive.apiKeys.owner,
      'trimmed and stored under the API URL',
    );
    assert.equal(session.client().signedIn, true);
    assert.equal(
      await session.apiKey(`${archive.apiUrl}/`),
      archive.apiKeys.owner,
      'the same API with a trailing slash',
    );
    assert.equal(await session.apiKey(other.apiUrl), undefined, 'never for another API');
    assert.ok(
      (await session.client().listDandisets({ user: 'me', embargoed: true, pageSize: 100 })).items.length > 0,
      "the signed-in client lists the owner's Dandisets",
    );
    await session.signOut();
    assert.equal(secrets.values.size, 0);
    assert.equal(session.client().signedIn, false);
    assert.deepEqual(events, ['signedIn=false', 'signedIn=true', 'client', 'signedIn=false', 'client']);
  });

  it('refuses a malformed key without asking the archive and a wrong key without storing it', async () => {
    const secrets = new MemorySecrets();
    const { session } = make(secrets);
    await assert.rejects(
      session.signIn('not a key'),
      (e: unknown) =>
        e instanceof DandiApiError && e.kind === 'bad-request' && /40 letters and digits/.test(e.message),
    );
    await assert.rejects(
      session.signIn('a'.repeat(40)),
      (e: unknown) => e instanceof DandiApiError && e.kind === 'unauthorized',
    );
    assert.equal(secrets.values.size, 0);
    assert.equal(await session.apiKey(), undefined);
  });

  it('drops the key at once on a switch of instance, even while the new key is still being read', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(`dandi.apiKey:${archive.apiUrl}`, archive.apiKeys.owner);
    const { session, events } = make(secrets);
    await session.ready;
    assert.equal(session.client().signedIn, true, 'the stored key is loaded at start');
    let release = (): void => undefined;
    secrets.gate = new Promise(resolve => (release = resolve));
    const switched = session.setInstance(other);
    assert.equal(session.instance.apiUrl, other.apiUrl);
    assert.equal(session.client().signedIn, false, 'the old key is gone before the new one is read');
    release();
    await switched;
    assert.equal(await session.apiKey(), undefined);
    assert.deepEqual(events.slice(-2), ['signedIn=false', 'client']);
    await session.setInstance(standIn);
    assert.equal(
      await session.apiKey(archive.apiUrl),
      archive.apiKeys.owner,
      'switching back finds the stand-in key again',
    );
  });

  it('learns a custom instance web address from /info/ and reloads a key changed elsewhere', async () => {
    const secrets = new MemorySecrets();
    const { session, events } = make(secrets, { ...standIn, webUrl: null });
    assert.equal(await session.webUrl(), archive.webUrl);
    secrets.values.set(session.secretName, archive.apiKeys.other);
    await session.reloadKey();
    assert.equal(await session.apiKey(), archive.apiKeys.other);
    assert.equal(events.at(-1), 'client');
  });
});
