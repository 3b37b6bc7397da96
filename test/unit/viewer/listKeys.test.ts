import * as assert from 'node:assert/strict';
import { listKeyTarget } from '../../../media/viewer/listKeys';

describe('list keyboard navigation', () => {
  it('moves by one, jumps to either end, and stays inside the list', () => {
    assert.equal(listKeyTarget('ArrowDown', 2, 5), 3);
    assert.equal(listKeyTarget('ArrowUp', 2, 5), 1);
    assert.equal(listKeyTarget('Home', 3, 5), 0);
    assert.equal(listKeyTarget('End', 0, 5), 4);
    assert.equal(listKeyTarget('ArrowDown', 4, 5), 4);
    assert.equal(listKeyTarget('ArrowUp', 0, 5), 0);
    // Nothing selected yet (-1): ArrowDown picks the first item, ArrowUp stays on it.
    assert.equal(listKeyTarget('ArrowDown', -1, 5), 0);
    assert.equal(listKeyTarget('ArrowUp', -1, 5), 0);
  });

  it('ignores every other key', () => {
    assert.equal(listKeyTarget('Enter', 2, 5), null);
    assert.equal(listKeyTarget('a', 2, 5), null);
  });
});
