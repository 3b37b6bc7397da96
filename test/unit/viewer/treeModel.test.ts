import * as assert from 'node:assert/strict';
import {
  flattenTree,
  initialNav,
  navigateTree,
  type TreeData,
  type TreeNode,
  type TreeRow,
} from '../../../media/viewer/treeModel';

function tree(): TreeData {
  const nodes = new Map<string, TreeNode>();
  const add = (id: string, label: string, expandable: boolean, badge?: string) =>
    nodes.set(id, { id, label, expandable, badge });
  add('/acquisition', 'acquisition', true);
  add('/acquisition/ts', 'ts', false, 'TimeSeries');
  add('/acquisition/lfp', 'lfp', true, 'LFP');
  add('/processing', 'processing', true);
  add('/processing/ophys', 'ophys', true, 'ProcessingModule');
  add('/units', 'units', false, 'Units');
  return {
    roots: ['/acquisition', '/processing', '/units'],
    nodes,
    children: new Map([
      ['/acquisition', ['/acquisition/ts', '/acquisition/lfp']],
      ['/processing', ['/processing/ophys']],
    ]),
  };
}
const ids = (rows: TreeRow[]): string[] => rows.map(r => r.id);
const label = (data: TreeData) => (id: string) => data.nodes.get(id)?.label ?? '';

describe('viewer tree model', () => {
  it('flattens roots and expanded children with depth and ARIA positions', () => {
    const rows = flattenTree(tree(), new Set(['/acquisition']));
    assert.deepEqual(ids(rows), [
      '/acquisition',
      '/acquisition/ts',
      '/acquisition/lfp',
      '/processing',
      '/units',
    ]);
    assert.equal(rows[1].depth, 1);
    assert.equal(rows[1].parent, '/acquisition');
    assert.deepEqual([rows[2].posInSet, rows[2].setSize], [2, 2]);
    assert.deepEqual([rows[4].posInSet, rows[4].setSize], [3, 3]);
  });

  it('marks expanded nodes whose children are not loaded as loading', () => {
    const rows = flattenTree(tree(), new Set(['/acquisition/lfp', '/acquisition']));
    const lfp = rows.find(r => r.id === '/acquisition/lfp');
    assert.ok(lfp?.loading);
  });

  it('filters loaded nodes and keeps their ancestors expanded', () => {
    const rows = flattenTree(tree(), new Set(), 'OPHYS');
    assert.deepEqual(ids(rows), ['/processing', '/processing/ophys']);
    assert.ok(rows[0].expanded && !rows[0].match);
    assert.ok(rows[1].match);
  });

  it('filters on the badge too', () => {
    assert.deepEqual(ids(flattenTree(tree(), new Set(), 'timeseries')), ['/acquisition', '/acquisition/ts']);
  });

  it('survives a cycle in the children map (soft links)', () => {
    const data = tree();
    const children = new Map(data.children);
    children.set('/processing/ophys', ['/processing']);
    const rows = flattenTree({ ...data, children }, new Set(['/processing', '/processing/ophys']));
    assert.deepEqual(ids(rows), ['/acquisition', '/processing', '/processing/ophys', '/units']);
  });

  describe('keyboard', () => {
    const data = tree();
    const rows = flattenTree(data, new Set(['/acquisition']));
    const press = (focus: string | null, key: string, now = 0) =>
      navigateTree(rows, label(data), initialNav(focus), key, now);

    it('moves with arrows, Home and End', () => {
      assert.equal(press('/acquisition', 'ArrowDown').state.focus, '/acquisition/ts');
      assert.equal(press('/acquisition/ts', 'ArrowUp').state.focus, '/acquisition');
      assert.equal(press('/acquisition', 'ArrowUp').state.focus, '/acquisition');
      assert.equal(press('/processing', 'Home').state.focus, '/acquisition');
      assert.equal(press('/acquisition', 'End').state.focus, '/units');
      assert.equal(press(null, 'ArrowDown').state.focus, '/acquisition');
    });

    it('ArrowRight expands a closed node, then enters it', () => {
      assert.deepEqual(press('/processing', 'ArrowRight').action, { kind: 'expand', id: '/processing' });
      assert.equal(press('/acquisition', 'ArrowRight').state.focus, '/acquisition/ts');
      assert.equal(press('/units', 'ArrowRight').action.kind, 'none');
    });

    it('ArrowLeft collapses an open node, else goes to the parent', () => {
      assert.deepEqual(press('/acquisition', 'ArrowLeft').action, { kind: 'collapse', id: '/acquisition' });
      assert.equal(press('/acquisition/lfp', 'ArrowLeft').state.focus, '/acquisition');
    });

    it('Enter opens the focused node; unknown keys are not handled', () => {
      assert.deepEqual(press('/units', 'Enter').action, { kind: 'open', id: '/units' });
      assert.equal(press('/units', 'F5').handled, false);
    });

    it('type-ahead finds labels, extends within the timeout and cycles', () => {
      const first = navigateTree(rows, label(data), initialNav('/acquisition'), 'p', 1000);
      assert.equal(first.state.focus, '/processing');
      const more = navigateTree(rows, label(data), first.state, 'r', 1200);
      assert.equal(more.state.focus, '/processing');
      assert.equal(more.state.typed, 'pr');
      const late = navigateTree(rows, label(data), more.state, 'u', 5000);
      assert.equal(late.state.focus, '/units');
      const cycle = navigateTree(rows, label(data), initialNav('/units'), 'a', 0);
      assert.equal(cycle.state.focus, '/acquisition');
    });
  });
});
