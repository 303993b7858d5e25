// Keyset paging for a long list read by scrolling (a shipment's timeline, an
// actor's changes), holding a bounded window of it: the first page, the next
// ones from the cursor the previous page returned, and when the window is
// full the rows farthest from the reader go. Scrolling back up reads them
// again, just newer than the window's first row. A reader who scrolls through
// 100,000 versions holds at most `window` of them, not all (an unbounded list
// held ~6 KB per version scrolled in the web process).
// Answers that arrive after a newer `first()` are dropped.

import { toIpcError, type IpcError, type TimelineEntry } from "./api";

export type Page<Cursor> = { entries: TimelineEntry[]; next: Cursor | null };

/** How a list is read. */
export type Source<Cursor> = {
  /** The newest page, or the one just older than `cursor`. */
  older: (cursor: Cursor | null) => Promise<Page<Cursor>>;
  /** Up to `limit` entries just newer than `cursor`, newest first. */
  newer: (cursor: Cursor, limit: number) => Promise<TimelineEntry[]>;
  /** Where an entry stands, as a cursor of this list. */
  cursorOf: (entry: TimelineEntry) => Cursor;
};

/** Rows read back per step up, and the most rows held. */
export const STEP = 200;
export const WINDOW = 1000;

export class Pager<Cursor> {
  /** The rows held: row `offset` of the list and on. Replaced, never mutated,
   *  so `$state.raw`: a deep proxy per entry cost memory for nothing. */
  entries = $state.raw<TimelineEntry[]>([]);
  /** Rows above the window: let go of, read again on the way back up. */
  offset = $state(0);
  next = $state.raw<Cursor | null>(null);
  loading = $state(false);
  failure = $state<IpcError | null>(null);
  /** A first page is on its way: the entries shown are the previous list's. */
  refreshing = $state(false);
  #source: Source<Cursor> | null = null;
  #request = 0;

  constructor(
    readonly window = WINDOW,
    readonly step = STEP,
  ) {}

  /** Starts over with `source` (a new subject or filter); resolves true when this answer was kept. */
  async first(source: Source<Cursor>): Promise<boolean> {
    this.#source = source;
    const mine = ++this.#request;
    this.loading = true;
    this.refreshing = true;
    this.failure = null;
    try {
      const page = await source.older(null);
      if (mine !== this.#request) return false;
      this.offset = 0;
      this.entries = page.entries;
      this.next = page.next;
      return true;
    } catch (e) {
      if (mine === this.#request) this.failure = toIpcError(e);
      return false;
    } finally {
      if (mine === this.#request) {
        this.loading = false;
        this.refreshing = false;
      }
    }
  }

  /** The next, older page, if there is one and nothing is on its way; the
   *  window's first rows go when it is full. */
  async more(): Promise<void> {
    const source = this.#source;
    if (this.next === null || this.loading || !source) return;
    await this.#load(async () => {
      const page = await source.older(this.next);
      return () => {
        const all = [...this.entries, ...page.entries];
        const drop = Math.max(0, all.length - this.window);
        this.entries = all.slice(drop);
        this.offset += drop;
        this.next = page.next;
      };
    });
  }

  /** The rows just above the window, read again; its last rows go when it is full. */
  async back(): Promise<void> {
    const source = this.#source;
    const top = this.entries[0];
    if (this.offset === 0 || this.loading || !source || !top) return;
    const want = Math.min(this.step, this.offset);
    await this.#load(async () => {
      const rows = await source.newer(source.cursorOf(top), want);
      return () => {
        const all = [...rows, ...this.entries];
        const kept = all.slice(0, this.window);
        // Fewer rows than there were: some were deleted, and these are the
        // newest. The list starts over at them (what is shown moves up).
        this.offset = rows.length < want ? 0 : this.offset - rows.length;
        if (kept.length < all.length) this.next = source.cursorOf(kept[kept.length - 1]);
        this.entries = kept;
      };
    });
  }

  /** Rows newer than the list's first, read while it is shown (a live
   *  timeline), put on top; the window's last rows go when it is full. Only
   *  while the window holds the top of the list and nothing is loading: false
   *  otherwise, and the caller keeps them. */
  prepend(rows: TimelineEntry[]): boolean {
    const source = this.#source;
    if (this.offset !== 0 || this.loading || !source) return false;
    if (rows.length === 0) return true;
    const all = [...rows, ...this.entries];
    const kept = all.slice(0, this.window);
    if (kept.length < all.length) this.next = source.cursorOf(kept[kept.length - 1]);
    this.entries = kept;
    return true;
  }

  /** Runs one fetch; its answer is applied only if no `first()` overtook it. */
  async #load(fetch: () => Promise<() => void>): Promise<void> {
    const mine = this.#request;
    this.loading = true;
    try {
      const apply = await fetch();
      if (mine === this.#request) apply();
    } catch (e) {
      if (mine === this.#request) this.failure = toIpcError(e);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }
}
