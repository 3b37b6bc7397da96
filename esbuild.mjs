// One build script for every bundle: the extension host, the HDF5 worker, the webviews, the
// tests, the command-line tools and the benchmarks.
//   node esbuild.mjs                 build everything (development: source maps)
//   node esbuild.mjs --production    minified, no source maps (what the .vsix ships)
//   node esbuild.mjs --watch         rebuild on change
//   node esbuild.mjs --only=a,b      only these groups: extension, webview, tests, tools, bench
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyArg = args.find(a => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
// --filter=text keeps only test/bench/tool entry points whose path contains text (faster, and
// unaffected by unrelated files while they are being written).
const filterArg = args.find(a => a.startsWith('--filter='));
const filter = filterArg ? filterArg.slice('--filter='.length) : null;

/** Files under `dir` whose name matches `pattern`, as relative paths (esbuild entry points). */
function find(dir, pattern) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...find(full, pattern));
    else if (pattern.test(name)) out.push(relative('.', full));
  }
  return out.sort();
}
const existing = (...files) => files.filter(f => existsSync(f));

const common = {
  bundle: true,
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

// h5wasm's builds read `import.meta.url` at start-up. A plain CommonJS bundle builds without a
// warning and then fails at load ("createRequire ... Received undefined"), so every Node bundle
// gets a real file URL for it (see house-style.md, "h5wasm in a CJS host bundle").
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  external: ['vscode'],
};
// Tools, tests and benchmarks drive real browsers and servers; those packages stay in node_modules.
const nodeDev = {
  ...node,
  external: ['vscode', 'mocha', 'playwright-core', 'esbuild', '@vscode/test-electron'],
};

const groups = {
  extension: [
    { ...node, entryPoints: existing('src/extension.ts'), outfile: 'dist/extension.js' },
    { ...node, entryPoints: existing('src/hdf5/worker.ts'), outfile: 'dist/hdf5Worker.js' },
    { ...node, entryPoints: existing('src/zarr/worker.ts'), outfile: 'dist/zarrWorker.js' },
    { ...node, entryPoints: existing('src/download/hashWorker.ts'), outfile: 'dist/downloadHashWorker.js' },
  ],
  webview: [
    {
      ...common,
      entryPoints: existing(
        'media/viewer/main.ts',
        'media/details/main.ts',
        'media/ome/main.ts',
        'media/video/main.ts',
      ).map(f => ({
        in: f,
        out: f.split('/')[1],
      })),
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      // A webview cannot load separate map files.
      sourcemap: production ? false : 'inline',
      loader: { '.ttf': 'file', '.woff2': 'file' },
    },
  ],
  tests: [
    {
      ...nodeDev,
      entryPoints: [
        ...find('test/unit', /\.test\.ts$/),
        ...find('test/integration', /\.test\.ts$/),
        ...find('test/e2e', /\.ts$/),
        ...existing('test/suite/index.ts'),
      ],
      outdir: 'dist/test',
      outbase: 'test',
    },
  ],
  tools: [{ ...nodeDev, entryPoints: find('scripts', /\.ts$/), outdir: 'dist/tools', outbase: 'scripts' }],
  bench: [{ ...nodeDev, entryPoints: find('bench', /\.bench\.ts$/), outdir: 'dist/bench', outbase: 'bench' }],
};

const configs = Object.entries(groups)
  .filter(([name]) => !only || only.has(name))
  .flatMap(([name, list]) =>
    filter && ['tests', 'tools', 'bench'].includes(name)
      ? list.map(c => ({ ...c, entryPoints: c.entryPoints.filter(e => e.includes(filter)) }))
      : list,
  )
  .filter(c => (Array.isArray(c.entryPoints) ? c.entryPoints.length > 0 : true));

// HDF5 filter plugins (h5wasm-plugins side modules) beside the worker, which loads them from there.
// zfp needs `ldexp`, which the worker links in (src/hdf5/zfpLink.ts).
const PLUGINS = [
  'libH5Zblosc.so',
  'libH5Zblosc2.so',
  'libH5Zbshuf.so',
  'libH5Zbz2.so',
  'libH5Zlz4.so',
  'libH5Zlzf.so',
  'libH5Zzfp.so',
  'libH5Zzstd.so',
];
function copyPlugins() {
  const from = 'node_modules/h5wasm-plugins/plugins';
  if (!existsSync(from)) throw new Error('h5wasm-plugins is not installed: run npm install');
  mkdirSync('dist/h5plugins', { recursive: true });
  for (const name of PLUGINS) copyFileSync(join(from, name), join('dist/h5plugins', name));
}
if (!only || only.has('extension')) copyPlugins();

if (watch) {
  for (const config of configs) {
    const ctx = await esbuild.context(config);
    await ctx.watch();
  }
  console.log('[watch] build started');
} else {
  await Promise.all(configs.map(config => esbuild.build(config)));
}
