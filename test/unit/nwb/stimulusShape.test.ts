/**
 * Stimulus measurement and grouping on generated stimuli: long squares (with and without a MIES /
 * Allen test pulse), a short square, a ramp, a pulse train starting at its first sample, a
 * voltage step on a holding potential, noise on a square, and the same long square reduced to
 * min/max columns as the host reads long sweeps.
 */
import * as assert from 'node:assert/strict';
import type { Sweep } from '../../../src/shared/protocol';
import { MinMaxBins } from '../../../src/nwb/decimate';
import { firstDeparture, measureStimulus, type Envelope } from '../../../src/nwb/stimulusShape';
import { groupSweeps, meaningfulName, UNNAMED_STIMULUS } from '../../../src/nwb/sweepGroups';

const RATE = 10_000;

/** A raw stimulus as an envelope (min = max = the sample). */
function raw(n: number, valueAt: (i: number) => number): Envelope {
  const values = Float64Array.from({ length: n }, (_, i) => valueAt(i));
  return { time: Float64Array.from({ length: n }, (_, i) => i / RATE), min: values, max: values };
}

/** A square of `amp` from sample a (inclusive) to b (exclusive) on `base`. */
const square =
  (a: number, b: number, amp: number, base = 0) =>
  (i: number) =>
    base + (i >= a && i < b ? amp : 0);
/** The Allen/MIES test pulse: 10 ms of `amp` starting at 5 ms. */
const testPulse = (amp: number) => square(50, 150, amp);

describe('stimulus shape (amplitude and onset from the data)', () => {
  it('a long square: the plateau above baseline, onset at its first sample', () => {
    const { shape } = measureStimulus(raw(30_000, square(10_000, 20_000, 150e-12)), 'A');
    assert.equal(shape.method, 'plateau');
    assert.equal(shape.baseline, 0);
    assert.ok(Math.abs(shape.amplitude - 150e-12) < 1e-18, String(shape.amplitude));
    assert.equal(shape.onset, 10_000 / RATE);
  });

  it('skips a leading test pulse unlike the stimulus that follows', () => {
    const sweep = (i: number) => testPulse(-20e-12)(i) + square(10_000, 20_000, -70e-12)(i);
    const { shape } = measureStimulus(raw(30_000, sweep), 'A');
    assert.equal(shape.onset, 1);
    assert.ok(Math.abs(shape.amplitude + 70e-12) < 1e-18, String(shape.amplitude));
  });

  it('a short square after a test pulse (3 ms, sub-column once decimated)', () => {
    const sweep = (i: number) => testPulse(10)(i) + square(20_000, 20_030, 800)(i);
    const { shape } = measureStimulus(raw(40_000, sweep), 'pA');
    assert.equal(shape.method, 'plateau');
    assert.equal(shape.amplitude, 800);
    assert.equal(shape.onset, 2);
  });

  it('a ramp has no plateau: its peak, and the onset where it leaves zero', () => {
    const ramp = (i: number) => (i >= 5_000 && i < 45_000 ? ((i - 5_000) / 40_000) * 400 : 0);
    const { shape } = measureStimulus(raw(50_000, ramp), 'pA');
    assert.equal(shape.method, 'peak');
    assert.ok(Math.abs(shape.amplitude - (39_999 / 40_000) * 400) < 1e-9, String(shape.amplitude));
    assert.equal(shape.onset, 5_001 / RATE, 'first sample above zero');
  });

  it('a pulse train starting at its first sample keeps its first pulse and rests at zero', () => {
    const train = (i: number) => (Math.floor(i / 50) % 2 === 0 ? 1e-3 : 0);
    const { shape } = measureStimulus(raw(1_000, train), 'V');
    assert.equal(shape.baseline, 0);
    assert.ok(Math.abs(shape.amplitude - 1e-3) < 1e-12, String(shape.amplitude));
    assert.equal(shape.onset, 0);
  });

  it('a voltage step on a holding potential is measured from the holding level', () => {
    const { shape } = measureStimulus(raw(10_000, square(1_000, 6_000, 10, -70)), 'mV');
    assert.equal(shape.baseline, -70);
    assert.equal(shape.amplitude, 10);
    assert.equal(shape.onset, 0.1);
  });

  it('a recorded (noisy) square still has its plateau', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2; // ±1 pA
    const { shape } = measureStimulus(
      raw(30_000, i => square(10_000, 20_000, 100)(i) + noise()),
      'pA',
    );
    assert.equal(shape.method, 'plateau');
    assert.ok(Math.abs(shape.amplitude - 100) < 0.5, String(shape.amplitude));
  });

  it('a flat stimulus has no onset and no amplitude', () => {
    const { shape, onsetColumn } = measureStimulus(
      raw(1_000, () => -70),
      'mV',
    );
    assert.deepEqual(shape, { baseline: -70, amplitude: 0, method: 'flat', unit: 'mV' });
    assert.equal(onsetColumn, undefined);
  });

  it('min/max columns of a long sweep: same amplitude, onset column holds the first departing sample', () => {
    const n = 1_000_000;
    const value = square(333_333, 800_000, 50);
    const bins = new MinMaxBins(4_000, 1, 0, n);
    const block = Float64Array.from({ length: n }, (_, i) => value(i));
    bins.addBlock(block, 0, n, 1, [0]);
    const { min, max } = bins.finish(1, 0);
    const time = Float64Array.from({ length: 4_000 }, (_, c) => bins.columnStart(c) / RATE);
    const { shape, onsetColumn, onsetTolerance } = measureStimulus({ time, min, max }, 'pA');
    assert.equal(shape.amplitude, 50);
    assert.ok(onsetColumn !== undefined);
    const first = bins.columnStart(onsetColumn);
    const columnSamples = block.subarray(first, bins.columnStart(onsetColumn + 1));
    assert.equal(first + firstDeparture(columnSamples, shape.baseline, onsetTolerance), 333_333);
  });
});

describe('sweep groups', () => {
  const sweep = (
    index: number,
    stimulusName: string | undefined,
    amplitude?: number,
    sweepNumber = index,
  ): Sweep => ({
    index,
    sweepNumber,
    ...(stimulusName ? { stimulusName } : {}),
    ...(amplitude !== undefined ? { shape: { baseline: 0, amplitude, method: 'plateau', unit: 'A' } } : {}),
  });

  it('groups by stimulus name in order of appearance, sweeps by amplitude then number', () => {
    const groups = groupSweeps([
      sweep(0, 'Long Square', 50e-12),
      sweep(1, 'Ramp', 400e-12),
      sweep(2, 'Long Square', -110e-12),
      sweep(3, 'Long Square'),
      sweep(4, undefined, 1),
      sweep(5, 'Long Square', 50e-12, -1),
    ]);
    assert.deepEqual(groups, [
      { stimulusName: 'Long Square', sweeps: [2, 5, 0, 3] },
      { stimulusName: 'Ramp', sweeps: [1] },
      { stimulusName: UNNAMED_STIMULUS, sweeps: [4] },
    ]);
  });

  it('ignores names that say there is none', () => {
    assert.equal(meaningfulName('NA'), undefined);
    assert.equal(meaningfulName(' n/a '), undefined);
    assert.equal(meaningfulName(''), undefined);
    assert.equal(meaningfulName('C1LSFINEST150112'), 'C1LSFINEST150112');
  });
});
