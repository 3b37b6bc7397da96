// One back-off policy and one Retry-After reading for every caller of the HTTP layer.
import { setTimeout as delay } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** First back-off delay; doubled per attempt, with ±25% jitter. */
  baseDelayMs: number;
  /** Bound of one back-off delay. */
  maxDelayMs: number;
  /** Bound of a Retry-After wait: longer answers are clamped to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Statuses worth asking again: rate limits and the server's or gateway's transient failures. */
export const TRANSIENT_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Retry-After (delta-seconds or an HTTP date) in milliseconds; a past date is 0; garbage is undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^[-+]?[\d.]+$/.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before attempt `attempt + 1`. The server's Retry-After wins, clamped to the
 * policy's bound and stretched by up to 10% so that clients told the same moment do not all return
 * at once; otherwise exponential back-off with ±25% jitter.
 */
export function retryDelay(
  attempt: number,
  policy: Omit<RetryPolicy, 'attempts'>,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) {
    const wait = Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
    return Math.round(wait * (1 + Math.random() * 0.1));
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

/** Waits `ms`; rejects with the signal's AbortError as soon as it aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}
