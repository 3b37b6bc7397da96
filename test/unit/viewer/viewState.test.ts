import * as assert from 'node:assert/strict';
import { defaultState, rememberPerPath, sanitizeState } from '../../../media/viewer/viewState';

describe('viewer persisted state', () => {
  it('falls back to defaults for anything unknown', () => {
    assert.deepEqual(sanitizeState(undefined), defaultState());
    assert.deepEqual(sanitizeState({ version: 2, tab: 'hdf5' }), defaultState());
    assert.deepEqual(sanitizeState('x'), defaultState());
  });

  it('keeps valid fields and drops invalid ones', () => {
    const s = sanitizeState({
      version: 1,
      tab: 'hdf5',
      expanded: { nwb: ['/a', 3], hdf5: 'nope' },
      selection: '/acquisition/ts',
      filter: 'ophys',
      treeScroll: -4,
      zoom: { '/a': { start: 1, end: 2 }, '/b': { start: 3, end: 1 }, '/c': null },
      viewSettings: { '/a': { colormap: 'magma', frame: 3, bad: { x: 1 }, nan: NaN } },
    });
    assert.equal(s.tab, 'hdf5');
    assert.deepEqual(s.expanded, { nwb: ['/a'], hdf5: [] });
    assert.equal(s.selection, '/acquisition/ts');
    assert.equal(s.treeScroll, 0);
    assert.deepEqual(s.zoom, { '/a': { start: 1, end: 2 } });
    assert.deepEqual(s.viewSettings, { '/a': { colormap: 'magma', frame: 3 } });
  });

  it('remembers per-path values most recent last, bounded', () => {
    let rec: Record<string, number> = {};
    for (let i = 0; i < 250; i++) rec = rememberPerPath(rec, `/p${i}`, i);
    rec = rememberPerPath(rec, '/p100', -1);
    const keys = Object.keys(rec);
    assert.equal(keys.length, 200);
    assert.equal(keys[keys.length - 1], '/p100');
    assert.equal(rec['/p100'], -1);
  });
});
