/**
 * Proxy and TLS against real parts: Debian's tinyproxy on loopback (installed when missing, see
 * test/support/tinyproxy.ts), an https server with a certificate Node does not trust.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { NetError } from '../../../src/net/errors';
import { httpGet, readText } from '../../../src/net/request';
import { configureNetwork } from '../../../src/net/settings';
import { startTinyproxy, type RunningProxy } from '../../support/tinyproxy';
import { serve, TEST_CERTIFICATE, type TestServer } from './helpers';

describe('net: proxy and TLS', function () {
  this.timeout(120_000); // the first run may install tinyproxy
  let proxy: RunningProxy;
  let plain: TestServer;
  let secure: TestServer;

  before(async () => {
    plain = await serve((req, res) => res.end(`plain ${req.url}`));
    secure = await serve((req, res) => res.end(`secure ${req.url}`), { tls: true });
    proxy = await startTinyproxy({ connectPorts: [secure.port] });
  });
  after(async () => {
    configureNetwork({});
    await Promise.all([proxy?.stop(), plain?.close(), secure?.close()]);
  });
  afterEach(() => configureNetwork({}));

  /** Requests the proxy relayed, from its log (it logs each request line, CONNECT included). */
  const relayed = async (needle: string): Promise<boolean> => {
    for (let i = 0; i < 40; i++) {
      if (proxy.log().includes(needle)) return true;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    return false;
  };

  it('sends plain http through the configured proxy', async () => {
    configureNetwork({ proxy: proxy.url });
    const response = await httpGet(`${plain.origin}/via-proxy`);
    assert.equal(await readText(response, 100), 'plain /via-proxy');
    assert.ok(await relayed('/via-proxy'), proxy.log());
    assert.equal(plain.seen.at(-1)?.headers.host, `127.0.0.1:${plain.port}`);
  });

  it('tunnels https with CONNECT, trusting an extra CA certificate', async () => {
    configureNetwork({ proxy: proxy.url, extraCaCerts: [TEST_CERTIFICATE] });
    const response = await httpGet(`${secure.origin}/tunnelled`);
    assert.equal(await readText(response, 100), 'secure /tunnelled');
    assert.ok(await relayed(`CONNECT 127.0.0.1:${secure.port}`), proxy.log());
  });

  it('goes around the proxy for noProxy hosts', async () => {
    configureNetwork({ proxy: proxy.url, noProxy: ['127.0.0.1'] });
    const response = await httpGet(`${plain.origin}/direct`);
    assert.equal(await readText(response, 100), 'plain /direct');
    await new Promise(resolve => setTimeout(resolve, 300));
    assert.ok(!proxy.log().includes('/direct'), 'the proxy saw nothing');
  });

  it('fails through a proxy that is down, naming the proxy route, instead of going direct', async () => {
    configureNetwork({ proxy: 'http://127.0.0.1:9' });
    await assert.rejects(
      httpGet(`${plain.origin}/nowhere`),
      (e: unknown) => e instanceof NetError && e.code === 'connection',
    );
    assert.ok(!plain.seen.some(r => r.url === '/nowhere'));
  });

  it('honours HTTP_PROXY and NO_PROXY from the environment when no proxy is configured', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    try {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = '';
      configureNetwork({});
      assert.equal(await readText(await httpGet(`${plain.origin}/from-env`), 100), 'plain /from-env');
      assert.ok(await relayed('/from-env'), proxy.log());
      process.env.NO_PROXY = '127.0.0.1';
      configureNetwork({});
      assert.equal(await readText(await httpGet(`${plain.origin}/env-bypass`), 100), 'plain /env-bypass');
      await new Promise(resolve => setTimeout(resolve, 300));
      assert.ok(!proxy.log().includes('/env-bypass'));
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      configureNetwork({});
    }
  });

  it('refuses an untrusted certificate with an error naming the host and what to do', async () => {
    for (const settings of [{}, { proxy: proxy.url }]) {
      configureNetwork(settings);
      await assert.rejects(httpGet(`${secure.origin}/untrusted`), (e: unknown) => {
        assert.ok(e instanceof NetError && e.code === 'tls', String(e));
        assert.match(e.message, new RegExp(`certificate of 127\\.0\\.0\\.1:${secure.port} was refused`));
        assert.match(e.message, /NODE_EXTRA_CA_CERTS/);
        assert.match(e.message, /http\.proxyStrictSSL/);
        return true;
      });
    }
  });

  it('accepts any certificate with strictSSL off, and trusts an extra CA directly', async () => {
    configureNetwork({ strictSSL: false });
    assert.equal(await readText(await httpGet(`${secure.origin}/lax`), 100), 'secure /lax');
    configureNetwork({ extraCaCerts: [TEST_CERTIFICATE] });
    assert.equal(await readText(await httpGet(`${secure.origin}/trusted`), 100), 'secure /trusted');
    configureNetwork({});
    await assert.rejects(
      httpGet(`${secure.origin}/again`),
      (e: unknown) => e instanceof NetError && e.code === 'tls',
      'a settings change rebuilds the pools',
    );
  });

  it('keeps NODE_EXTRA_CA_CERTS trusted when extra CA certificates are configured besides it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'net-ca-'));
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    try {
      writeFileSync(join(dir, 'extra.pem'), `${TEST_CERTIFICATE}\n`);
      process.env.NODE_EXTRA_CA_CERTS = join(dir, 'extra.pem');
      // An explicit CA list replaces Node's default store: the layer must carry the file's certificate over.
      configureNetwork({ extraCaCerts: [rootCertificates[0]] });
      assert.equal(await readText(await httpGet(`${secure.origin}/env-ca`), 100), 'secure /env-ca');
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      configureNetwork({});
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
