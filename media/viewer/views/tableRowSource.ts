/**
 * Where the table's rows come from: `RowSource` fetches them from the host in pages (sorted by a
 * column when asked), keeps the pages near the view and forgets the others, and waits for
 * scrolling to pause before asking. Apart from table.ts, which draws whatever rows this has.
 */
import type { TableRows } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { missingPages } from '../rowWindow';
import type { ViewContext } from './context';
import type { ShownRow } from './tableActions';

const PAGE = 200;
/** Pages of rows kept in memory around the view. */
const KEPT_PAGES = 40;
/** How long scrolling must pause before rows are requested (dragging past a million rows asks for none of them). */
const LOAD_DELAY_MS = 50;

/** Rows sorted by a column (click its header), NaN and empty cells last. */
export type Order = { column: string; descending: boolean } | null;

/** Rows fetched from the host in pages, kept for the pages near the view; loads wait for scrolling to pause. */
export class RowSource {
  private readonly _pages = new Map<number, TableRows>();
  private readonly _requested = new Set<number>();
  private readonly _failed = new Map<number, string>();
  private _timer = 0;
  private _waiting: (() => void) | null = null;

  constructor(
    private readonly _ctx: ViewContext,
    private readonly _path: string,
    private readonly _order: Order,
  ) {
    _ctx.signal.addEventListener('abort', () => {
      window.clearTimeout(this._timer);
      this._settle();
    });
  }

  load(page: number): Promise<void> {
    this._requested.add(page);
    const order = this._order ? { order: this._order } : {};
    return this._ctx
      .request('table/rows', { path: this._path, start: page * PAGE, count: PAGE, ...order })
      .then(
        rows => void this._pages.set(page, rows),
        e => {
          if (isCancelled(e)) throw e;
          this._failed.set(page, errorText(e));
        },
      );
  }

  /**
   * Asks for the pages of rows [first, end) once scrolling pauses; `redraw` resolves when the rows
   * are drawn. The view reads `loading` from the first call of a burst until then.
   */
  want(first: number, end: number, redraw: () => Promise<void>): void {
    this._evict(Math.floor(first / PAGE));
    window.clearTimeout(this._timer);
    if (missingPages(first, end, PAGE, this._requested).length === 0) return this._settle();
    if (!this._waiting) {
      const placeholder = new Promise<void>(resolve => (this._waiting = resolve));
      void this._ctx.track(placeholder);
    }
    this._timer = window.setTimeout(() => {
      const loads = missingPages(first, end, PAGE, this._requested).map(p => this.load(p));
      // Tracked before the placeholder settles, so the state never reads `ready` in between.
      void this._ctx.track(Promise.all(loads).then(redraw)).catch(() => undefined);
      this._settle();
    }, LOAD_DELAY_MS);
  }

  private _settle(): void {
    this._waiting?.();
    this._waiting = null;
  }

  /** Row `r`'s id, table row index and cells, or the text to show while it loads or after it failed. */
  row(r: number): ShownRow | string {
    const p = Math.floor(r / PAGE);
    const page = this._pages.get(p);
    if (!page) return this._failed.has(p) ? `error: ${this._failed.get(p)}` : 'loading…';
    const i = r - page.start;
    return {
      id: page.ids[i] ?? r,
      index: page.rowIndices?.[i] ?? r,
      columns: page.columns,
      values: page.rows[i] ?? [],
    };
  }

  /** Forgets pages far from `near` so scrolling through millions of rows keeps memory flat. */
  private _evict(near: number): void {
    if (this._pages.size + this._failed.size <= KEPT_PAGES) return;
    for (const p of [...this._requested]) {
      if (Math.abs(p - near) > KEPT_PAGES / 2 && (this._pages.has(p) || this._failed.has(p))) {
        this._pages.delete(p);
        this._failed.delete(p);
        this._requested.delete(p);
      }
    }
  }
}
