import * as assert from 'node:assert/strict';
import {
  intervalBar,
  laneAssignment,
  paddedBounds,
  polylineRuns,
  rowExtent,
  skeletonSegments,
  tickColumns,
} from '../../../media/viewer/chartGeometry';

/** 10 pixels per unit, starting at pixel 100 for value 0. */
const toPx = (v: number): number => 100 + v * 10;

describe('chart geometry', () => {
  describe('raster ticks', () => {
    it('draws one tick per pixel column inside the plot', () => {
      const times = [-5, 0, 0.01, 0.02, 1, 1.04, 2, 30];
      // -5 → 50 (left of the plot), 0/0.01/0.02 → 100, 1/1.04 → 110, 2 → 120, 30 → 400 (right of it)
      assert.deepEqual(tickColumns(times, toPx, 60, 300), [100, 110, 120]);
    });

    it('costs one tick per column for a dense row', () => {
      const times = Float64Array.from({ length: 100_000 }, (_, i) => i / 100_000);
      assert.deepEqual(
        tickColumns(times, toPx, 0, 1000),
        [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110],
      );
    });

    it('skips non-finite times', () => {
      assert.deepEqual(tickColumns([NaN, 1, Infinity], toPx, 0, 1000), [110]);
    });

    it('gives rows a share of their pitch, never thinner than the minimum', () => {
      assert.deepEqual(rowExtent(50, 20), { top: 42, bottom: 58 });
      assert.deepEqual(rowExtent(50, 2), { top: 48.5, bottom: 51.5 });
    });
  });

  describe('interval bars', () => {
    it('maps [start, stop) to x and width', () => {
      assert.deepEqual(intervalBar(1, 3, toPx, 0, 1000), [110, 20]);
    });

    it('keeps short intervals visible at a minimum width', () => {
      assert.deepEqual(intervalBar(1, 1.001, toPx, 0, 1000), [110, 1]);
      // stop missing (NaN): a marker at start
      assert.deepEqual(intervalBar(2, NaN, toPx, 0, 1000), [120, 1]);
    });

    it('drops bars outside the plot and clips the ones that cross its edges', () => {
      assert.equal(intervalBar(-20, -15, toPx, 0, 1000), null);
      assert.equal(intervalBar(100, 200, toPx, 0, 1000), null);
      // a bar a million pixels wide (deep zoom) is clipped to the plot plus a pixel each side
      assert.deepEqual(intervalBar(-1e5, 1e5, toPx, 0, 1000), [-1, 1002]);
    });
  });

  describe('lanes', () => {
    it('puts labels in lanes in order of first appearance', () => {
      const { lanes, laneOf } = laneAssignment(['go', 'stop', 'go', 'catch'], 4, 30);
      assert.deepEqual(lanes, ['go', 'stop', 'catch']);
      assert.deepEqual(Array.from(laneOf), [0, 1, 0, 2]);
    });

    it('shares the last lane once the lanes run out', () => {
      const { lanes, laneOf } = laneAssignment(['a', 'b', 'c', 'd', 'a'], 5, 2);
      assert.deepEqual(lanes, ['a', 'b']);
      assert.deepEqual(Array.from(laneOf), [0, 1, 1, 1, 0]);
    });

    it('uses one lane when there are no labels', () => {
      const { lanes, laneOf } = laneAssignment([], 3, 30);
      assert.deepEqual(lanes, ['intervals']);
      assert.deepEqual(Array.from(laneOf), [0, 0, 0]);
    });
  });

  describe('polylines', () => {
    it('lifts the pen at untracked (NaN) samples', () => {
      const runs = polylineRuns([0, 1, NaN, 3, 4], [0, 1, 1, 3, 4], toPx, toPx);
      assert.deepEqual(runs, [
        [100, 100, 110, 110],
        [130, 130, 140, 140],
      ]);
    });

    it('drops points on the pixel of the previous one', () => {
      const runs = polylineRuns([0, 0.01, 0.02, 1], [0, 0.01, 0, 1], toPx, toPx);
      assert.deepEqual(runs, [[100, 100, 110, 110]]);
    });

    it('joins skeleton edges between tracked keypoints only', () => {
      const points = [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: NaN, y: 5 },
      ];
      assert.deepEqual(
        skeletonSegments(points, [
          [0, 1],
          [1, 2],
          [0, 7],
        ]),
        [[0, 0, 10, 0]],
      );
    });

    it('pads bounds over the finite values of every series', () => {
      assert.deepEqual(paddedBounds([Float32Array.of(0, NaN, 10), [5, 20]], 0.1), { start: -2, end: 22 });
      assert.deepEqual(paddedBounds([[NaN]]), { start: 0, end: 1 });
      assert.deepEqual(paddedBounds([[3, 3]], 0.5), { start: 2.5, end: 3.5 });
    });
  });
});
