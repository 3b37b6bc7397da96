/**
 * The statistics the host sends with plotted data and the sentences views show from them: empty,
 * all NaN, constant (with its value), partly NaN, and stacked channels that are each flat.
 */
import * as assert from 'node:assert/strict';
import {
  describeFlatChannels,
  describeValues,
  readableValue,
  StatsAccumulator,
  valueStats,
} from '../../../src/shared/valueStats';

describe('value statistics', () => {
  it('counts values and NaNs and finds the range without the NaNs', () => {
    assert.deepEqual(valueStats(Float32Array.from([3, NaN, -2, 7, NaN])), {
      count: 5,
      nanCount: 2,
      min: -2,
      max: 7,
    });
  });

  it('has no range (NaN) when every value is NaN or there are none', () => {
    const all = valueStats([NaN, NaN]);
    assert.equal(all.count, 2);
    assert.equal(all.nanCount, 2);
    assert.ok(Number.isNaN(all.min) && Number.isNaN(all.max));
    const none = valueStats([]);
    assert.equal(none.count, 0);
    assert.ok(Number.isNaN(none.min));
  });

  it('adds picked columns of row-major blocks and maps the range through the conversion', () => {
    const acc = new StatsAccumulator();
    // Two rows of three columns; columns 0 and 2 are picked.
    acc.addColumns([1, 100, 2, 3, 100, NaN], 2, 3, [0, 2]);
    acc.addColumns([5, 100, 4], 1, 3, [0, 2]);
    assert.deepEqual(acc.result(), { count: 6, nanCount: 1, min: 1, max: 5 });
    // A negative conversion swaps the ends.
    assert.deepEqual(acc.result(-2, 1), { count: 6, nanCount: 1, min: -9, max: -1 });
  });
});

describe('data notes', () => {
  it('says nothing about ordinary data', () => {
    assert.equal(describeValues(valueStats([1, 2, 3]), 'window', 'V'), null);
  });

  it('says that an empty window has nothing to draw', () => {
    assert.equal(describeValues(valueStats([]), 'window'), 'No values in this time window: nothing to draw.');
  });

  it('says that all values are NaN, with their number', () => {
    assert.equal(
      describeValues(valueStats(new Float32Array(1234).fill(NaN)), 'window', 'V'),
      'All 1,234 values in this time window are NaN (not a number): nothing to draw.',
    );
  });

  it('gives the value of constant data, with its unit', () => {
    assert.equal(
      describeValues(valueStats([0.5, 0.5, 0.5, 0.5]), 'frame', 'lumens'),
      'Constant in this frame: every value is 0.5 lumens (4 values).',
    );
    assert.equal(
      describeValues(valueStats([2, NaN, 2]), 'selection'),
      'Constant in this selection: every value is 2; 1 of 3 values are NaN (not drawn).',
    );
  });

  it('counts NaNs among varying values and gives the range of the others', () => {
    assert.equal(
      describeValues(valueStats([1, NaN, 3, NaN]), 'window', 'm'),
      '2 of 4 values are NaN (not drawn) in this time window; the others range 1 – 3 m.',
    );
  });

  it('leaves out the placeholder unit "unknown"', () => {
    assert.match(
      describeValues(valueStats([7, 7]), 'window', 'unknown') ?? '',
      /every value is 7 \(2 values\)/,
    );
  });

  it('says when stacked channels are each flat, with their levels', () => {
    const flat = [
      { min: 0, max: 0 },
      { min: 1, max: 1 },
      { min: Infinity, max: -Infinity },
    ];
    assert.equal(
      describeFlatChannels(flat, 'window', 'V'),
      'Every channel is constant in this time window (values 0, 1 V): flat lines.',
    );
    assert.equal(
      describeFlatChannels(
        [
          { min: 0, max: 0 },
          { min: 1, max: 2 },
        ],
        'window',
      ),
      null,
    );
    assert.equal(describeFlatChannels([{ min: 0, max: 0 }], 'window'), null);
  });

  it('writes values readably', () => {
    assert.equal(readableValue(0.1 + 0.2), '0.3');
    assert.equal(readableValue(1.5e-9), '1.5e-9');
    assert.equal(readableValue(12345678), '1.2346e+7');
    assert.equal(readableValue(-42), '-42');
  });
});
