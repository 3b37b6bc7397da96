/**
 * Promises by key, each kept for its own time to live (Infinity: the session). Concurrent asks for
 * one key share one promise, which is what batches the lookups of many references to the same
 * Dandiset or folder; a rejected promise is dropped at once, so a failed lookup is asked again.
 * Least recently used entries go first past `maxEntries`.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expires: number }>();

  constructor(
    private readonly maxEntries = 500,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit && hit.expires > this.now()) {
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = load();
    const entry = { value, expires: this.now() + ttlMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
