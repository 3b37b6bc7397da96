// Installs the VS Code this project tests in: code-server (a full VS Code 1.100.3 from the npm
// registry) plus Debian's Chromium to render its workbench. @vscode/test-electron cannot
// download VS Code on our machines; see ../shared/docs/vscode-host.md for why each step exists.
//
//   node test/vscode/install.mjs      install once (2-3 minutes), then a stamp makes it instant
//
// The result is cached under .vscode-test/code-server-<version>/; the stamp records the Node ABI
// because the rebuilt native modules only load in the Node they were built for.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const installDir = join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const CHROMIUM = '/usr/bin/chromium';

const stampFile = join(installDir, '.installed.json');
const vscodeDir = join(installDir, 'node_modules', 'code-server', 'lib', 'vscode');
/** Path of code-server's entry point once installed. */
export const codeServerEntry = join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Debian packages for running: Chromium renders the workbench. */
const RUNTIME_PACKAGES = [{ name: 'chromium', needed: () => !existsSync(CHROMIUM) }];
/** Debian packages for installing: kerberos needs libkrb5-dev; rg replaces the download. */
const INSTALL_PACKAGES = [
  { name: 'ripgrep', needed: () => !existsSync('/usr/bin/rg') },
  { name: 'libkrb5-dev', needed: () => !dpkgInstalled('libkrb5-dev') },
  // node-gyp needs a compiler and Python to rebuild the native modules (slim images lack them).
  { name: 'g++', needed: () => !onPath('g++') },
  { name: 'make', needed: () => !onPath('make') },
  { name: 'python3', needed: () => !onPath('python3') },
];

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}
function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const log = msg => console.log(`[vscode-install] ${msg}`);

/** Runs a command, streaming its output with a prefix; rejects with the command and its exit code. */
function run(cmd, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    log(`$ ${cmd} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
    const child = spawn(cmd, args, {
      ...options,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const onData = chunk => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      if (process.env.DANDI_INSTALL_VERBOSE) process.stdout.write(text);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', code =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}; last output:\n${tail}`)),
    );
  });
}

/** Installs missing Debian packages (root only); otherwise says exactly what to install. */
export async function ensureAptPackages(packages) {
  const missing = packages.filter(p => p.needed()).map(p => p.name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(
      `Missing system packages: ${missing.join(' ')}. Install them with\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n` +
        `(this script installs them itself only when it runs as root on Debian/Ubuntu).`,
    );
  }
  const started = Date.now();
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt run (another test harness, unattended upgrades) may hold the dpkg lock: wait for it.
  const waitForLock = ['-o', 'DPkg::Lock::Timeout=600'];
  await run('apt-get', [...waitForLock, 'update'], { env });
  await run('apt-get', [...waitForLock, 'install', '-y', ...missing], { env });
  log(`apt packages installed (${missing.join(', ')}) in ${seconds(started)}`);
}

/**
 * Environment for npm: node-pty's install script calls `npx node-gyp` (needs yes), and node-gyp
 * uses the headers of the running Node when they are installed beside it instead of downloading.
 */
function npmEnv() {
  const env = {
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  return env;
}

function stampMatches() {
  if (!existsSync(stampFile) || !existsSync(codeServerEntry)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    return stamp.version === CODE_SERVER_VERSION && stamp.modules === process.versions.modules;
  } catch {
    return false;
  }
}

/**
 * Ensures code-server (and, for the tests, Chromium) is installed; returns code-server's entry
 * script. `npm start` passes `withBrowser: false`: a person opens the URL in their own browser.
 */
export async function ensureCodeServer({ withBrowser = true } = {}) {
  const runtime = withBrowser ? RUNTIME_PACKAGES : [];
  if (stampMatches()) {
    await ensureAptPackages(runtime);
    return codeServerEntry;
  }
  await ensureAptPackages([...runtime, ...INSTALL_PACKAGES]);

  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} (once; takes a few minutes)`);
  // A half-finished install (no stamp) is unusable: start over.
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(
    join(installDir, 'package.json'),
    JSON.stringify({ name: 'vscode-test-host', private: true }, null, 2),
  );
  const env = npmEnv();

  await run(
    'npm',
    [
      'install',
      '--prefix',
      installDir,
      `code-server@${CODE_SERVER_VERSION}`,
      '--ignore-scripts',
      '--no-save',
    ],
    { env },
  );
  await run('npm', ['install', '--omit=dev', '--ignore-scripts'], { cwd: vscodeDir, env });
  await run(
    'npm',
    [
      'rebuild',
      'kerberos',
      'node-pty',
      '@vscode/spdlog',
      'native-watchdog',
      '@parcel/watcher',
      '@vscode/deviceid',
    ],
    { cwd: vscodeDir, env },
  );
  // @vscode/ripgrep's postinstall would download rg from GitHub; Debian's is the same tool.
  const rgTarget = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  mkdirSync(dirname(rgTarget), { recursive: true });
  copyFileSync('/usr/bin/rg', rgTarget);
  chmodSync(rgTarget, 0o755);
  // The server loads modules through node_modules.asar, which only exists in packaged builds.
  const asar = join(vscodeDir, 'node_modules.asar');
  rmSync(asar, { force: true });
  symlinkSync('node_modules', asar);
  await run('npm', ['install', '--omit=dev', '--ignore-scripts'], {
    cwd: join(vscodeDir, 'extensions'),
    env,
  });
  await run('npm', ['rebuild', 'argon2'], { cwd: installDir, env });

  writeFileSync(
    stampFile,
    JSON.stringify(
      {
        version: CODE_SERVER_VERSION,
        modules: process.versions.modules,
        node: process.version,
        installedAt: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
  log(`code-server installed in ${seconds(started)}`);
  return codeServerEntry;
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    entry => log(`ready: ${entry}`),
    err => {
      console.error(`[vscode-install] FAILED: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
