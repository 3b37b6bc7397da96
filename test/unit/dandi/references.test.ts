import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DandiClient } from '../../../src/dandi/client';
import { DandiReferenceError } from '../../../src/dandi/errors';
import {
  defaultHttpGet,
  parseReference,
  parseReferenceOffline,
  type DandiReference,
  type HttpGet,
} from '../../../src/dandi/references';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';

interface UrlCase {
  url: string;
  glob_mode: boolean;
  requires_network: boolean;
  expected: {
    kind?: string;
    instance?: { name: string; gui: string | null; api: string };
    dandiset_id?: string | null;
    version?: string | null;
    path?: string;
    asset_id?: string;
    error?: string;
    message?: string;
  };
  mocked_http?: {
    method: string;
    url: string;
    status: number;
    headers?: Record<string, string>;
    json?: unknown;
  }[];
}

const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'dandi-api');
const cases: UrlCase[] = JSON.parse(readFileSync(join(FIXTURES, 'dandi-url-cases.json'), 'utf8'));

/** dandi-cli's kinds → ours. */
const KIND: Record<string, DandiReference['kind']> = {
  dandiset: 'dandiset',
  asset_folder: 'folder',
  asset_glob: 'glob',
  asset_item: 'asset-path',
  asset_id: 'asset-id',
  base_asset_id: 'asset-id',
  asset_path_prefix: 'path-prefix',
};

function check(ref: DandiReference, c: UrlCase): void {
  const e = c.expected;
  assert.equal(ref.kind, KIND[e.kind ?? ''], `kind of ${c.url}`);
  assert.equal(ref.instance.name, e.instance?.name, `instance of ${c.url}`);
  assert.equal(ref.instance.apiUrl, e.instance?.api, `API of ${c.url}`);
  assert.equal(ref.instance.webUrl, e.instance?.gui ?? null, `web UI of ${c.url}`);
  assert.equal(ref.dandisetId, e.dandiset_id ?? null, `id of ${c.url}`);
  assert.equal(ref.version, e.version ?? null, `version of ${c.url}`);
  if (e.path !== undefined) assert.equal(ref.path, e.path, `path of ${c.url}`);
  if (e.asset_id !== undefined) assert.equal(ref.assetId, e.asset_id, `asset of ${c.url}`);
}

/**
 * Serves the fixture's recorded exchanges from a local route: a request for
 * https://<host>/<path> is answered by http://127.0.0.1:<port>/<host>/<path>.
 */
async function replayServer(): Promise<{ http: HttpGet; close(): Promise<void> }> {
  const exchanges = cases.flatMap(c => c.mocked_http ?? []);
  const server: Server = createServer((req, res) => {
    const wanted = `https:/${req.url ?? ''}`;
    const hit = exchanges.find(x => x.url === wanted && x.method === req.method);
    if (!hit) return void res.writeHead(404).end();
    res.writeHead(hit.status, { 'content-type': 'application/json', ...(hit.headers ?? {}) });
    res.end(hit.json === undefined ? '' : JSON.stringify(hit.json));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const http: HttpGet = (url, init) => {
    const u = new URL(url);
    return defaultHttpGet(`http://127.0.0.1:${port}/${u.host}${u.pathname}${u.search}`, init);
  };
  return { http, close: () => new Promise(r => server.close(() => r())) };
}

describe('DANDI references', () => {
  describe('dandi-url-cases.json (dandi-cli test table)', () => {
    let replay: Awaited<ReturnType<typeof replayServer>>;
    before(async () => (replay = await replayServer()));
    after(() => replay.close());

    for (const c of cases) {
      if (c.expected.error === 'NotFoundError') continue; // needs the archive: see "resolving" below
      it(`${c.glob_mode ? '[glob] ' : ''}${c.url}`, async () => {
        if (c.expected.error) {
          assert.throws(
            () => parseReferenceOffline(c.url, { globMode: c.glob_mode }),
            (e: unknown) => {
              assert.ok(e instanceof DandiReferenceError);
              if (c.expected.message) assert.equal(e.message, c.expected.message);
              return true;
            },
          );
          return;
        }
        // Our grammar knows every DANDI host, so only the mocked unknown hosts go to the network.
        const offline = parseReferenceOffline(c.url, { globMode: c.glob_mode });
        if (!c.mocked_http || offline.instance) {
          assert.ok(offline.instance, `${c.url} should parse offline`);
          check(offline as DandiReference, c);
        }
        check(await parseReference(c.url, { globMode: c.glob_mode, http: replay.http }), c);
      });
    }
  });

  describe('forms beyond dandi-cli', () => {
    const ref = (text: string) => {
      const r = parseReferenceOffline(text);
      assert.ok(r.instance, `${text} parses offline`);
      return r as DandiReference;
    };
    it('accepts lower-case and bare ids', () => {
      assert.deepEqual(
        [ref('dandi:000728').dandisetId, ref('dandi:000728').instance.name],
        ['000728', 'dandi'],
      );
      assert.deepEqual([ref('000728').dandisetId, ref('000728').version], ['000728', null]);
      assert.equal(ref('000728/draft').version, 'draft');
      assert.equal(ref('DANDI:000728/0.240827.1809').version, '0.240827.1809');
    });
    it('parses DOIs and doi.org URLs', () => {
      for (const text of [
        '10.48324/dandi.000728/0.240827.1809',
        'https://doi.org/10.48324/dandi.000728/0.240827.1809',
        'doi:10.48324/dandi.000728/0.240827.1809',
      ]) {
        const r = ref(text);
        assert.deepEqual(
          [r.instance.name, r.dandisetId, r.version, r.kind],
          ['dandi', '000728', '0.240827.1809', 'dandiset'],
          text,
        );
      }
      assert.equal(ref('10.48324/dandi.000728').version, null);
    });
    it('reads files?location= properly and ignores page', () => {
      const r = ref('https://dandiarchive.org/dandiset/000027/draft/files?location=sub-RAT123&page=2');
      assert.deepEqual([r.kind, r.path, r.version], ['folder', 'sub-RAT123/', 'draft']);
      const spaced = ref(
        'https://dandiarchive.org/dandiset/001773/draft/files?location=a%20b%2Fc%26d&page=1',
      );
      assert.equal(spaced.path, 'a b/c&d/');
    });
    it('parses API asset, paths and version URLs', () => {
      const asset = ref(
        'https://api.dandiarchive.org/api/dandisets/000064/versions/draft/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/',
      );
      assert.deepEqual(
        [asset.kind, asset.assetId, asset.dandisetId],
        ['asset-id', 'bb61e86d-e28f-4da7-b07a-44dfa377cf32', '000064'],
      );
      const paths = ref(
        'https://api.dandiarchive.org/api/dandisets/000064/versions/draft/assets/paths/?path_prefix=sub-001',
      );
      assert.deepEqual([paths.kind, paths.path], ['folder', 'sub-001/']);
      assert.equal(
        ref('https://api.dandiarchive.org/api/dandisets/000064/versions/0.221025.1735/info/').version,
        '0.221025.1735',
      );
    });
    it('maps instance prefixes and identifiers.org', () => {
      assert.equal(ref('DANDI-SANDBOX:000029').instance.apiUrl, 'https://api.sandbox.dandiarchive.org/api');
      assert.equal(ref('ember-dandi:000029').instance.name, 'ember-dandi');
      assert.equal(ref('https://identifiers.org/DANDI:000027/0.210831.2033').version, '0.210831.2033');
    });
    it('rejects what is not a reference, clearly', () => {
      for (const text of [
        '',
        'hello',
        'DANDI:27',
        'https://dandiarchive.org/about',
        'FOO:000027',
        'https://dandiarchive.org/dandiset/000027/latest',
      ]) {
        assert.throws(() => parseReferenceOffline(text), DandiReferenceError, text);
      }
    });
    it('recognises an extra (active custom) instance by its origin', () => {
      const instance = { name: 'local', apiUrl: 'http://127.0.0.1:9/api', webUrl: 'http://127.0.0.1:9' };
      const r = parseReferenceOffline(
        'http://127.0.0.1:9/dandiset/990001/draft/files?location=sub-001/ses-001',
        { instances: [instance] },
      );
      assert.equal(r.instance, instance);
      assert.equal(r.path, 'sub-001/ses-001/');
    });
  });

  describe('resolving against the stand-in archive', () => {
    let archive: StandInArchive;
    let client: DandiClient;
    before(async () => {
      archive = await startArchive();
      client = new DandiClient({
        instance: { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl },
        retry: { attempts: 2, baseDelayMs: 10 },
      });
    });
    after(() => archive.close());
    const parse = (text: string) => parseReference(text, { instances: [client.instance] });

    it('a web UI URL of an unknown Dandiset is not found (the NotFoundError case)', async () => {
      const ref = await parse(`${archive.webUrl}/dandiset/999999`);
      await assert.rejects(client.resolveReference(ref), (e: Error) =>
        /Dandiset 999999 was not found/.test(e.message),
      );
    });
    it('discovers an unknown server through /server-info', async () => {
      const ref = await parseReference(`${archive.webUrl}/dandiset/${archive.ids.scale}`);
      assert.equal(ref.instance.apiUrl, archive.apiUrl);
    });
    it('an omitted version resolves to the most recent published one', async () => {
      const resolved = await client.resolveReference(
        await parse(`${archive.webUrl}/dandiset/${archive.ids.nwbDemo}`),
      );
      assert.match(resolved.version, /^0\.\d{6}\.\d{4}$/);
    });
    it('a version-independent asset URL resolves to the asset; a missing version is named', async () => {
      const [asset] = (await client.listPaths(archive.ids.scale, 'draft', 'stimuli', 1, { pageSize: 1 }))
        .items;
      const resolved = await client.resolveReference(
        await parse(`${archive.apiUrl}/assets/${asset.asset?.asset_id}/download/`),
      );
      assert.deepEqual([resolved.dandiset, resolved.asset?.path], [null, asset.path]);
      await assert.rejects(
        client.resolveReference(await parse(`${archive.webUrl}/dandiset/${archive.ids.scale}/0.999999.9999`)),
        /Version 0\.999999\.9999 of Dandiset/,
      );
    });

    it('folders and asset paths resolve to their entries', async () => {
      const id = archive.ids.scale;
      const folder = await client.resolveReference(
        await parse(`${archive.webUrl}/dandiset/${id}/draft/files?location=sub-002/ses-003&page=1`),
      );
      assert.deepEqual([folder.folder?.path, folder.folder?.aggregate_files], ['sub-002/ses-003', 50]);
      const asset = await client.resolveReference(
        await parse(`dandi://stand-in/${id}@draft/sub-002/ses-003/sub-002_ses-003_run-007.nwb`),
      );
      assert.equal(asset.asset?.path, 'sub-002/ses-003/sub-002_ses-003_run-007.nwb');
      await assert.rejects(
        client.resolveReference(await parse(`dandi://stand-in/${id}@draft/sub-002/ses-003`)),
        /is a folder/,
      );
      await assert.rejects(
        client.resolveReference(await parse(`dandi://stand-in/${id}@draft/sub-002/nope/`)),
        /No folder "sub-002\/nope"/,
      );
    });
  });
});
