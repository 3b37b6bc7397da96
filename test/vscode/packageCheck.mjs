// `npm run package` must produce an installable .vsix: build it, install it into a fresh
// extensions folder with the real VS Code CLI (code-server's --install-extension), and check
// that what runs arrived (the host bundle, the HDF5 worker with h5wasm, the plugins, the webviews)
// with what the Marketplace shows (licence, changelog, PNG icon) and the extension kind.
// The production build replaces dist/; the development build is restored afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerEntry, ensureCodeServer, repoRoot } from './install.mjs';

const REQUIRED = [
  'package.json',
  'dist/extension.js',
  'dist/hdf5Worker.js',
  'dist/zarrWorker.js',
  'dist/downloadHashWorker.js',
  'dist/h5plugins/libH5Zblosc.so',
  'dist/webview/viewer.js',
  'dist/webview/details.js',
];
// vsce stores the licence as LICENSE.txt and lower-cases the changelog's name.
const MARKETPLACE = ['LICENSE.txt', 'changelog.md', 'media/icons/dandi.png'];

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Returns an error message, or undefined when the package installs with everything it needs. */
export async function checkPackage() {
  const vsix = join(repoRoot, 'dist-vsix', 'dandi-vscode.vsix');
  rmSync(vsix, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    const packaged = run(npm, ['run', 'package']);
    if (!packaged.ok || !existsSync(vsix)) return `npm run package failed:\n${packaged.output.slice(-3000)}`;
    await ensureCodeServer({ withBrowser: false });
    const extensionsDir = mkdtempSync(join(tmpdir(), 'dandi-vsix-'));
    try {
      const userDataDir = join(extensionsDir, '.user-data');
      const installed = run(process.execPath, [
        codeServerEntry,
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        userDataDir,
        '--install-extension',
        vsix,
      ]);
      if (!installed.ok) return `installing the .vsix failed:\n${installed.output.slice(-3000)}`;
      const folder = readdirSync(extensionsDir).find(name => name.startsWith('dandi-vscode.dandi-vscode-'));
      if (!folder)
        return `the .vsix installed no dandi-vscode folder (${readdirSync(extensionsDir).join(', ')})`;
      const installedDir = join(extensionsDir, folder);
      const missing = [...REQUIRED, ...MARKETPLACE].filter(file => !existsSync(join(installedDir, file)));
      if (missing.length) return `the installed extension lacks ${missing.join(', ')}`;
      const manifest = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8'));
      if (manifest.icon !== 'media/icons/dandi.png')
        return `the installed package.json names icon ${manifest.icon}`;
      // Downloads and file reads must happen where the workspace's disk is (Remote-SSH, WSL, Codespaces).
      if (JSON.stringify(manifest.extensionKind) !== '["workspace"]')
        return `extensionKind is ${JSON.stringify(manifest.extensionKind)}, not ["workspace"]`;
      return undefined;
    } finally {
      rmSync(extensionsDir, { recursive: true, force: true });
    }
  } finally {
    const restored = run(process.execPath, ['esbuild.mjs']);
    if (!restored.ok) console.error(`restoring the development build failed:\n${restored.output}`);
  }
}
