import * as assert from 'node:assert/strict';
import {
  axisLabel,
  ellipsize,
  formatBytes,
  formatNumber,
  formatSeconds,
  formatShape,
  storedNumberText,
} from '../../../media/viewer/format';

describe('viewer formatting', () => {
  it('formats seconds with a unit suited to the visible span', () => {
    assert.equal(formatSeconds(1.5), '1.5 s');
    assert.equal(formatSeconds(0.0125, 0.05), '12.5 ms');
    assert.equal(formatSeconds(0.000002, 0.00001), '2 µs');
    assert.equal(formatSeconds(3725, 10000), '1:02:05');
    assert.equal(formatSeconds(0), '0 s');
    assert.equal(formatSeconds(NaN), 'NaN');
  });

  it('formats numbers, bytes and shapes', () => {
    assert.equal(formatNumber(0.000012), '1.2e-5');
    assert.equal(formatNumber(3.14159), '3.142');
    assert.equal(formatNumber(42), '42');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.4 GB');
    assert.equal(formatShape([1000, 5]), '(1000, 5)');
    assert.equal(formatShape([7]), '(7,)');
    assert.equal(formatShape(null), 'scalar');
  });

  it('puts units in axis labels only when known', () => {
    assert.equal(axisLabel('data', 'volts'), 'data (volts)');
    assert.equal(axisLabel('data', 'unknown'), 'data');
    assert.equal(axisLabel('data', ''), 'data');
  });

  it('ellipsizes on characters, not UTF-16 units', () => {
    assert.equal(ellipsize('abcdef', 4), 'abc…');
    assert.equal(ellipsize('😀😀😀', 2), '😀…');
    assert.equal(ellipsize('a\n b', 10), 'a b');
  });
});

describe('stored numbers in table cells', () => {
  it('shows float64 in full and float32 as its shortest round trip', () => {
    assert.equal(storedNumberText(2499.9995, 'float64'), '2499.9995');
    assert.equal(storedNumberText(0.1, '<f8'), '0.1');
    assert.equal(storedNumberText(Math.fround(0.1), 'float32'), '0.1');
    assert.equal(storedNumberText(Math.fround(1234.5678), 'float32'), '1234.5677');
    assert.equal(storedNumberText(Math.fround(0.3), '<f4'), '0.3');
    assert.equal(storedNumberText(Math.fround(0.3), 'float64'), String(Math.fround(0.3)));
    assert.equal(storedNumberText(81, 'int32'), '81');
    assert.equal(storedNumberText(NaN, 'float32'), 'NaN');
  });
});
