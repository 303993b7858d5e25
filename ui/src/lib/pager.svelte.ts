// Keyset paging for a list that grows as it scrolls (a shipment's timeline,
// an actor's changes): the first page, then the next ones from the cursor the
// previous page returned. Answers that arrive after a newer `first()` are dropped.

import { toIpcError, type IpcError, type TimelineEntry } from "./api";

export type Page<Cursor> = { entries: TimelineEntry[]; next: Cursor | null };
export type Fetch<Cursor> = (cursor: Cursor | null) => Promise<Page<Cursor>>;

export class Pager<Cursor> {
  entries = $state<TimelineEntry[]>([]);
  next = $state<Cursor | null>(null);
  loading = $state(false);
  failure = $state<IpcError | null>(null);
  /** A first page is on its way: the entries shown are the previous list's. */
  refreshing = $state(false);
  #fetch: Fetch<Cursor> | null = null;
  #request = 0;

  /** Starts over with `fetch` (a new subject or filter); resolves true when this answer was kept. */
  async first(fetch: Fetch<Cursor>): Promise<boolean> {
    this.#fetch = fetch;
    const mine = ++this.#request;
    this.loading = true;
    this.refreshing = true;
    this.failure = null;
    try {
      const page = await fetch(null);
      if (mine !== this.#request) return false;
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

  /** The next page, if there is one and none is on its way. */
  async more(): Promise<void> {
    const fetch = this.#fetch;
    if (this.next === null || this.loading || !fetch) return;
    const mine = this.#request;
    this.loading = true;
    try {
      const page = await fetch(this.next);
      if (mine !== this.#request) return;
      this.entries = [...this.entries, ...page.entries];
      this.next = page.next;
    } catch (e) {
      if (mine === this.#request) this.failure = toIpcError(e);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }
}
