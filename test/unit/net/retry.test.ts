import * as assert from 'node:assert/strict';
import { parseRetryAfter, pause, retryDelay } from '../../../src/net/retry';

const POLICY = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('net: one back-off policy, one Retry-After reading', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter([' 1.5 '], now), 1500);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('waits at least what Retry-After says, at most 10% more, and never past the bound', () => {
    for (let i = 0; i < 200; i++) {
      const wait = retryDelay(1, POLICY, 2000);
      assert.ok(wait >= 2000 && wait <= 2200, `${wait}`);
      const clamped = retryDelay(1, POLICY, 999_999_000);
      assert.ok(clamped >= 5000 && clamped <= 5500, `a huge Retry-After is clamped: ${clamped}`);
    }
    assert.equal(retryDelay(3, POLICY, 0), 0);
  });

  it('backs off exponentially with ±25% jitter up to the bound', () => {
    const samples = (attempt: number) => Array.from({ length: 300 }, () => retryDelay(attempt, POLICY));
    for (const [attempt, base] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [8, 1000],
    ]) {
      const waits = samples(attempt);
      assert.ok(
        waits.every(w => w >= base * 0.75 && w <= base * 1.25),
        `attempt ${attempt}: ${Math.min(...waits)}..${Math.max(...waits)}`,
      );
      assert.ok(new Set(waits).size > 10, 'jittered, not one fixed value');
    }
  });

  it('pauses abortably', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pause(10_000, controller.signal), (e: Error) => e.name === 'AbortError');
    assert.ok(Date.now() - started < 2000);
  });
});
