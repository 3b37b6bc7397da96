/** The arithmetic of trial-aligned spikes: window and bins, binary search, alignment, rates. */
import * as assert from 'node:assert/strict';
import {
  alignSpikes,
  binOf,
  binRates,
  lowerBound,
  psthWindow,
  sortedSpikes,
} from '../../../src/nwb/psthMath';

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('psthMath', () => {
  it('cuts the window into whole bins, completing the last one', () => {
    const even = psthWindow(0.5, 1, 0.01);
    assert.equal(even.binCount, 150);
    assert.ok(Math.abs(even.post - 1) < 1e-12, `post ${even.post}`);
    const w = psthWindow(0.1, 0.25, 0.1);
    assert.equal(w.binCount, 4);
    assert.ok(Math.abs(w.post - 0.3) < 1e-12, `post ${w.post}`);
    assert.equal(psthWindow(0, 0.05, 0.05).binCount, 1);
  });

  it('refuses empty windows, bad bin widths and more bins than it draws', () => {
    assert.throws(() => psthWindow(0, 0, 0.01), /empty/);
    assert.throws(() => psthWindow(-1, 1, 0.01), /pre and post/);
    assert.throws(() => psthWindow(1, Number.NaN, 0.01), /pre and post/);
    assert.throws(() => psthWindow(1, 1, 0), /bin width/);
    assert.throws(() => psthWindow(10, 10, 0.001), /at most 5000/);
  });

  it('finds the first value not below x by binary search', () => {
    const v = [0.1, 0.2, 0.2, 0.5, 0.9];
    assert.equal(lowerBound(v, 0), 0);
    assert.equal(lowerBound(v, 0.2), 1);
    assert.equal(lowerBound(v, 0.3), 3);
    assert.equal(lowerBound(v, 1), 5);
    assert.equal(lowerBound(v, 0.2, 2), 2);
    assert.equal(lowerBound([], 1), 0);
  });

  it('keeps sorted spike times as they are and sorts the others without NaNs', () => {
    const sorted = Float64Array.from([1, 2, 3]);
    assert.equal(sortedSpikes(sorted), sorted);
    assert.deepEqual(Array.from(sortedSpikes(Float64Array.from([3, Number.NaN, 1, 2]))), [1, 2, 3]);
  });

  it('puts a spike in the bin of its time from the event; outside the window in none', () => {
    assert.equal(binOf(-0.5, 0.5, 0.1, 10), 0);
    assert.equal(binOf(0.025, 0.5, 0.1, 10), 5);
    assert.equal(binOf(0.5, 0.5, 0.1, 10), -1);
    assert.equal(binOf(-0.50001, 0.5, 0.1, 10), -1);
  });

  it('aligns spikes on events like a scan over every spike and trial would', () => {
    const next = random(7);
    const spikes = Float64Array.from({ length: 5000 }, () => next() * 1000).sort();
    const events = Array.from({ length: 300 }, (_, i) => 2 + i * 3.3 + next());
    events[17] = Number.NaN;
    const window = psthWindow(0.25, 0.75, 0.02);
    const got = alignSpikes(spikes, events, window);
    const counts = new Array<number>(window.binCount).fill(0);
    const perTrial: number[][] = [];
    for (const e of events) {
      const mine: number[] = [];
      for (const t of spikes) {
        const rel = t - e;
        if (rel >= -window.pre && rel < window.post) {
          mine.push(rel);
          counts[Math.floor((rel + window.pre) / window.binWidth)]++;
        }
      }
      perTrial.push(mine);
    }
    assert.deepEqual(Array.from(got.counts), counts);
    assert.equal(got.offsets.length, events.length + 1);
    perTrial.forEach((mine, i) =>
      assert.deepEqual(
        Array.from(got.times.subarray(got.offsets[i], got.offsets[i + 1])),
        mine,
        `trial ${i}`,
      ),
    );
    assert.equal(got.truncated, false);
    assert.ok(counts.reduce((a, b) => a + b) > 100, 'the sample has spikes in the windows');
  });

  it('cuts the raster at its budget but still counts every spike', () => {
    const spikes = Float64Array.from({ length: 100 }, (_, i) => i * 0.01 + 0.005);
    const window = psthWindow(0, 1, 0.1);
    const full = alignSpikes(spikes, [0, 0], window);
    const cut = alignSpikes(spikes, [0, 0], window, 150);
    assert.equal(cut.times.length, 150);
    assert.equal(cut.truncated, true);
    assert.deepEqual(Array.from(cut.counts), Array.from(full.counts));
    assert.deepEqual(Array.from(full.counts), new Array(10).fill(20));
  });

  it('turns counts into Hz over trials and bin width', () => {
    assert.deepEqual(Array.from(binRates([4, 0, 10], 20, 0.01)), [20, 0, 50]);
    assert.deepEqual(Array.from(binRates([4], 0, 0.01)), [0]);
  });
});
