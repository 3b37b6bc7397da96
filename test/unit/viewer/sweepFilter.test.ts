import * as assert from 'node:assert/strict';
import type { Sweep } from '../../../src/shared/protocol';
import { matchesFilter } from '../../../media/viewer/views/sweepFilter';

const sweep: Sweep = {
  index: 3,
  sweepNumber: 12,
  stimulusName: 'Long Square',
  clampMode: 'current',
  shape: { baseline: 0, amplitude: 5e-11, method: 'plateau', unit: 'amperes' },
  response: { path: '/acquisition/CurrentClampSeries012' },
  columns: { 'sequential_recordings.stimulus_type': 'long square', 'intracellular_recordings.id': 7 },
};

describe('sweep filter', () => {
  it('matches free text in any cell or column name, case-insensitively', () => {
    assert.ok(matchesFilter(sweep, 'long'));
    assert.ok(matchesFilter(sweep, 'CurrentClampSeries012'));
    assert.ok(matchesFilter(sweep, 'stimulus_type'));
    assert.ok(!matchesFilter(sweep, 'ramp'));
  });

  it('column=value compares whole values (numbers as numbers) on the column or its last name part', () => {
    assert.ok(matchesFilter(sweep, 'sweep_number=12'));
    assert.ok(matchesFilter(sweep, 'id=7.0'));
    assert.ok(!matchesFilter(sweep, 'stimulus_type=long'), 'a part of the value is not the value');
    assert.ok(matchesFilter(sweep, 'clamp=current'));
    assert.ok(!matchesFilter(sweep, 'sweep_number=1'));
  });

  it('column~text looks inside the value; all terms must match; empty keeps everything', () => {
    assert.ok(matchesFilter(sweep, 'stimulus_type~square clamp=current'));
    assert.ok(!matchesFilter(sweep, 'stimulus_type~square clamp=voltage'));
    assert.ok(matchesFilter(sweep, '   '));
  });
});
