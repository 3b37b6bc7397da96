import * as assert from 'node:assert/strict';
import type { IDisposable } from '../../../src/util/disposable';
import { Emitter } from '../../../src/util/event';

describe('Emitter (plain-Node events)', () => {
  it('delivers to every listener in order, with thisArgs, until each unsubscribes', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const owner = { name: 'owner' };
    const first = emitter.event(n => seen.push(`first ${n}`));
    emitter.event(function (this: typeof owner, n) {
      seen.push(`${this.name} ${n}`);
    }, owner);
    emitter.fire(1);
    first.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, ['first 1', 'owner 1', 'owner 2']);
  });

  it('keeps delivering when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>(e => errors.push(e));
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error('broken listener');
    });
    emitter.event(s => seen.push(s));
    emitter.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /broken listener/);
  });

  it('collects subscriptions into a disposables array and ignores listeners added while firing', () => {
    const emitter = new Emitter<void>();
    const bag: IDisposable[] = [];
    let calls = 0;
    emitter.event(
      () => {
        calls++;
        emitter.event(() => calls++);
      },
      undefined,
      bag,
    );
    emitter.fire();
    assert.equal(calls, 1, 'a listener added during fire() waits for the next event');
    assert.equal(bag.length, 1);
    for (const d of bag) d.dispose();
    emitter.fire();
    assert.equal(calls, 2, 'only the late listener is left');
  });

  it('drops every listener on dispose and accepts none after', () => {
    const emitter = new Emitter<number>();
    let calls = 0;
    emitter.event(() => calls++);
    emitter.dispose();
    emitter.event(() => calls++);
    emitter.fire(1);
    assert.equal(calls, 0);
  });
});
