import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A certificate authority and a server certificate for 127.0.0.1 and localhost, made with
 * Debian's openssl when the archive starts with `https`: nothing secret is stored in the
 * repository, and a client trusts the archive only when it is given `caFile` (for example through
 * NODE_EXTRA_CA_CERTS), like a corporate CA. The files live in a temporary folder until `remove()`.
 */
export interface TestCertificate {
  /** PEM of the CA that signed `cert`; the file clients are told to trust. */
  caFile: string;
  ca: string;
  /** The server's certificate and key (PEM). */
  cert: string;
  key: string;
  remove(): Promise<void>;
}

const OPENSSL = '/usr/bin/openssl';
const run = promisify(execFile);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function makeTestCertificate(
  commonName = 'DANDI stand-in archive test CA',
): Promise<TestCertificate> {
  const openssl = existsSync(OPENSSL) ? OPENSSL : 'openssl';
  const dir = await mkdtemp(join(tmpdir(), 'dandi-archive-tls-'));
  const file = (name: string): string => join(dir, name);
  try {
    await run(openssl, [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '30',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run(openssl, [
      'req',
      '-x509',
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      ...EC_KEY,
      '-keyout',
      file('key.pem'),
      '-out',
      file('cert.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(
      `could not make the stand-in archive's TLS certificate with ${openssl} (install Debian's openssl): ${reason}`,
    );
  }
  const [ca, cert, key] = await Promise.all(
    ['ca.pem', 'cert.pem', 'key.pem'].map(name => readFile(file(name), 'utf8')),
  );
  // The CA's own key is only needed to sign once: it must not outlive this call.
  await rm(file('ca.key'), { force: true });
  return {
    caFile: file('ca.pem'),
    ca: ca as string,
    cert: cert as string,
    key: key as string,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
