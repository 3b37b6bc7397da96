import * as assert from 'node:assert/strict';
import { VIEW_KINDS } from '../../../src/shared/protocol';
import { VIEW_LABELS } from '../../../media/viewer/viewLabels';

describe('view labels', () => {
  it('gives every view kind a label of its own, in words rather than the kind', () => {
    assert.deepEqual(Object.keys(VIEW_LABELS).sort(), [...VIEW_KINDS].sort());
    for (const kind of VIEW_KINDS) {
      const label = VIEW_LABELS[kind];
      assert.ok(label.trim().length > 0, `${kind} has a label`);
      assert.ok(!/[a-z][A-Z]/.test(label), `"${label}" (${kind}) reads as words, not as an identifier`);
    }
    const labels = Object.values(VIEW_LABELS);
    assert.equal(new Set(labels).size, labels.length, 'no two kinds share a label');
  });
});
