/**
 * What the .vsix would contain, as `vsce ls` reports it from .vscodeignore: only the built
 * extension, its worker and webviews, the icons and the manifest/readme files. No sources, tests,
 * node_modules or source maps, and nothing package.json refers to is left out.
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

const ALLOWED: RegExp[] = [
  /^dist\/extension\.js$/,
  /^dist\/hdf5Worker\.js$/,
  /^dist\/downloadHashWorker\.js$/,
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
    const built = ['dist/extension.js', 'dist/hdf5Worker.js', 'dist/downloadHashWorker.js'].filter(f => !fs.existsSync(path.join(root, f)));
    assert.deepEqual(built, [], `build first (node esbuild.mjs): missing ${built.join(', ')}`);
    const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, `vsce ls failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
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
    const offences = files.flatMap(file => FORBIDDEN.filter(f => f.pattern.test(file)).map(f => `${file} (${f.why})`));
    assert.deepEqual(offences, []);
  });

  it('ships the entry point, the HDF5 and hash workers and every file package.json refers to', () => {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.ok(typeof manifest === 'object' && manifest !== null);
    const referenced = new Set<string>(['package.json', 'README.md', 'dist/extension.js', 'dist/hdf5Worker.js', 'dist/downloadHashWorker.js']);
    // Every relative file path in the manifest (main, icons of containers and views, ...).
    const visit = (value: unknown): void => {
      if (typeof value === 'string' && /^(\.\/)?(dist|media)\/[\w./-]+\.\w+$/.test(value)) referenced.add(value.replace(/^\.\//, ''));
      else if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
    };
    visit(manifest);
    const missing = [...referenced].filter(file => !files.includes(file));
    assert.deepEqual(missing, [], `referenced but not packaged: ${missing.join(', ')}`);
  });

  it('ships the webview bundles', () => {
    assert.ok(
      files.some(file => /^dist\/webview\/.+\.js$/.test(file)),
      `no dist/webview/*.js in the package (listed: ${files.join(', ')})`,
    );
  });
});
