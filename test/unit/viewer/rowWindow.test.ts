import * as assert from 'node:assert/strict';
import { missingPages, rowWindow, scrollToRow } from '../../../media/viewer/rowWindow';

describe('viewer row windowing', () => {
  it('renders the visible rows plus overscan and keeps the full scroll height', () => {
    const w = rowWindow({ scrollTop: 2200, viewportHeight: 440, rowHeight: 22, rowCount: 1_000_000, overscan: 5 });
    assert.equal(w.first, 95);
    assert.equal(w.end, 100 + 21 + 5);
    assert.equal(w.padTop + (w.end - w.first) * 22 + w.padBottom, 1_000_000 * 22);
  });

  it('clamps at both ends and handles empty tables', () => {
    assert.deepEqual(rowWindow({ scrollTop: 0, viewportHeight: 100, rowHeight: 20, rowCount: 0 }), { first: 0, end: 0, padTop: 0, padBottom: 0 });
    const end = rowWindow({ scrollTop: 1e9, viewportHeight: 100, rowHeight: 20, rowCount: 10, overscan: 2 });
    assert.equal(end.end, 10);
    assert.ok(end.first >= 0 && end.first < 10);
    const top = rowWindow({ scrollTop: -50, viewportHeight: 100, rowHeight: 20, rowCount: 10, overscan: 2 });
    assert.equal(top.first, 0);
  });

  it('lists only pages that are not loaded', () => {
    assert.deepEqual(missingPages(95, 230, 100, new Set([1])), [0, 2]);
    assert.deepEqual(missingPages(10, 10, 100, new Set()), []);
  });

  it('scrolls just enough to reveal a row', () => {
    assert.equal(scrollToRow(0, 100, 200, 20), 0);
    assert.equal(scrollToRow(20, 100, 200, 20), 220);
    assert.equal(scrollToRow(8, 100, 200, 20), 100);
  });
});
