// Debian packages that tests need (libhdf5 through h5py as a reference reader, PyTables' files):
// installed when missing, as root with apt-get, waiting for the dpkg lock, so CI needs no step
// of its own. Elsewhere the error says what to install.
import { spawnSync } from 'node:child_process';

function installed(name: string): boolean {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

function aptGet(args: string[]): boolean {
  const run = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return run.status === 0;
}

/** Installs the named Debian packages that are not installed yet; throws when it cannot. */
export function ensureDebianPackages(names: readonly string[]): void {
  const missing = names.filter(name => !installed(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`missing Debian packages: ${missing.join(' ')} (apt-get install them as root)`);
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (!aptGet(install) && !(aptGet(['update']) && aptGet(install)))
    throw new Error(`apt-get could not install ${missing.join(' ')}`);
}
