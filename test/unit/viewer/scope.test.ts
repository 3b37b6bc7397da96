import * as assert from 'node:assert/strict';
import { Scope } from '../../../media/viewer/scope';

describe('viewer scope', () => {
  it('releases what it owns newest first, after aborting its signal', () => {
    const scope = new Scope();
    const log: string[] = [];
    scope.onDispose(() => log.push(`first (signal aborted: ${scope.signal.aborted})`));
    scope.own({ dispose: () => log.push('second') });
    scope.onDispose(() => log.push('third'));
    assert.equal(scope.size, 3);
    scope.dispose();
    assert.deepEqual(log, ['third', 'second', 'first (signal aborted: true)']);
    assert.equal(scope.size, 0);
    assert.ok(scope.disposed);
  });

  it('disposes once, however often it is asked', () => {
    const scope = new Scope();
    let count = 0;
    scope.onDispose(() => count++);
    scope.dispose();
    scope.dispose();
    assert.equal(count, 1);
  });

  it('releases at once what is handed to it after disposal', () => {
    const scope = new Scope();
    scope.dispose();
    let released = false;
    scope.own({ dispose: () => (released = true) });
    assert.ok(released);
    assert.equal(scope.size, 0);
  });

  it('keeps releasing when one resource throws, and reports the error', () => {
    const errors: unknown[] = [];
    const scope = new Scope(e => errors.push(e));
    const log: string[] = [];
    scope.onDispose(() => log.push('a'));
    scope.onDispose(() => {
      throw new Error('boom');
    });
    scope.onDispose(() => log.push('c'));
    scope.dispose();
    assert.deepEqual(log, ['c', 'a']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /boom/);
  });

  it("disposes a child with its parent, in the parent's order", () => {
    const parent = new Scope();
    const log: string[] = [];
    parent.onDispose(() => log.push('parent resource'));
    const child = parent.child();
    child.onDispose(() => log.push('child resource'));
    parent.onDispose(() => log.push('newer parent resource'));
    parent.dispose();
    assert.ok(child.disposed);
    assert.ok(child.signal.aborted);
    assert.deepEqual(log, ['newer parent resource', 'child resource', 'parent resource']);
  });

  it('disposes a child on its own without touching the parent, which then forgets it', () => {
    const parent = new Scope();
    let parentReleased = false;
    parent.onDispose(() => (parentReleased = true));
    const child = parent.child();
    let childReleased = 0;
    child.onDispose(() => childReleased++);
    assert.equal(parent.size, 2);
    child.dispose();
    assert.equal(childReleased, 1);
    assert.equal(parent.size, 1, 'the parent still held the disposed child');
    assert.ok(!parent.signal.aborted);
    parent.dispose();
    assert.ok(parentReleased);
    assert.equal(childReleased, 1);
  });

  it('switching sub-views leaves one child alive, however many were made', () => {
    const parent = new Scope();
    let live = 0;
    let current: Scope | null = null;
    for (let i = 0; i < 50; i++) {
      current?.dispose();
      current = parent.child();
      live++;
      current.onDispose(() => live--);
    }
    assert.equal(live, 1);
    assert.equal(parent.size, 1);
    parent.dispose();
    assert.equal(live, 0);
  });

  it('a child of a disposed scope starts disposed', () => {
    const parent = new Scope();
    parent.dispose();
    const child = parent.child();
    assert.ok(child.disposed);
    assert.ok(child.signal.aborted);
  });

  it('removes its event listeners and clears its timers', async () => {
    const scope = new Scope();
    const target = new EventTarget();
    let heard = 0;
    scope.listen<Event>(target, 'ping', () => heard++);
    target.dispatchEvent(new Event('ping'));
    let fired = false;
    scope.timeout(() => (fired = true), 5);
    scope.dispose();
    target.dispatchEvent(new Event('ping'));
    await new Promise(resolve => setTimeout(resolve, 20));
    assert.equal(heard, 1);
    assert.ok(!fired);
  });
});
