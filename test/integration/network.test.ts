/**
 * Proxies and HTTPS end to end in a real VS Code: the extension browses, streams an NWB file and
 * downloads with verification through a real proxy (tinyproxy, connecting out from 127.0.0.2) set
 * in VS Code's own `http.proxy`, over HTTPS from the stand-in archive started with `--https` (its CA
 * trusted through NODE_EXTRA_CA_CERTS), and both at once (CONNECT). While the proxy is on, the
 * archive refuses every client but the proxy, so a request that bypassed it would fail, and one
 * test makes the extension bypass it (`http.noProxy`) to show that it does. A certificate nobody
 * trusts ends in an error naming the host. test/vscode/run.mjs starts the proxy and the archives.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, ViewTypes } from '../../src/constants';
import { formatAssetUri } from '../../src/dandi/assetUri';
import { dandiEtag } from '../../src/dandi/etag';
import type { DownloadSummary } from '../../src/download/types';
import type { NwbEditorProvider } from '../../src/editor/nwbEditorProvider';
import type { ViewerPanel } from '../../src/editor/viewerPanel';
import type { ExtensionApi } from '../../src/extension';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import type { BrowseContext } from '../../src/tree/browseContext';
import type { TreeElement } from '../../src/tree/model';
import { makeTestCertificate, type TestCertificate } from '../archive/tls';
import { recorderOf } from '../suite/panelRecorder';
import { useViewer } from '../suite/viewerPanels';

interface ArchiveInfo {
  apiUrl: string;
  blobOrigin: string;
  controlUrl: string;
  ids: { nwbDemo: string };
  caFile?: string;
}
interface ProxyInfo {
  url: string;
  logFile: string;
  outgoingAddress: string;
}
interface LogEntry {
  origin: 'api' | 'blob';
  url: string;
  status: number;
  client: string;
}
interface AssetItem {
  asset_id: string;
  path: string;
  size: number;
  metadata?: { digest?: Record<string, string> };
}

/** The files each run reads: one streamed (its structure), one downloaded and verified. */
interface Files {
  streamed: AssetItem;
  downloaded: AssetItem;
}

/**
 * The test's own requests (control, listings) go straight to the archive with its CA, whatever
 * VS Code does to the global fetch when http.proxy is set.
 */
const direct = new Map<ArchiveInfo, Agent>();
function agentFor(archive: ArchiveInfo): Agent {
  let agent = direct.get(archive);
  if (!agent) {
    agent = new Agent(archive.caFile ? { connect: { ca: readFileSync(archive.caFile, 'utf8') } } : {});
    direct.set(archive, agent);
  }
  return agent;
}

async function getJson(archive: ArchiveInfo, url: string, body?: unknown): Promise<unknown> {
  const res = await request(url, {
    dispatcher: agentFor(archive),
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.body.text();
  assert.equal(res.statusCode, 200, `${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function control(archive: ArchiveInfo, action: string, body: object = {}): Promise<unknown> {
  return getJson(archive, `${archive.controlUrl}/${action}`, body);
}

async function requestLog(archive: ArchiveInfo): Promise<LogEntry[]> {
  return (await getJson(archive, `${archive.controlUrl}/log`)) as LogEntry[];
}

async function demoFiles(archive: ArchiveInfo): Promise<Files> {
  const url = `${archive.apiUrl}/dandisets/${archive.ids.nwbDemo}/versions/draft/assets/?metadata=true&page_size=1000`;
  const assets = ((await getJson(archive, url)) as { results: AssetItem[] }).results;
  const find = (name: string): AssetItem => {
    const asset = assets.find(a => a.path.endsWith(name));
    assert.ok(asset, `the demo Dandiset has ${name}`);
    return asset;
  };
  return { streamed: find('ophys.nwb'), downloaded: find('icephys.nwb') };
}

/** What tinyproxy forwarded since `offset`: `GET http://host/...` and `CONNECT host:port` lines. */
function proxiedSince(proxy: ProxyInfo, offset: number): string[] {
  const text = readFileSync(proxy.logFile, 'utf8').slice(offset);
  return [...text.matchAll(/Request \(file descriptor \d+\): (\S+ \S+) HTTP/g)].map(m => m[1] as string);
}

async function setting(section: string, key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
}

describe('network: proxies and HTTPS (VS Code)', function () {
  this.timeout(180_000);
  const env = (name: string): string | undefined => process.env[name];
  const plain = env('DANDI_TEST_ARCHIVE')
    ? (JSON.parse(env('DANDI_TEST_ARCHIVE') as string) as ArchiveInfo)
    : undefined;
  const secure = env('DANDI_TEST_HTTPS_ARCHIVE')
    ? (JSON.parse(env('DANDI_TEST_HTTPS_ARCHIVE') as string) as ArchiveInfo)
    : undefined;
  const proxy = env('DANDI_TEST_PROXY')
    ? (JSON.parse(env('DANDI_TEST_PROXY') as string) as ProxyInfo)
    : undefined;
  const workspace = env('DANDI_TEST_WORKSPACE') ?? '';
  let browse: BrowseContext;
  let viewer: NwbEditorProvider;
  // Every open reads from the network: no file kept open after an earlier test closed it.
  const suite = useViewer({ closeKeptFiles: true });
  const files = new Map<ArchiveInfo, Files>();

  before(async function () {
    // run.mjs always provides all three; without them (another runner) there is nothing to test against.
    if (!plain || !secure || !proxy || !workspace) this.skip();
    const api = (await vscode.extensions
      .getExtension<ExtensionApi>(EXTENSION_ID)
      ?.activate()) as ExtensionApi;
    browse = api.browse;
    viewer = suite.provider;
    // Read before any proxy is set: the test's own requests go straight to the archives.
    files.set(plain, await demoFiles(plain));
    files.set(secure, await demoFiles(secure));
    // Every open must reach the network, not the persistent metadata cache of an earlier test.
    await setting('dandi', 'hdf5.metadataCacheSizeMB', 0);
  });

  afterEach(async () => {
    await setting('http', 'proxy', undefined);
    await setting('http', 'noProxy', undefined);
    if (plain) await useArchive(plain);
    for (const archive of [plain, secure])
      if (archive) await control(archive, 'reset').catch(() => undefined);
  });

  after(async () => {
    if (plain) await setting('dandi', 'hdf5.metadataCacheSizeMB', undefined);
    await Promise.all([...direct.values()].map(agent => agent.close()));
  });

  /** Points the extension at `archive` and waits for the new client. */
  async function useArchive(archive: ArchiveInfo): Promise<void> {
    if (browse.session.instance.apiUrl === archive.apiUrl) return;
    await setting('dandi', 'apiUrl', archive.apiUrl);
    assert.equal(browse.session.instance.apiUrl, archive.apiUrl);
    await browse.session.ready;
  }

  /** The root of the tree, fetched again. */
  async function rootChildren(): Promise<TreeElement[]> {
    browse.explorer.provider.refresh();
    return browse.explorer.provider.getChildren();
  }

  /** The viewer panel of `uri`, once the editor has made it (re-checked on each provider change, no polling). */
  function panelFor(uri: vscode.Uri): Promise<ViewerPanel> {
    const find = (): ViewerPanel | undefined =>
      viewer.panels.find(p => p.document.uri.toString() === uri.toString());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`no viewer panel for ${uri.toString(true)}`));
      }, 60_000);
      const check = (): void => {
        const panel = find();
        if (!panel) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(panel);
      };
      const sub = viewer.onDidChange(check);
      check();
    });
  }

  const describeElement = (e: TreeElement | undefined): string =>
    e?.kind === 'message' ? `${e.text} ${e.detail ?? ''}` : String(e?.kind);

  /** Browse, stream an NWB file and download one with verification, against whatever is configured. */
  async function browseStreamDownload(archive: ArchiveInfo): Promise<void> {
    const { streamed, downloaded } = files.get(archive) as Files;
    const root = await rootChildren();
    assert.equal(root[0]?.kind, 'dandiset', `the tree lists Dandisets, not: ${describeElement(root[0])}`);

    const uri = vscode.Uri.parse(
      formatAssetUri({
        apiUrl: archive.apiUrl,
        assetId: streamed.asset_id,
        path: streamed.path,
        dandisetId: archive.ids.nwbDemo,
        version: 'draft',
        size: streamed.size,
      }),
    );
    await vscode.commands.executeCommand('vscode.openWith', uri, ViewTypes.nwbViewer);
    const panel = await panelFor(uri);
    const init = await recorderOf(panel).request('init', { protocol: PROTOCOL_VERSION });
    assert.equal(init.file.size, streamed.size);
    const overview = await recorderOf(panel).request('nwb/overview', {});
    assert.equal(overview.nwbVersion, '2.7.0');
    assert.ok(overview.sections.length > 0, 'the file structure was read');
    assert.ok(panel.document.stats().requests > 0, 'the file was read over the network');

    const destination = join(workspace, `dl-network-${Date.now()}`);
    const summary = await vscode.commands.executeCommand<DownloadSummary | undefined>(
      Commands.downloadReference,
      `${archive.apiUrl}/assets/${downloaded.asset_id}/download/`,
      { destination, existing: 'overwrite' },
    );
    assert.deepEqual(summary?.failed, [], JSON.stringify(summary?.failed));
    assert.deepEqual(summary?.downloaded, [downloaded.path]);
    const target = join(destination, downloaded.path.split('/').at(-1) as string);
    assert.equal(dandiEtag(await readFile(target)), downloaded.metadata?.digest?.['dandi:dandi-etag']);
    await rm(destination, { recursive: true, force: true });
  }

  /**
   * Runs `work` with the extension behind the proxy while the archive serves only the proxy, then
   * checks that the archive saw every request come from the proxy and the proxy forwarded them.
   */
  async function throughProxy(
    archive: ArchiveInfo,
    work: () => Promise<void>,
  ): Promise<{ log: LogEntry[]; proxied: string[] }> {
    const p = proxy as ProxyInfo;
    await useArchive(archive);
    await setting('http', 'proxy', p.url);
    await control(archive, 'allowed-clients', { addresses: [p.outgoingAddress] });
    await control(archive, 'clear-log');
    const offset = statSync(p.logFile).size;
    await work();
    const log = await requestLog(archive);
    const direct = log.filter(e => e.client !== p.outgoingAddress);
    assert.deepEqual(
      direct.map(e => `${e.origin} ${e.url} ${e.status} from ${e.client}`),
      [],
      'no request bypassed the proxy',
    );
    assert.ok(
      log.some(e => e.origin === 'api') && log.some(e => e.origin === 'blob'),
      'both the API and the blob host were reached',
    );
    return { log, proxied: proxiedSince(p, offset) };
  }

  it('browses, streams an NWB file and downloads through the proxy (http.proxy)', async () => {
    const archive = plain as ArchiveInfo;
    const { proxied } = await throughProxy(archive, () => browseStreamDownload(archive));
    const api = new URL(archive.apiUrl).host;
    const blobs = new URL(archive.blobOrigin).host;
    assert.ok(
      proxied.some(r => r.startsWith(`GET http://${api}/api/`)),
      `the proxy forwarded API requests: ${proxied.slice(0, 5).join(', ')}`,
    );
    assert.ok(
      proxied.some(r => r.includes(`http://${blobs}/blobs/`)),
      'the proxy forwarded blob requests',
    );
  });

  it('fails when a request bypasses the proxy (http.noProxy), since the archive serves only the proxy', async () => {
    const archive = plain as ArchiveInfo;
    const p = proxy as ProxyInfo;
    await useArchive(archive);
    await setting('http', 'proxy', p.url);
    await setting('http', 'noProxy', ['127.0.0.1']);
    await control(archive, 'allowed-clients', { addresses: [p.outgoingAddress] });
    await control(archive, 'clear-log');
    const root = await rootChildren();
    assert.equal(root[0]?.kind, 'message', 'the tree shows the refusal instead of Dandisets');
    const log = await requestLog(archive);
    assert.ok(
      log.length > 0 && log.every(e => e.status === 403 && e.client === '127.0.0.1'),
      JSON.stringify(log),
    );
  });

  it('browses, streams an NWB file and downloads over HTTPS (CA from NODE_EXTRA_CA_CERTS)', async () => {
    const archive = secure as ArchiveInfo;
    assert.match(archive.apiUrl, /^https:/);
    assert.equal(process.env.NODE_EXTRA_CA_CERTS, archive.caFile);
    await useArchive(archive);
    await control(archive, 'clear-log');
    await browseStreamDownload(archive);
    const log = await requestLog(archive);
    assert.ok(
      log.some(e => e.origin === 'blob' && e.status === 206),
      'ranged reads from the HTTPS blob host',
    );
  });

  it('browses, streams an NWB file and downloads over HTTPS through the proxy (CONNECT)', async () => {
    const archive = secure as ArchiveInfo;
    const { proxied } = await throughProxy(archive, () => browseStreamDownload(archive));
    const api = new URL(archive.apiUrl).host;
    const blobs = new URL(archive.blobOrigin).host;
    assert.ok(proxied.includes(`CONNECT ${api}`), `tunnels to the API: ${proxied.slice(0, 5).join(', ')}`);
    assert.ok(proxied.includes(`CONNECT ${blobs}`), 'tunnels to the blob host');
    assert.ok(!proxied.some(r => r.startsWith('GET ')), 'nothing in clear text');
  });

  describe('a certificate nobody trusts', () => {
    /** A TLS server on localhost whose CA was made just now and given to no one; it counts its requests. */
    let untrusted: TestCertificate;
    let server: Server;
    let host: string;
    let served = 0;
    before(async () => {
      untrusted = await makeTestCertificate('A CA nobody was given');
      server = createServer({ cert: untrusted.cert, key: untrusted.key }, (_req, res) => {
        served++;
        // A final answer (no retries): what matters is that the request arrived.
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found."}');
      });
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      host = `localhost:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server?.close();
      server?.closeAllConnections();
      await untrusted?.remove();
    });
    afterEach(() => setting('http', 'proxyStrictSSL', undefined));

    it('says which host has a certificate this machine does not trust', async () => {
      await setting('dandi', 'apiUrl', `https://${host}/api`);
      await browse.session.ready;
      const root = await rootChildren();
      const shown = describeElement(root[0]);
      assert.equal(root[0]?.kind, 'message', shown);
      assert.match(shown, new RegExp(host.replace('.', '\\.')), 'the error names the host');
      assert.match(shown, /certificate/i, `the error says the certificate is the problem: ${shown}`);
      assert.equal(served, 0, 'not a single request crossed the refused connection');
    });

    it('reaches that host when http.proxyStrictSSL is off', async () => {
      await setting('dandi', 'apiUrl', `https://${host}/api`);
      await setting('http', 'proxyStrictSSL', false);
      await browse.session.ready;
      const root = await rootChildren();
      assert.ok(served > 0, `the server was reached (tree: ${describeElement(root[0])})`);
      assert.doesNotMatch(describeElement(root[0]), /certificate/i);
    });
  });
});
