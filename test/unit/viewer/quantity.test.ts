import * as assert from 'node:assert/strict';
import {
  decimalsFor,
  displayScale,
  formatOrigin,
  formatQuantity,
  formatRange,
  parseSiUnit,
  tickLabels,
  timeOrigin,
} from '../../../media/viewer/format';
import { niceLength } from '../../../media/viewer/chartGeometry';
import { floatNulls, valueText } from '../../../media/viewer/values';

describe('SI prefixes chosen from the data', () => {
  it('reads units as NWB files write them', () => {
    assert.deepEqual(parseSiUnit('volts'), { symbol: 'V', scale: 1 });
    assert.deepEqual(parseSiUnit('Amperes'), { symbol: 'A', scale: 1 });
    assert.deepEqual(parseSiUnit('mV'), { symbol: 'V', scale: 1e-3 });
    assert.deepEqual(parseSiUnit('uV'), { symbol: 'V', scale: 1e-6 });
    assert.deepEqual(parseSiUnit('microvolts'), { symbol: 'V', scale: 1e-6 });
    assert.deepEqual(parseSiUnit('pA'), { symbol: 'A', scale: 1e-12 });
    assert.deepEqual(parseSiUnit('ms'), { symbol: 's', scale: 1e-3 });
    assert.deepEqual(parseSiUnit('m'), { symbol: 'm', scale: 1 });
    for (const notSi of ['a.u.', 'degrees', 'pixels', 'unknown', '', 'n/a', 'lumens', 'dF/F'])
      assert.equal(parseSiUnit(notSi), null, notSi);
  });

  it('picks the prefix of every decade from 1e-12 to 1e3', () => {
    const expected: [number, string][] = [
      [-12, 'p'],
      [-11, 'p'],
      [-10, 'p'],
      [-9, 'n'],
      [-8, 'n'],
      [-7, 'n'],
      [-6, 'µ'],
      [-5, 'µ'],
      [-4, 'µ'],
      [-3, 'm'],
      [-2, 'm'],
      [-1, 'm'],
      [0, ''],
      [1, ''],
      [2, ''],
      [3, 'k'],
    ];
    for (const [power, prefix] of expected) {
      for (const mantissa of [1, 2.5, 9.99]) {
        const v = mantissa * 10 ** power;
        const scale = displayScale(v, 'volts');
        assert.equal(scale.unit, `${prefix}V`, `${v} V`);
        const shown = v / scale.factor;
        assert.ok(shown >= 1 && shown < 1000, `${v} V shows as ${shown}`);
      }
    }
  });

  it('formats one value with its prefix', () => {
    assert.equal(formatQuantity(1.2e-9, 'amperes'), '1.2 nA');
    assert.equal(formatQuantity(-2e-10, 'amperes'), '-200 pA');
    assert.equal(formatQuantity(0.0654, 'volts'), '65.4 mV');
    assert.equal(formatQuantity(3.2e-5, 'volts'), '32 µV');
    assert.equal(formatQuantity(250, 'uV'), '250 µV');
    assert.equal(formatQuantity(2500, 'uV'), '2.5 mV');
    assert.equal(formatQuantity(0.0005, 'seconds'), '500 µs');
    assert.equal(formatQuantity(5000, 'seconds'), '5000 s');
    assert.equal(formatQuantity(30000, 'Hz'), '30 kHz');
    assert.equal(formatQuantity(999.96e-3, 'volts'), '1 V');
    assert.equal(formatQuantity(0.25, 'a.u.'), '0.25 a.u.');
    assert.equal(formatQuantity(123.456, 'degrees'), '123.5 degrees');
    assert.equal(formatQuantity(0.5, 'unknown'), '0.5');
    assert.equal(formatQuantity(NaN, 'volts'), 'NaN');
  });

  it('labels ticks as bare numbers in one scale with the decimals the step needs', () => {
    assert.equal(decimalsFor(0.25), 2);
    assert.equal(decimalsFor(5), 0);
    assert.equal(decimalsFor(1e-4), 4);
    // A tiny step on a large offset (3.3 V ± 1 µV) needs its decimals: not 0.
    assert.equal(decimalsFor(5e-7), 7);
    assert.equal(decimalsFor(2e-8), 8);
    assert.deepEqual(tickLabels([-2e-10, 0, 2e-10, 4e-10], 2e-10, 1e-12), ['-200', '0', '200', '400']);
    assert.deepEqual(tickLabels([-0.5e-9, 0, 0.5e-9], 0.5e-9, 1e-9), ['-0.5', '0.0', '0.5']);
  });

  it('states ranges with enough digits that their ends differ', () => {
    assert.equal(formatRange(123.6, 123.6004, 's'), '123.60000 – 123.60040 s');
    assert.equal(formatRange(0, 60, 's'), '0 – 60 s');
    assert.equal(formatRange(0.0125, 0.05, 's'), '13 – 50 ms');
    assert.equal(formatRange(-1e-9, 2e-9, 'amperes'), '-1.0 – 2.0 nA');
  });

  it('counts time from an origin that keeps tick labels short', () => {
    assert.equal(timeOrigin({ start: 2, end: 3 }, 0), 0);
    assert.equal(timeOrigin({ start: 123.6, end: 123.6004 }, 123.6), 123.6);
    assert.equal(timeOrigin({ start: 123.6, end: 123.6004 }, 0), 123.6);
    assert.equal(timeOrigin({ start: 5000, end: 5001 }, 4990), 4990);
    assert.equal(formatOrigin(123.6, 0.1), '123.600 s');
    assert.equal(formatOrigin(123.6, 1e-4), '123.600000 s');
  });

  it('sizes scale bars to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceLength(0.00037), 0.0002);
    assert.equal(niceLength(7), 5);
    assert.equal(niceLength(1), 1);
    assert.equal(niceLength(0), 0);
  });
});

describe('numbers in tables', () => {
  it('shows the NaN that JSON turned into null as NaN, in scalars and ragged cells', () => {
    assert.equal(valueText(floatNulls(null)), 'NaN');
    assert.equal(valueText(floatNulls([1.5, null, 2])), '[1.5, NaN, 2]');
    assert.equal(valueText(floatNulls('text')), 'text');
  });
});
