import * as assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import {
  type HttpConfiguration,
  networkEnvironment,
  redact,
  SYSTEM_CA_BUNDLES,
} from '../../../src/commands/networkEnvironment';
import { makeTestCertificate, type TestCertificate } from '../../archive/tls';

const DEFAULTS: HttpConfiguration = {
  proxy: '',
  proxyStrictSSL: true,
  noProxy: [],
  systemCertificates: false,
};
const http = (changes: Partial<HttpConfiguration>): HttpConfiguration => ({ ...DEFAULTS, ...changes });
const noFiles = (): undefined => undefined;

describe("network settings from VS Code's http.* settings and the environment", () => {
  let corporate: TestCertificate;
  before(async function () {
    this.timeout(20_000);
    corporate = await makeTestCertificate('Corporate proxy CA');
  });
  after(() => corporate?.remove());

  it('takes the proxy from http.proxy before the environment, and http.noProxy always', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: 'internal.example' };
    const { settings, proxySource, problems } = networkEnvironment(
      http({ proxy: 'http://127.0.0.1:8888', noProxy: ['localhost', ' .corp '] }),
      env,
      noFiles,
    );
    assert.deepEqual(settings, {
      proxy: 'http://127.0.0.1:8888',
      noProxy: ['localhost', '.corp'],
      strictSSL: true,
      extraCaCerts: [],
    });
    assert.equal(proxySource, 'http.proxy');
    assert.deepEqual(problems, []);
  });

  it('falls back to HTTPS_PROXY, HTTP_PROXY (either case) and their NO_PROXY', () => {
    const upper = networkEnvironment(
      http({ noProxy: ['a.example'] }),
      { HTTP_PROXY: 'proxy:3128', NO_PROXY: 'b.example, .c.example *' },
      noFiles,
    );
    assert.equal(
      upper.settings.proxy,
      'http://proxy:3128',
      'a bare host:port is an http:// proxy, as curl reads it',
    );
    assert.deepEqual(upper.settings.noProxy, ['a.example', 'b.example', '.c.example', '*']);
    assert.equal(upper.proxySource, 'environment');
    const lower = networkEnvironment(
      DEFAULTS,
      { https_proxy: 'https://secure-proxy:443', http_proxy: 'http://other:1' },
      noFiles,
    );
    assert.equal(lower.settings.proxy, 'https://secure-proxy:443');
    const none = networkEnvironment(DEFAULTS, { NO_PROXY: 'x' }, noFiles);
    assert.deepEqual([none.settings.proxy, none.settings.noProxy, none.proxySource], [undefined, [], 'none']);
  });

  it('turns proxies it cannot use into problems naming the setting, and never prints a password', () => {
    const socks = networkEnvironment(http({ proxy: 'socks5://user:secret@127.0.0.1:1080' }), {}, noFiles);
    assert.equal(socks.settings.proxy, undefined);
    assert.deepEqual(socks.problems, [
      'The setting http.proxy uses socks5, which the DANDI extension cannot use (only http:// and https:// proxies); requests go without a proxy.',
    ]);
    const broken = networkEnvironment(DEFAULTS, { HTTPS_PROXY: 'http://user:secret@[bad' }, noFiles);
    assert.equal(broken.settings.proxy, undefined);
    assert.match(
      broken.problems[0] as string,
      /^The environment variable HTTPS_PROXY\/HTTP_PROXY "http:\/\/user:\*\*\*@\[bad" is not a proxy URL/,
    );
    assert.equal(redact('http://me:p%40ss@proxy:8080'), 'http://me:***@proxy:8080');
  });

  it('passes http.proxyStrictSSL through', () => {
    assert.equal(networkEnvironment(http({ proxyStrictSSL: false }), {}, noFiles).settings.strictSSL, false);
  });

  it("adds, with http.systemCertificates, the system bundle's certificates that Node's roots lack", () => {
    const bundle = `${rootCertificates[0]}\n${corporate.ca}\n${corporate.ca}\n${rootCertificates[1]}\n`;
    const read = (file: string): string | undefined => (file === SYSTEM_CA_BUNDLES[0] ? bundle : undefined);
    assert.deepEqual(
      networkEnvironment(http({ systemCertificates: true }), {}, read).settings.extraCaCerts,
      [corporate.ca.trim()],
      'each certificate once',
    );
    assert.deepEqual(
      networkEnvironment(DEFAULTS, {}, read).settings.extraCaCerts,
      [],
      'http.systemCertificates off',
    );
    assert.deepEqual(
      networkEnvironment(http({ systemCertificates: true }), {}, noFiles).settings.extraCaCerts,
      [],
      'no system bundle: nothing to add',
    );
    const onlySecond = (file: string): string | undefined =>
      file === SYSTEM_CA_BUNDLES[1] ? corporate.ca : undefined;
    assert.deepEqual(
      networkEnvironment(http({ systemCertificates: true }), {}, onlySecond).settings.extraCaCerts,
      [corporate.ca.trim()],
      'the RHEL bundle',
    );
  });

  it('leaves NODE_EXTRA_CA_CERTS to Node, and reads the real system bundle', () => {
    const { settings, problems } = networkEnvironment(http({ systemCertificates: true }), {
      NODE_EXTRA_CA_CERTS: corporate.caFile,
    });
    assert.deepEqual(problems, []);
    assert.ok(
      !settings.extraCaCerts.includes(corporate.ca.trim()),
      'Node has it in its default store already',
    );
    assert.ok(settings.extraCaCerts.every(c => c.startsWith('-----BEGIN CERTIFICATE-----')));
  });

  it('says when NODE_EXTRA_CA_CERTS names a file that does not exist', () => {
    const { problems } = networkEnvironment(DEFAULTS, { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' });
    assert.deepEqual(problems, ['NODE_EXTRA_CA_CERTS: /nonexistent/ca.pem does not exist.']);
  });
});
