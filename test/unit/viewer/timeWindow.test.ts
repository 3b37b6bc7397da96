import * as assert from 'node:assert/strict';
import {
  clampWindow,
  columnsForWidth,
  drawableFromMinMax,
  pageRange,
  panWindow,
  sameWindow,
  stackOffsets,
  windowForKey,
  zoomWindow,
} from '../../../media/viewer/timeWindow';

const full = { start: 0, end: 100 };

describe('viewer time window', () => {
  it('zooms in around the anchor and keeps the anchor in place', () => {
    const w = zoomWindow(full, full, 0.5, 0.25);
    assert.deepEqual(w, { start: 12.5, end: 62.5 });
    // the anchor (25 % of the width) still maps to t = 25
    assert.equal(w.start + (w.end - w.start) * 0.25, 25);
  });

  it('zooming out never leaves the full extent', () => {
    const w = zoomWindow({ start: 90, end: 100 }, full, 100);
    assert.deepEqual(w, full);
  });

  it('maps the plot keys to windows, and other keys to none', () => {
    const w = { start: 40, end: 60 };
    assert.deepEqual(windowForKey('+', w, full), { start: 45, end: 55 });
    assert.deepEqual(windowForKey('=', w, full), { start: 45, end: 55 });
    assert.deepEqual(windowForKey('-', w, full), { start: 30, end: 70 });
    assert.deepEqual(windowForKey('ArrowLeft', w, full), { start: 35, end: 55 });
    assert.deepEqual(windowForKey('ArrowRight', w, full), { start: 45, end: 65 });
    assert.deepEqual(windowForKey('0', w, full), full);
    assert.deepEqual(windowForKey('Home', w, full), full);
    assert.equal(windowForKey('a', w, full), undefined);
    assert.equal(windowForKey('ArrowUp', w, full), undefined);
  });

  it('pans by a fraction of the width and stops at the ends', () => {
    assert.deepEqual(panWindow({ start: 10, end: 20 }, full, 0.5), { start: 15, end: 25 });
    assert.deepEqual(panWindow({ start: 90, end: 100 }, full, 1), { start: 90, end: 100 });
    assert.deepEqual(panWindow({ start: 0, end: 10 }, full, -3), { start: 0, end: 10 });
  });

  it('clamps reversed or degenerate windows to something drawable', () => {
    const w = clampWindow({ start: 50, end: 50 }, full);
    assert.ok(w.end > w.start);
    assert.ok(w.start >= 0 && w.end <= 100);
  });

  it('sameWindow tolerates rounding only', () => {
    assert.ok(sameWindow({ start: 1, end: 2 }, { start: 1 + 1e-12, end: 2 }));
    assert.ok(!sameWindow({ start: 1, end: 2 }, { start: 1.01, end: 2 }));
  });

  it('requests device pixels, bounded', () => {
    assert.equal(columnsForWidth(800, 2), 1600);
    assert.equal(columnsForWidth(800, 0.5), 800);
    assert.equal(columnsForWidth(5000, 2), 4096);
    assert.equal(columnsForWidth(1, 1), 16);
  });

  it('draws a band only when columns were decimated, with gaps for empty columns', () => {
    const raw = drawableFromMinMax([0, 1, 2], [1, 2, 3], [1, 2, 3]);
    assert.equal(raw.band, undefined);
    assert.deepEqual(raw.mid, [1, 2, 3]);
    const dec = drawableFromMinMax(
      [0, 1, 2],
      Float32Array.from([0, NaN, -1]),
      Float32Array.from([2, NaN, 1]),
    );
    assert.deepEqual(dec.mid, [1, null, 0]);
    assert.deepEqual(dec.band, { min: [0, null, -1], max: [2, null, 1] });
  });

  it('stacks channels top-down with equal spacing', () => {
    const { offsets, spacing } = stackOffsets(
      [
        { min: -1, max: 1 },
        { min: 9, max: 11 },
        { min: NaN, max: NaN },
      ],
      1,
    );
    assert.equal(spacing, 2);
    // channel 0 is the highest trace; each is centred on its own mean
    assert.equal(offsets[0], 4);
    assert.equal(offsets[1], 2 - 10);
    assert.equal(offsets[2], 0);
  });

  it('pages stay inside the list', () => {
    assert.deepEqual(pageRange(0, 8, 20), { first: 0, count: 8 });
    assert.deepEqual(pageRange(16, 8, 20), { first: 12, count: 8 });
    assert.deepEqual(pageRange(-3, 8, 5), { first: 0, count: 5 });
  });
});
