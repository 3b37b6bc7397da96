/** Tables sorted by a column: the order (numbers, text, NaN last) and rows read at sorted positions. */
import * as assert from 'node:assert/strict';
import { tableRows } from '../../../src/nwb/table';
import { orderOf, orderParam, sortedTableRows } from '../../../src/nwb/tableOrder';
import { ensureGeneratedNwb } from '../../fixtures/nwbgen/index';
import { openNwb } from './helpers';

describe('table order', function () {
  this.timeout(120_000);

  it('sorts numbers numerically with NaN last in either direction, ties by row', () => {
    const cells = [3, Number.NaN, -1, 10, 3, null];
    assert.deepEqual(Array.from(orderOf(cells, false)), [2, 0, 4, 3, 1, 5]);
    assert.deepEqual(Array.from(orderOf(cells, true)), [3, 0, 4, 2, 1, 5]);
  });

  it('sorts text naturally with empty cells last', () => {
    const cells = ['unit10', 'unit2', '', 'Unit1'];
    assert.deepEqual(Array.from(orderOf(cells, false)), [3, 1, 0, 2]);
    assert.deepEqual(Array.from(orderOf(cells, true)), [0, 1, 3, 2]);
  });

  it('refuses a malformed order', () => {
    assert.equal(orderParam(undefined), undefined);
    assert.throws(() => orderParam({ column: 3, descending: true }), /invalid order/);
  });

  it('reads the rows of a sorted page with their table row indices', async () => {
    const nwb = await openNwb((await ensureGeneratedNwb()).files.ecephys);
    try {
      const all = await tableRows(nwb, '/intervals/trials', 0, 500);
      const column = all.columns.indexOf('response_time');
      const expected = all.rows
        .map((cells, row) => ({ row, t: cells[column] as number }))
        .sort((a, b) => b.t - a.t || a.row - b.row);
      const page = await sortedTableRows(nwb, '/intervals/trials', 3, 5, {
        column: 'response_time',
        descending: true,
      });
      assert.deepEqual(
        page.rowIndices,
        expected.slice(3, 8).map(e => e.row),
      );
      assert.deepEqual(
        page.rows.map(cells => cells[page.columns.indexOf('response_time')]),
        expected.slice(3, 8).map(e => e.t),
      );
      assert.deepEqual(
        page.ids,
        expected.slice(3, 8).map(e => all.ids[e.row]),
      );
      await assert.rejects(
        sortedTableRows(nwb, '/units', 0, 5, { column: 'spike_times', descending: false }),
        /ragged cells, which do not sort/,
      );
    } finally {
      await nwb.close();
    }
  });
});
