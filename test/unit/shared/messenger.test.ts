/**
 * The typed RPC endpoint, with two in-memory ends wired back to back (as the host and the webview
 * are): typed results, handler errors settle as rejections, unknown methods, cancellation,
 * timeouts, held events, envelope validation and dispose.
 */
import * as assert from 'node:assert/strict';
import { Messenger, parseEnvelope, RequestError, type MethodMap } from '../../../src/shared/messenger';
import { ENVELOPE_TAG, type Envelope } from '../../../src/shared/protocol';
import { toArrayBuffer } from '../../../src/shared/binary';

interface HostSide extends MethodMap {
  add: { params: { a: number; b: number }; result: number };
  fail: { params: Record<string, never>; result: never };
  slow: { params: Record<string, never>; result: string };
  bytes: { params: Record<string, never>; result: ArrayBuffer };
}
type Ev = { type: 'ping'; n: number } | { type: 'other' };

/** Two ends; messages cross through a microtask (like postMessage, never synchronously). */
function pair(options: { hold?: boolean; timeoutMs?: number } = {}) {
  const toHost: Envelope[] = [];
  const toView: Envelope[] = [];
  const ends: {
    host?: Messenger<HostSide, MethodMap, Ev, Ev>;
    view?: Messenger<MethodMap, HostSide, Ev, Ev>;
  } = {};
  const host = new Messenger<HostSide, MethodMap, Ev, Ev>({
    post: m => (toView.push(m), queueMicrotask(() => ends.view?.handle(structuredClone(m)))),
    holdEvents: options.hold,
  });
  const view = new Messenger<MethodMap, HostSide, Ev, Ev>({
    post: m => (toHost.push(m), queueMicrotask(() => ends.host?.handle(structuredClone(m)))),
    timeoutMs: options.timeoutMs,
  });
  Object.assign(ends, { host, view });
  return { host, view, toHost, toView };
}

/** Lets queued message deliveries (microtasks) and handler continuations run. */
const settled = () => new Promise<void>(resolve => setImmediate(resolve));

describe('Messenger', () => {
  it('answers a request with the typed result', async () => {
    const { host, view } = pair();
    host.onRequest('add', ({ a, b }) => a + b);
    assert.equal(await view.request('add', { a: 2, b: 3 }), 5);
    assert.equal(view.pendingCount, 0);
  });

  it('turns a throwing handler into a rejection with its message and code', async () => {
    const { host, view } = pair();
    host.onRequest('fail', () => {
      throw Object.assign(new Error('file is truncated'), { code: 'corrupt' });
    });
    await assert.rejects(
      view.request('fail', {}),
      (e: unknown) => e instanceof RequestError && e.message === 'file is truncated' && e.code === 'corrupt',
    );
  });

  it('rejects a request for a method nobody handles', async () => {
    const { view } = pair();
    await assert.rejects(
      view.request('add', { a: 1, b: 1 }),
      (e: unknown) => e instanceof RequestError && e.code === 'unknown-method',
    );
  });

  it('cancels: the caller rejects at once and the handler sees its signal aborted', async () => {
    const { host, view } = pair();
    let handlerSignal: AbortSignal | undefined;
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    host.onRequest('slow', async (_p, { signal }) => {
      handlerSignal = signal;
      await released;
      return 'late';
    });
    const controller = new AbortController();
    const pending = view.request('slow', {}, { signal: controller.signal });
    await settled();
    assert.equal(host.runningCount, 1);
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof RequestError && e.code === 'cancelled');
    await settled();
    assert.equal(handlerSignal?.aborted, true);
    release();
  });

  it('times out a request that is never answered', async () => {
    // Requests into the void: nothing ever replies.
    const silent = new Messenger<MethodMap, HostSide, Ev, Ev>({ post: () => undefined, timeoutMs: 20 });
    await assert.rejects(
      silent.request('slow', {}),
      (e: unknown) => e instanceof RequestError && e.code === 'timeout',
    );
    assert.equal(silent.pendingCount, 0);
  });

  it('rejects every pending request on dispose and refuses new ones', async () => {
    const silent = new Messenger<MethodMap, HostSide, Ev, Ev>({ post: () => undefined });
    const a = silent.request('add', { a: 1, b: 2 });
    const b = silent.request('slow', {});
    silent.dispose();
    await assert.rejects(a, (e: unknown) => e instanceof RequestError && e.code === 'disposed');
    await assert.rejects(b, (e: unknown) => e instanceof RequestError && e.code === 'disposed');
    await assert.rejects(silent.request('add', { a: 0, b: 0 }), /disposed/);
    assert.equal(silent.pendingCount, 0);
  });

  it('holds events until released, then delivers them in order', async () => {
    const { host, view } = pair({ hold: true });
    const seen: number[] = [];
    view.onEvent('ping', e => seen.push(e.n));
    host.notify({ type: 'ping', n: 1 });
    host.notify({ type: 'ping', n: 2 });
    await settled();
    assert.deepEqual(seen, []);
    host.releaseEvents();
    host.notify({ type: 'ping', n: 3 });
    await settled();
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('carries ArrayBuffers holding exactly the view bytes', async () => {
    const { host, view } = pair();
    const pool = new Float32Array([9, 9, 1.5, 2.5, 9]);
    host.onRequest('bytes', () => toArrayBuffer(pool.subarray(2, 4)));
    const result = await view.request('bytes', {});
    assert.ok(result instanceof ArrayBuffer);
    assert.deepEqual(Array.from(new Float32Array(result)), [1.5, 2.5]);
  });

  it('drops anything that is not a valid envelope and reports it', () => {
    const diagnostics: string[] = [];
    const m = new Messenger<HostSide, MethodMap, Ev, Ev>({
      post: () => assert.fail('must not answer garbage'),
      onDiagnostic: t => diagnostics.push(t),
    });
    for (const junk of [
      null,
      42,
      'req',
      { kind: 'req', id: 1, method: 'add' },
      { tag: ENVELOPE_TAG, kind: 'req', id: 'x', method: 'add' },
      { tag: ENVELOPE_TAG, kind: 'event', event: { type: 5 } },
    ]) {
      m.handle(junk);
    }
    assert.equal(diagnostics.length, 6);
    assert.equal(
      parseEnvelope({ tag: ENVELOPE_TAG, kind: 'ok', id: 3 })?.kind,
      'ok',
      'JSON transport drops result: undefined',
    );
  });

  it('refuses a second handler for the same method', () => {
    const m = new Messenger<HostSide, MethodMap, Ev, Ev>({ post: () => undefined });
    m.onRequest('add', () => 0);
    assert.throws(() => m.onRequest('add', () => 1), /already registered/);
  });
});
