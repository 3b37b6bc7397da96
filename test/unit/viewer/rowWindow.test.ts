import * as assert from 'node:assert/strict';
import {
  isNavigationKey,
  isScaled,
  MAX_SCROLL_HEIGHT,
  missingPages,
  navigate,
  rowTop,
  rowWindow,
  scrollSpace,
  scrollToRow,
  scrollTopFor,
  virtualTopFor,
} from '../../../media/viewer/rowWindow';

describe('viewer row windowing', () => {
  it('renders the visible rows plus overscan and keeps the full scroll height', () => {
    const w = rowWindow({
      scrollTop: 2200,
      viewportHeight: 440,
      rowHeight: 22,
      rowCount: 1_000_000,
      overscan: 5,
    });
    assert.equal(w.first, 95);
    assert.equal(w.end, 100 + 21 + 5);
    assert.equal(w.padTop + (w.end - w.first) * 22 + w.padBottom, 1_000_000 * 22);
  });

  it('clamps at both ends and handles empty tables', () => {
    assert.deepEqual(rowWindow({ scrollTop: 0, viewportHeight: 100, rowHeight: 20, rowCount: 0 }), {
      first: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
    });
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

describe('viewer scaled scroll space (tables past the browser height cap)', () => {
  const ROWS = 5_000_000;
  const RH = 24;
  const VIEW = 480; // 20 rows
  const space = scrollSpace(ROWS, RH, VIEW);
  const nativeMax = space.height - VIEW;
  const lastTop = ROWS * RH - VIEW;
  /** The rows drawn fully inside the viewport at a true position. */
  const visible = (top: number): [number, number] => {
    const w = rowWindow({ scrollTop: top, viewportHeight: VIEW, rowHeight: RH, rowCount: ROWS, overscan: 0 });
    return [Math.ceil(top / RH), Math.min(w.end, Math.floor((top + VIEW) / RH))];
  };

  it('caps the native height well under Chromium’s 33.5 M px and keeps small lists true', () => {
    assert.equal(space.listHeight, 120_000_000);
    assert.equal(space.height, MAX_SCROLL_HEIGHT);
    assert.ok(space.height < 33_000_000 && isScaled(space));
    const small = scrollSpace(1000, RH, VIEW);
    assert.equal(small.height, 24_000);
    assert.ok(!isScaled(small));
    assert.equal(virtualTopFor(small, 1234), 1234);
    assert.equal(scrollTopFor(small, 1234), 1234);
    // A viewport taller than the cap still gets a scroll range.
    assert.ok(scrollSpace(ROWS, RH, 5_000_000, 1_000_000).height >= 10_000_000);
  });

  it('maps the first, a middle and the last row', () => {
    assert.equal(virtualTopFor(space, 0), 0);
    assert.deepEqual(visible(virtualTopFor(space, 0)), [0, 20]);
    const middle = virtualTopFor(space, nativeMax / 2);
    assert.equal(middle, lastTop / 2);
    assert.equal(Math.floor(middle / RH), 2_499_990);
    assert.equal(virtualTopFor(space, nativeMax), lastTop);
    assert.deepEqual(visible(lastTop), [ROWS - 20, ROWS]);
  });

  it('shows the last row when the scrollbar stops a fraction of a pixel short of the end', () => {
    assert.equal(virtualTopFor(space, nativeMax - 0.4), lastTop);
    assert.equal(virtualTopFor(space, nativeMax + 50), lastTop);
    assert.ok(virtualTopFor(space, nativeMax - 2) < lastTop);
    assert.equal(virtualTopFor(space, -10), 0);
  });

  it('round-trips true positions through the native range to within rounding', () => {
    for (const top of [0, 24, 1_000_000, lastTop / 3, lastTop - 24, lastTop]) {
      const native = scrollTopFor(space, top);
      assert.ok(native >= 0 && native <= nativeMax, `${top} → ${native}`);
      // Whole native pixels (what the browser keeps) land within one native pixel's worth of rows.
      const back = virtualTopFor(space, Math.round(native));
      assert.ok(Math.abs(back - top) <= space.listHeight / space.height, `${top} → ${native} → ${back}`);
    }
    assert.equal(scrollTopFor(space, lastTop + 1000), nativeMax);
  });

  it('moves by whole rows and pages with the keyboard, and to both ends', () => {
    assert.equal(navigate(space, 0, 'ArrowDown'), RH);
    assert.equal(navigate(space, 0, 'ArrowUp'), 0);
    assert.equal(navigate(space, 100 * RH + 5, 'ArrowDown'), 101 * RH);
    assert.equal(navigate(space, 100 * RH + 20, 'ArrowUp'), 100 * RH);
    assert.equal(navigate(space, 100 * RH, 'PageDown'), 120 * RH);
    assert.equal(navigate(space, 100 * RH, 'PageUp'), 80 * RH);
    assert.equal(navigate(space, 123_456, 'Home'), 0);
    assert.equal(navigate(space, 0, 'End'), lastTop);
    assert.equal(navigate(space, lastTop, 'ArrowDown'), lastTop);
    assert.ok(isNavigationKey('End') && !isNavigationKey('Enter'));
  });

  it('goes to a row: at the top, or with the last rows at the bottom', () => {
    assert.equal(rowTop(space, 0), 0);
    assert.equal(rowTop(space, 2_500_000), 2_500_000 * RH);
    assert.deepEqual(visible(rowTop(space, ROWS - 1)), [ROWS - 20, ROWS]);
    assert.equal(rowTop(space, ROWS - 5), lastTop);
  });
});
