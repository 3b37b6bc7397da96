import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { parseArgs, runCli } from '../../../scripts/archive';
import { type RequestLogEntry, type StandInArchive } from '../../archive/types';
import { tokenHeader, useArchive } from './helpers';

/** The archive's network modes: both origins over TLS (`https`), and proxy-only (`allowedClients`). */

interface Reply {
  status: number;
  text: string;
  location: string | undefined;
}

async function send(
  url: string,
  dispatcher: Agent,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'GET',
  body?: string,
): Promise<Reply> {
  const res = await request(url, { dispatcher, headers, method, body });
  const location = res.headers.location;
  return {
    status: res.statusCode,
    text: await res.body.text(),
    location: Array.isArray(location) ? location[0] : location,
  };
}

/** A client connecting from 127.0.0.2, as tinyproxy does with `Bind 127.0.0.2`. */
const fromProxyAddress = (ca?: string): Agent =>
  new Agent({ localAddress: '127.0.0.2', ...(ca ? { connect: { ca } } : {}) });

describe('stand-in archive: https', () => {
  const archive = useArchive({ https: true });
  let trusting: Agent;
  before(() => {
    trusting = new Agent({ connect: { ca: readFileSync(archive().caFile as string, 'utf8') } });
  });
  after(() => trusting.close());

  it('serves the API and the blob host over TLS, with URLs that say https', async () => {
    const a = archive();
    assert.match(a.apiUrl, /^https:\/\/127\.0\.0\.1:\d+\/api$/);
    assert.match(a.blobOrigin, /^https:\/\/127\.0\.0\.1:\d+$/);
    const info = JSON.parse((await send(`${a.apiUrl}/info/`, trusting)).text) as {
      services: { api: { url: string } };
    };
    assert.equal(info.services.api.url, a.apiUrl);
    const page = JSON.parse((await send(`${a.apiUrl}/dandisets/?page_size=2`, trusting)).text) as {
      next: string;
    };
    assert.match(page.next, /^https:\/\/127\.0\.0\.1:\d+\/api\/dandisets\/\?page=2&page_size=2$/);
  });

  it('redirects a download to the https blob host, which answers ranges', async () => {
    const a = archive();
    const assets = JSON.parse(
      (
        await send(
          `${a.apiUrl}/dandisets/${a.ids.embargoed}/versions/draft/assets/`,
          trusting,
          tokenHeader(a.apiKeys.owner),
        )
      ).text,
    ) as {
      results: { asset_id: string }[];
    };
    const assetId = assets.results[0]?.asset_id as string;
    const redirect = await send(
      `${a.apiUrl}/assets/${assetId}/download/`,
      trusting,
      tokenHeader(a.apiKeys.owner),
    );
    assert.equal(redirect.status, 302);
    assert.ok(redirect.location?.startsWith(`${a.blobOrigin}/blobs/`), redirect.location);
    const res = await request(redirect.location as string, {
      dispatcher: trusting,
      headers: { range: 'bytes=0-9' },
    });
    assert.equal(res.statusCode, 206);
    assert.equal((await res.body.arrayBuffer()).byteLength, 10);
  });

  it('is refused by a client that was not given its CA, naming the certificate problem', async () => {
    const untrusting = new Agent();
    try {
      await assert.rejects(
        request(`${archive().apiUrl}/info/`, { dispatcher: untrusting }),
        (e: NodeJS.ErrnoException) => {
          assert.equal(e.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', e.message);
          return true;
        },
      );
    } finally {
      await untrusting.close();
    }
  });

  it('signs its certificate for 127.0.0.1 and localhost with a CA of its own', async () => {
    const ca = readFileSync(archive().caFile as string, 'utf8');
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    const viaLocalhost = new Agent({ connect: { ca } });
    try {
      const r = await send(archive().apiUrl.replace('127.0.0.1', 'localhost') + '/info/', viaLocalhost);
      assert.equal(r.status, 200);
    } finally {
      await viaLocalhost.close();
    }
  });
});

describe('stand-in archive: proxy-only (allowedClients)', () => {
  const archive = useArchive({ allowedClients: ['127.0.0.2'] });
  const direct = new Agent();
  const proxied = fromProxyAddress();
  after(() => Promise.all([direct.close(), proxied.close()]));
  const control = (a: StandInArchive, action: string, body: unknown): Promise<Reply> =>
    send(
      `${a.controlUrl}/${action}`,
      direct,
      { 'content-type': 'application/json' },
      'POST',
      JSON.stringify(body),
    );

  it('refuses a direct client with a 403 that says why, and logs its address', async () => {
    const a = archive();
    a.clearLog();
    const refused = await send(`${a.apiUrl}/info/`, direct);
    assert.equal(refused.status, 403);
    assert.equal(
      refused.text,
      'stand-in archive: refused a direct connection from 127.0.0.1; only 127.0.0.2 (the proxy) may connect\n',
    );
    const blob = await send(`${a.blobOrigin}/blobs/000/000/00000000-0000-0000-0000-000000000000`, direct);
    assert.equal(blob.status, 403);
    assert.deepEqual(
      a.log.map(e => [e.origin, e.status, e.client]),
      [
        ['api', 403, '127.0.0.1'],
        ['blob', 403, '127.0.0.1'],
      ],
    );
  });

  it("serves the proxy's address, and logs it", async () => {
    const a = archive();
    a.clearLog();
    assert.equal((await send(`${a.apiUrl}/info/`, proxied)).status, 200);
    assert.deepEqual(
      a.log.map((e: RequestLogEntry) => [e.url, e.status, e.client]),
      [['/api/info/', 200, '127.0.0.2']],
    );
  });

  it('always answers control requests; the control switches the mode and reset restores it', async () => {
    const a = archive();
    assert.equal((await control(a, 'allowed-clients', { addresses: null })).status, 200);
    assert.equal((await send(`${a.apiUrl}/info/`, direct)).status, 200);
    assert.equal((await control(a, 'reset', {})).status, 200);
    assert.equal((await send(`${a.apiUrl}/info/`, direct)).status, 403);
    const bad = await control(a, 'allowed-clients', { addresses: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /addresses must be a non-empty array of IP addresses, or null/);
    a.setAllowedClients(undefined);
    assert.equal((await send(`${a.apiUrl}/info/`, direct)).status, 200);
    a.setAllowedClients(['127.0.0.2']);
  });
});

describe('stand-in archive: command line network options', () => {
  it('prints caFile in the --json line with --https, and removes it on close', async function () {
    this.timeout(60_000);
    const lines: string[] = [];
    const archive = await runCli(['--json', '--https', '--allow-client', '127.0.0.2'], line =>
      lines.push(line),
    );
    const info = JSON.parse(lines[0] as string) as Record<string, string>;
    try {
      assert.deepEqual(Object.keys(info), [
        'apiUrl',
        'webUrl',
        'blobOrigin',
        'controlUrl',
        'ids',
        'hostileId',
        'apiKeys',
        'caFile',
      ]);
      assert.match(info.apiUrl as string, /^https:/);
      assert.ok(existsSync(info.caFile as string));
      const agent = fromProxyAddress(readFileSync(info.caFile as string, 'utf8'));
      assert.equal((await send(`${info.apiUrl}/info/`, agent)).status, 200);
      await agent.close();
    } finally {
      await archive.close();
    }
    assert.equal(existsSync(info.caFile as string), false, 'the temporary certificate folder is removed');
  });

  it('rejects an --allow-client that is not an IP address', () => {
    assert.deepEqual(
      parseArgs(['--allow-client', '127.0.0.2', '--allow-client', '::1']).options.allowedClients,
      ['127.0.0.2', '::1'],
    );
    assert.throws(
      () => parseArgs(['--allow-client', 'proxy.local']),
      /--allow-client needs an IP address .*got "proxy.local"/,
    );
  });
});
