/**
 * HDF5 answers by kind of call, then by path. The file is read-only, so an answer stays true; a
 * viewer asks for the same entries, attributes and metadata many times (listing a group describes
 * every child, then each child's attributes and info are asked for), and each call into the
 * library walks the path again. Failures are never kept (a failed fetch may succeed next time).
 */

/** Answers kept per file before the memo starts over (a walk of 100k objects stays in bounds). */
const MEMO_LIMIT = 200_000;

export class AnswerMemo {
  private readonly kinds = new Map<string, Map<string, unknown>>();
  /** Answers kept, over all kinds. */
  private size = 0;

  /** The kept answer, else `compute()`'s, kept when `worthKeeping` says so. */
  remember<T>(
    kind: string,
    key: string,
    compute: () => T,
    worthKeeping: (value: T) => boolean = () => true,
  ): T {
    let kept = this.kinds.get(kind);
    if (kept?.has(key)) return kept.get(key) as T;
    const value = compute();
    if (worthKeeping(value)) {
      if (this.size >= MEMO_LIMIT) {
        this.kinds.clear();
        this.size = 0;
      }
      kept = this.kinds.get(kind);
      if (!kept) this.kinds.set(kind, (kept = new Map()));
      kept.set(key, value);
      this.size++;
    }
    return value;
  }
}
