/**
 * What the .vsix would contain, as `vsce ls` reports it from .vscodeignore: only the built
 * extension, its worker and webviews, the icons and the manifest/readme files. No sources, tests,
 * node_modules or source maps, and nothing package.json refers to is left out. And what the
 * Marketplace needs: the licence package.json names, a changelog, a PNG icon, the repository, and
 * an extension kind that runs it beside the workspace's disk.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: this bundle runs from dist/test/unit/meta/. */
function findRepoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'esbuild.mjs'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The package.json fields these checks read. */
interface Manifest {
  version: string;
  license?: string;
  icon?: string;
  repository?: { url?: string };
  extensionKind?: string[];
  scripts: { package: string };
}

function readManifest(root: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

const ALLOWED: RegExp[] = [
  /^dist\/extension\.js$/,
  /^dist\/hdf5Worker\.js$/,
  /^dist\/downloadHashWorker\.js$/,
  /^dist\/zarrWorker\.js$/,
  /^dist\/h5plugins\/libH5Z\w+\.so$/,
  /^dist\/webview\/[^/].*$/,
  /^media\/icons\/[^/].*$/,
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE(\.md|\.txt)?$/,
];

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /\.map$/, why: 'source map' },
  { pattern: /(^|\/)node_modules\//, why: 'node_modules (the bundles contain their dependencies)' },
  { pattern: /^src\//, why: 'TypeScript sources' },
  { pattern: /^(test|dist\/test)\//, why: 'tests' },
  { pattern: /\.ts$/, why: 'TypeScript source' },
];

describe('.vsix contents (vsce ls)', function () {
  // vsce loads its whole dependency tree before listing.
  this.timeout(120_000);
  const root = findRepoRoot();
  let files: string[];

  before(function () {
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    assert.ok(fs.existsSync(vsce), `${vsce} is missing (npm ci)`);
    const built = ['dist/extension.js', 'dist/hdf5Worker.js', 'dist/downloadHashWorker.js'].filter(
      f => !fs.existsSync(path.join(root, f)),
    );
    assert.deepEqual(built, [], `build first (node esbuild.mjs): missing ${built.join(', ')}`);
    const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(
      result.status,
      0,
      `vsce ls failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
    );
    files = result.stdout
      .split('\n')
      .map(line => line.trim())
      .filter(line => line.length > 0);
  });

  it('lists only allowlisted files', () => {
    const unexpected = files.filter(file => !ALLOWED.some(pattern => pattern.test(file)));
    assert.deepEqual(unexpected, [], `files that must not ship: ${unexpected.join(', ')}`);
  });

  it('ships no sources, tests, node_modules or source maps', () => {
    const offences = files.flatMap(file =>
      FORBIDDEN.filter(f => f.pattern.test(file)).map(f => `${file} (${f.why})`),
    );
    assert.deepEqual(offences, []);
  });

  it('ships the entry point, the HDF5 and hash workers and every file package.json refers to', () => {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.ok(typeof manifest === 'object' && manifest !== null);
    const referenced = new Set<string>([
      'package.json',
      'README.md',
      'dist/extension.js',
      'dist/hdf5Worker.js',
      'dist/downloadHashWorker.js',
    ]);
    // Every relative file path in the manifest (main, icons of containers and views, ...).
    const visit = (value: unknown): void => {
      if (typeof value === 'string' && /^(\.\/)?(dist|media)\/[\w./-]+\.\w+$/.test(value))
        referenced.add(value.replace(/^\.\//, ''));
      else if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
    };
    visit(manifest);
    const missing = [...referenced].filter(file => !files.includes(file));
    assert.deepEqual(missing, [], `referenced but not packaged: ${missing.join(', ')}`);
  });

  it('ships the licence, the changelog and a 128×128 PNG icon for the Marketplace', () => {
    for (const file of ['LICENSE', 'CHANGELOG.md'])
      assert.ok(files.includes(file), `${file} is not packaged`);
    const manifest = readManifest(root);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(
      fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0, January 2004/,
    );
    assert.match(
      fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
      new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'),
    );
    assert.ok(
      typeof manifest.icon === 'string' && manifest.icon.endsWith('.png') && files.includes(manifest.icon),
      `icon ${manifest.icon}`,
    );
    // The IHDR chunk right after the signature holds the width and height.
    const png = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'the icon is a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('names its repository and packages without skipping the licence or repository checks', () => {
    const manifest = readManifest(root);
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/);
    assert.doesNotMatch(manifest.scripts.package, /--skip-license|--allow-missing-repository/);
  });

  it('runs on the workspace side, where downloads and files are (Remote-SSH, WSL, Codespaces)', () => {
    assert.deepEqual(readManifest(root).extensionKind, ['workspace']);
  });

  it('ships the webview bundles', () => {
    assert.ok(
      files.some(file => /^dist\/webview\/.+\.js$/.test(file)),
      `no dist/webview/*.js in the package (listed: ${files.join(', ')})`,
    );
  });
});
