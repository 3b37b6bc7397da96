// The headless inspector (`npm run inspect`): NWB summary fields, then every object with its type,
// shape, dtype, chunks and filters, in depth-first order.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { formatReport, inspectFile } from '../../../src/hdf5/inspect';
import { FIXTURES, open, walk } from './helpers';

describe('hdf5 inspector', function () {
  this.timeout(30_000);

  it('reports the summary and every object of a real file, as text and as data', async () => {
    const file = await open({ kind: 'local', path: join(FIXTURES, 'nwbexplorer__test_Units.nwb') });
    try {
      const report = await inspectFile(file);
      const tree = await walk(file);
      assert.deepEqual(
        report.nodes.map(n => n.path),
        tree.entries.map(e => e.path),
      );
      assert.equal(report.truncated, undefined);
      const units = report.nodes.find(n => n.path === '/acquisition/UnitsTest');
      assert.equal(units?.neurodataType, 'Units');
      assert.equal(units?.namespace, 'core');
      const spikes = report.nodes.find(n => n.path === '/acquisition/UnitsTest/spike_times');
      assert.deepEqual(
        [spikes?.kind, spikes?.shape, spikes?.dtype, spikes?.neurodataType],
        ['dataset', [6], 'float64', 'VectorData'],
      );
      assert.equal(report.summary.identifier, 'TEST_Units');
      const text = formatReport(report);
      assert.match(text, /^.*nwbexplorer__test_Units\.nwb \(19304 bytes\)/);
      assert.match(
        text,
        /\n {2}UnitsTest\/ {2}<core\.Units>\n {4}id {2}<core\.ElementIdentifiers> {2}int64 \[2\]/,
      );
      assert.equal(text.split('\n').length, 1 + Object.keys(report.summary).length + 1 + report.nodes.length);
    } finally {
      await file.close();
    }
  });
});
