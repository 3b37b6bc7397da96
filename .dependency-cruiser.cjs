/**
 * The import direction of the extension, checked by `npm run lint` (depcruise src media).
 *
 * Layers, lowest first. A module may import from its own layer and the layers below it, never from
 * one above. Core (everything up to `nwb/download`) runs in plain Node without `vscode`; the
 * eslint config bans that import there. UI and commands → features → core.
 *
 * Within core, `shared` sits above `hdf5`: the webview contract carries HDF5 shapes (H5Entry,
 * DatasetInfo...), so the RPC types build on them, and `nwb` answers in the contract's types.
 */
const LAYERS = [
  { id: 'base', name: 'base helpers', paths: ['^src/util/', '^src/constants\\.ts$'] },
  { id: 'net', name: 'net', paths: ['^src/net/'] },
  { id: 'dandi', name: 'dandi', paths: ['^src/dandi/'] },
  {
    id: 'engines',
    name: 'session and byte-source engines',
    paths: ['^src/session/', '^src/hdf5/', '^src/zarr/', '^src/video/'],
  },
  { id: 'contract', name: 'webview contract', paths: ['^src/shared/'] },
  {
    id: 'nwb-download',
    name: 'nwb, pose and download',
    paths: ['^src/nwb/', '^src/nwbzarr/', '^src/download/', '^src/pose/', '^src/ome/', '^src/notebook/'],
  },
  {
    id: 'features',
    name: 'features (VS Code)',
    paths: ['^src/tree/', '^src/editor/', '^src/services\\.ts$', '^src/references/', '^src/manifest/'],
  },
  {
    id: 'commands',
    name: 'UI and commands',
    paths: ['^src/commands/', '^src/extension\\.ts$', '^src/log\\.ts$', '^src/chat/'],
  },
];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `upward-from-${layer.id}`,
  comment: `${layer.name} may not import from a layer above it (${LAYERS.slice(i + 1)
    .map(l => l.name)
    .join(', ')}).`,
  severity: 'error',
  from: { path: layer.paths },
  to: { path: LAYERS.slice(i + 1).flatMap(l => l.paths) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'folder-cycle',
      comment: 'Folders import each other in a circle (directly or through others); let imports run one way.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src|media)/' },
      to: { circular: true },
    },
    {
      name: 'module-cycle',
      comment: 'Modules import each other in a circle; break it by moving the shared part down.',
      severity: 'error',
      from: { path: '^(src|media)/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'media-outside-shared',
      comment: 'Webviews (media/) may import from src/ only through the shared contract in src/shared/.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'unlayered-src',
      comment: 'Every file in src/ belongs to a layer: add its folder to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^(src|media)/' },
      to: { path: '^src/', pathNot: LAYERS.flatMap(l => l.paths) },
    },
  ],
  options: {
    // `import type` couples the design too: count it as a dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
