/**
 * describeObjects on the generated files (their manifest says what each holds) over the engine's
 * walk (src/hdf5/inspect.ts, as `npm run inspect` prints it): every typed object with its type, each
 * series with shape, unit and time range, each table with its rows; the filters and the bound.
 */
import * as assert from 'node:assert/strict';
import { inspectFile } from '../../../src/hdf5/inspect';
import type { Hdf5File } from '../../../src/hdf5/types';
import { describeObjects, sessionFields, type WalkedNode } from '../../../src/nwb/describe';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { ensureGeneratedNwb, GENERATED_MANIFEST } from '../../fixtures/nwbgen/index';
import { openNwb } from './helpers';

async function walked(nwb: NwbFile): Promise<WalkedNode[]> {
  const report = await inspectFile(nwb.h5 as Hdf5File);
  return report.nodes.map(n => ({
    path: n.path,
    kind: n.kind === 'group' ? 'group' : n.kind === 'dataset' ? 'dataset' : 'link',
    neurodataType: n.neurodataType,
    shape: n.shape,
    dtype: n.dtype,
  }));
}

describe('NWB objects described for tools', function () {
  this.timeout(60_000);
  let nwb: NwbFile & { close(): Promise<void> };
  let nodes: WalkedNode[];
  const expected = GENERATED_MANIFEST.ophys;

  before(async () => {
    nwb = await openNwb((await ensureGeneratedNwb()).files.ophys);
    nodes = await walked(nwb);
  });
  after(() => nwb?.close());

  it('lists the root and every typed object, series with unit and time range, tables with rows', async () => {
    const { objects, matched } = await describeObjects(nwb, nodes, { maxObjects: 1000 });
    assert.equal(objects.length, matched);
    const byPath = new Map(objects.map(o => [o.path, o]));
    assert.equal(byPath.get('/')?.neurodataType, 'NWBFile');
    for (const typed of expected.typedObjects)
      assert.equal(byPath.get(typed.path)?.neurodataType, typed.neurodataType, typed.path);
    assert.ok(expected.series.length > 0);
    for (const series of expected.series) {
      const o = byPath.get(series.path);
      assert.deepEqual([o?.shape, o?.unit], [series.shape, series.unit], series.path);
      const n = series.shape[0] ?? 0;
      const t = series.timing;
      const range =
        t.kind === 'rate'
          ? [t.startingTime, t.startingTime + (n - 1) / t.rate]
          : [t.timestampAt(0), t.timestampAt(n - 1)];
      assert.ok(
        o?.timeRange && o.timeRange.every((v, i) => Math.abs(v - (range[i] ?? NaN)) < 1e-6),
        series.path,
      );
    }
    for (const table of expected.tables)
      assert.equal(byPath.get(table.path)?.rows, table.ids.length, table.path);
    assert.ok(objects.every(o => !o.path.startsWith('/specifications')));
  });

  it('narrows to a subtree, adds untyped datasets on request, and stops at maxObjects', async () => {
    const series = expected.series[0];
    assert.ok(series);
    const under = series.path;
    const sub = await describeObjects(nwb, nodes, { under, maxObjects: 1000 });
    assert.deepEqual(
      sub.objects.map(o => o.path),
      [under],
    );
    const withData = await describeObjects(nwb, nodes, { under, includeDatasets: true, maxObjects: 1000 });
    assert.ok(withData.objects.some(o => o.path === `${under}/data` && o.kind === 'dataset'));
    const cut = await describeObjects(nwb, nodes, { maxObjects: 2 });
    assert.equal(cut.objects.length, 2);
    assert.ok(cut.matched > 2);
  });

  it('reads the session fields', async () => {
    const session = await sessionFields(nwb);
    assert.equal(session.identifier, expected.identifier);
    assert.equal(session.session_description, expected.sessionDescription);
  });
});
