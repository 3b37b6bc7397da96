/**
 * The view registries: every ViewKind has one entry on each side (src/nwb/viewRegistry.ts and
 * media/viewer/views/registry.ts), every request has one handler, and views are chosen for real
 * files exactly as before the registry (viewResolution.golden.json was recorded from the former
 * type table + refine() chain over every object of these files).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type * as TypeScript from 'typescript';
import { dataHandlers, viewHandlers } from '../../../src/nwb/service';
import { VIEWS } from '../../../src/nwb/viewRegistry';
import { resolveView } from '../../../src/nwb/views';
import { VIEW_KINDS, type HostMethods } from '../../../src/shared/protocol';
import { ensureGeneratedNwb } from '../../fixtures/nwbgen/index';
import golden from './viewResolution.golden.json';
import { fixture, openNwb } from './helpers';

/** Every request of the protocol; the compiler refuses this record when a method is missing or unknown. */
const PROTOCOL_METHODS: Record<keyof HostMethods, true> = {
  init: true,
  'nwb/overview': true,
  'h5/children': true,
  'h5/attributes': true,
  'h5/walk': true,
  'h5/datasetInfo': true,
  inspect: true,
  'view/resolve': true,
  'series/info': true,
  'series/window': true,
  'series/refine': true,
  'image/frame': true,
  rois: true,
  'table/info': true,
  'table/rows': true,
  'units/raster': true,
  'units/waveform': true,
  intervals: true,
  'psth/options': true,
  'psth/units': true,
  psth: true,
  'icephys/sweeps': true,
  'spatial/trajectory': true,
  'depth/layout': true,
  events: true,
  'dataset/slice': true,
  'snippet/python': true,
  'export/csv': true,
  'export/png': true,
  'clipboard/write': true,
  'file/download': true,
  'video/show': true,
  'video/openExternal': true,
  'notebook/open': true,
  spikeEvents: true,
  clustering: true,
  clusterWaveforms: true,
  features: true,
};

/** Requests the editor answers itself (they need VS Code). */
const EDITOR_METHODS = [
  'init',
  'export/png',
  'clipboard/write',
  'file/download',
  'video/show',
  'video/openExternal',
  'notebook/open',
];

/** The property names of the object literal assigned to `name` in a TypeScript source file. */
function objectKeys(file: string, name: string): string[] {
  // Loaded at run time, not bundled: the compiler is large and only this test reads source.
  const ts = createRequire(__filename)('typescript') as typeof TypeScript;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  let keys: string[] | null = null;
  const visit = (node: TypeScript.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === name &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      keys = node.initializer.properties.map(p => p.name?.getText(source) ?? '?');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!keys) throw new Error(`no object literal ${name} in ${file}`);
  return keys;
}

const sorted = (list: readonly string[]): string[] => [...list].sort();
/** Views offered beside an object's own view, never in its place (trial-aligned spikes on units and intervals). */
const ALTERNATIVE_ONLY: readonly string[] = ['psth', 'align', 'channelHeatmap'];

describe('view registries', function () {
  this.timeout(120_000);

  it('gives every ViewKind exactly one entry on the host side', () => {
    assert.deepEqual(sorted(Object.keys(VIEWS)), sorted(VIEW_KINDS));
  });

  it('gives every ViewKind exactly one entry on the webview side', () => {
    const keys = objectKeys(resolve(process.cwd(), 'media', 'viewer', 'views', 'registry.ts'), 'RENDERERS');
    assert.deepEqual(sorted(keys), sorted(VIEW_KINDS));
  });

  it('answers every request of the protocol once: in a view entry, in the service, or in the editor', async () => {
    const byViews = [...viewHandlers().keys()];
    assert.equal(new Set(byViews).size, byViews.length);
    const nwb = await openNwb((await ensureGeneratedNwb()).files.ecephys);
    try {
      const answered = [
        ...Object.keys(dataHandlers(nwb, { kind: 'local', path: '/x.nwb' })),
        ...EDITOR_METHODS,
      ];
      assert.deepEqual(sorted(answered), sorted(Object.keys(PROTOCOL_METHODS)));
      for (const method of byViews) assert.ok(answered.includes(method), method);
    } finally {
      await nwb.close();
    }
  });

  it('chooses the same views, in the same order, for real files as before the registry', async () => {
    const cases = golden as Record<string, Record<string, string[]>>;
    const kinds = new Set<string>();
    for (const [name, objects] of Object.entries(cases)) {
      const nwb = await openNwb(fixture(name));
      try {
        for (const [path, expected] of Object.entries(objects)) {
          const r = await resolveView(nwb, path);
          assert.deepEqual([r.view, ...r.alternatives], expected, `${name} ${path}`);
          kinds.add(r.view);
          for (const alternative of r.alternatives)
            if (ALTERNATIVE_ONLY.includes(alternative)) kinds.add(alternative);
        }
      } finally {
        await nwb.close();
      }
    }
    // The sample covers every view as a default choice (or as an alternative, for views never the default).
    assert.deepEqual(sorted([...kinds]), sorted(VIEW_KINDS));
  });
});
