// A live list: rows written while it is shown (by colleagues, integrations,
// the simulator) go on top, marked new, when the reader is at the top;
// otherwise they wait behind a pill, so what the reader looks at does not
// move. One for a shipment's timeline, one for an actor's changes.

import type { TimelineEntry } from "./api";
import type { Pager } from "./pager.svelte";

/** A row's key in the fresh set: versions repeat across shipments. */
export const rowKey = (e: TimelineEntry) => `${e.shipment_id}:${e.version_no}`;

export class Live<Cursor> {
  /** Rows that arrived while the reader was elsewhere in the list, newest first. */
  waiting = $state.raw<TimelineEntry[]>([]);
  /** Rows that arrived and are on top, marked new for a while. */
  fresh = $state.raw<Set<string>>(new Set());
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly pager: Pager<Cursor>) {}

  /** A new list: nothing waits. */
  reset() {
    this.waiting = [];
  }

  /** The newest row known, shown or waiting: polls ask for rows newer than it. */
  newest(): TimelineEntry | undefined {
    return this.waiting[0] ?? this.pager.entries[0];
  }

  /** Whether a poll may run now: the list holds its top and nothing is loading. */
  ready(): boolean {
    return !this.pager.loading && this.pager.offset === 0;
  }

  /** Takes rows that arrived: on top when `onTop`, else behind the pill. */
  arrive(rows: TimelineEntry[], onTop: boolean) {
    const all = [...rows, ...this.waiting];
    if (onTop && this.#putOnTop(all)) this.waiting = [];
    else this.waiting = all;
  }

  /** The pill's click: the waiting rows on top; false when they could not go there yet. */
  show(): boolean {
    if (!this.#putOnTop(this.waiting)) return false;
    this.waiting = [];
    return true;
  }

  #putOnTop(rows: TimelineEntry[]): boolean {
    if (!this.pager.prepend(rows)) return false;
    this.fresh = new Set([...this.fresh, ...rows.map(rowKey)]);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.fresh = new Set()), 6000);
    return true;
  }
}
