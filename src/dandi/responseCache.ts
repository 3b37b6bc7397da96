/**
 * In-memory cache of immutable API responses (published versions, assets by id), keyed by the
 * full request URL, so the key carries instance + Dandiset + version + request. Concurrent asks
 * for the same URL share one request; failures are not kept. Least recently used entries go
 * first once `maxEntries` is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  // Entries can be 1,000-item pages, so the bound is by count and modest.
  constructor(private readonly maxEntries = 300) {}

  getOrFetch(key: string, fetch: () => Promise<unknown>): Promise<unknown> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = fetch();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return pending;
  }

  /** Drops every entry whose key starts with `prefix`. */
  clear(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
