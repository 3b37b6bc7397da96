/**
 * The generated table of millions of rows (events.nwb) as the table view reads it: its size,
 * the rows at both ends and in the middle against the formulas, and a rewrite only when stale.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableInfo, tableRows } from '../../../src/nwb/table';
import { resolveView } from '../../../src/nwb/views';
import {
  ensureGeneratedNwb,
  ensureManyRowsTable,
  MANY_ROWS_DEFAULT,
  MANY_ROWS_TABLE,
  manyRowsCode,
  manyRowsTime,
} from '../../fixtures/nwbgen/index';
import { openNwb } from './helpers';

describe('generated table of millions of rows (events.nwb)', function () {
  this.timeout(120_000);

  it('holds 5,000,000 rows whose last, middle and first rows follow the formulas', async () => {
    const { manyRows } = await ensureGeneratedNwb();
    assert.equal(manyRows.rows, MANY_ROWS_DEFAULT);
    const nwb = await openNwb(manyRows.path);
    try {
      assert.equal((await resolveView(nwb, MANY_ROWS_TABLE)).view, 'table');
      const info = await tableInfo(nwb, MANY_ROWS_TABLE);
      assert.equal(info.rowCount, 5_000_000);
      assert.deepEqual(
        info.columns.map(c => c.name),
        ['time', 'code'],
      );
      for (const start of [0, 2_499_990, 4_999_800]) {
        const page = await tableRows(nwb, MANY_ROWS_TABLE, start, 200);
        assert.equal(page.ids.length, 200);
        page.ids.forEach((id, k) => {
          const i = start + k;
          assert.equal(id, i);
          assert.deepEqual(page.rows[k], [manyRowsTime(i), manyRowsCode(i)]);
        });
      }
      const last = await tableRows(nwb, MANY_ROWS_TABLE, 4_999_999, 200);
      assert.deepEqual([last.ids, last.rows], [[4_999_999], [[2499.9995, 81]]]);
    } finally {
      await nwb.close();
    }
  });

  it('writes a smaller table on request and rewrites only a stale copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nwbgen-many-rows-'));
    try {
      const path = join(dir, 'events.nwb');
      const first = await ensureManyRowsTable(path, 70_000);
      const written = statSync(path).mtimeMs;
      assert.equal((await ensureManyRowsTable(path, 70_000)).size, first.size);
      assert.equal(statSync(path).mtimeMs, written, 'an up-to-date file is not rewritten');
      const nwb = await openNwb(path);
      try {
        assert.equal((await tableInfo(nwb, MANY_ROWS_TABLE)).rowCount, 70_000);
      } finally {
        await nwb.close();
      }
      await ensureManyRowsTable(path, 1000);
      const small = await openNwb(path);
      try {
        assert.equal((await tableInfo(small, MANY_ROWS_TABLE)).rowCount, 1000);
      } finally {
        await small.close();
      }
      await assert.rejects(ensureManyRowsTable(path, 0), /positive integer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
