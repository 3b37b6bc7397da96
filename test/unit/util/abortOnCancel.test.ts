// abortOnCancel links a VS Code cancellation token (and another signal) to an AbortSignal and
// unhooks both on dispose. The token here is a minimal stand-in with the same contract.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { abortOnCancel, linkedAbort } from '../../../src/util/abortOnCancel';

function tokenSource(): { token: vscode.CancellationToken; cancel(): void; listeners(): number } {
  const listeners = new Set<() => void>();
  const token = {
    isCancellationRequested: false,
    onCancellationRequested: (listener: () => void) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  } as unknown as vscode.CancellationToken & { isCancellationRequested: boolean };
  return {
    token,
    cancel: () => {
      (token as { isCancellationRequested: boolean }).isCancellationRequested = true;
      for (const l of [...listeners]) l();
    },
    listeners: () => listeners.size,
  };
}

describe('abortOnCancel', () => {
  it('aborts when the token is cancelled or the other signal aborts', () => {
    const a = tokenSource();
    const linked = abortOnCancel(a.token);
    assert.equal(linked.signal.aborted, false);
    a.cancel();
    assert.equal(linked.signal.aborted, true);

    const external = new AbortController();
    const b = abortOnCancel(tokenSource().token, external.signal);
    external.abort();
    assert.equal(b.signal.aborted, true);
  });

  it('starts aborted when either already is', () => {
    const a = tokenSource();
    a.cancel();
    assert.equal(abortOnCancel(a.token).signal.aborted, true);
    assert.equal(abortOnCancel(tokenSource().token, AbortSignal.abort()).signal.aborted, true);
  });

  it('unhooks from the token and from a long-lived signal on dispose', () => {
    const source = tokenSource();
    const external = new AbortController();
    const links = Array.from({ length: 50 }, () => abortOnCancel(source.token, external.signal));
    assert.equal(source.listeners(), 50);
    for (const link of links) link.dispose();
    assert.equal(source.listeners(), 0);
    external.abort();
    assert.ok(
      links.every(link => !link.signal.aborted),
      'disposed links no longer follow the signal',
    );
  });

  it('linkedAbort aborts on demand or with its signal, and stops following it on dispose', () => {
    const onDemand = linkedAbort();
    onDemand.abort();
    assert.equal(onDemand.signal.aborted, true);
    const external = new AbortController();
    const followed = linkedAbort(external.signal);
    const dropped = linkedAbort(external.signal);
    dropped.dispose();
    external.abort();
    assert.equal(followed.signal.aborted, true);
    assert.equal(dropped.signal.aborted, false);
    assert.equal(linkedAbort(AbortSignal.abort()).signal.aborted, true);
  });
});
