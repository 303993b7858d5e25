import { describe, expect, it } from "vitest";
import { Pager, type Page, type Source } from "./pager.svelte";
import type { TimelineEntry } from "./api";

const entry = (v: number) => ({ version_no: v }) as TimelineEntry;
const versions = (p: Pager<number>) => p.entries.map((e) => e.version_no);

/** Versions `count`..1 read by keyset, `size` per older page, like the core's. */
function history(count: number, size: number) {
  const all = Array.from({ length: count }, (_, i) => count - i);
  const source: Source<number> = {
    older: async (before) => {
      const below = all.filter((v) => before === null || v < before);
      const entries = below.slice(0, size).map(entry);
      return { entries, next: below.length > size ? entries[entries.length - 1].version_no : null };
    },
    newer: async (after, limit) => all.filter((v) => v > after).slice(-limit).map(entry),
    cursorOf: (e) => e.version_no,
  };
  return { all, source };
}

describe("pager", () => {
  it("appends pages from the cursor until there is no next one", async () => {
    const pager = new Pager<number>();
    const { source } = history(5, 2);
    expect(await pager.first(source)).toBe(true);
    await pager.more();
    await pager.more();
    await pager.more();
    expect(versions(pager)).toEqual([5, 4, 3, 2, 1]);
    expect(pager.offset).toBe(0);
    expect(pager.next).toBeNull();
  });

  it("holds a bounded window while scrolling down, and reads the rows above again on the way up", async () => {
    const pager = new Pager<number>(6, 4);
    const { source } = history(20, 4);
    await pager.first(source);
    while (pager.next !== null) {
      await pager.more();
      expect(pager.entries.length).toBeLessThanOrEqual(6);
      // The window is always the list's rows offset.. in order: nothing skipped or repeated.
      expect(versions(pager)).toEqual(pager.entries.map((_, i) => 20 - pager.offset - i));
    }
    expect(pager.offset).toBe(14);
    expect(versions(pager)).toEqual([6, 5, 4, 3, 2, 1]);
    while (pager.offset > 0) {
      await pager.back();
      expect(pager.entries.length).toBeLessThanOrEqual(6);
      expect(versions(pager)).toEqual(pager.entries.map((_, i) => 20 - pager.offset - i));
    }
    expect(versions(pager)).toEqual([20, 19, 18, 17, 16, 15]);
    // Letting the bottom go left a cursor there: reading down again continues exactly.
    expect(pager.next).toBe(15);
    await pager.more();
    expect(versions(pager)).toEqual([16, 15, 14, 13, 12, 11]);
    expect(pager.offset).toBe(4);
  });

  it("starts the list over at the newest rows when rows above the window were deleted", async () => {
    const pager = new Pager<number>(4, 2);
    const { all, source } = history(10, 2);
    await pager.first(source);
    for (let i = 0; i < 4; i++) await pager.more();
    expect(pager.offset).toBe(6);
    expect(versions(pager)).toEqual([4, 3, 2, 1]);
    // 10..5 deleted but for 6: one row above where six were.
    all.splice(0, all.indexOf(6));
    all.splice(1, 1);
    await pager.back();
    expect(pager.offset).toBe(0);
    expect(versions(pager)).toEqual([6, 4, 3, 2]);
    await pager.back(); // nothing above: no request, nothing moves
    expect(versions(pager)).toEqual([6, 4, 3, 2]);
  });

  it("puts rows that arrived on top, keeping the window bounded and the way down exact", async () => {
    const pager = new Pager<number>(4, 2);
    const { all, source } = history(4, 2);
    await pager.first(source);
    all.unshift(6, 5);
    expect(pager.prepend([entry(6), entry(5)])).toBe(true);
    expect(versions(pager)).toEqual([6, 5, 4, 3]);
    expect(pager.next).toBe(3);
    await pager.more();
    expect(versions(pager)).toEqual([4, 3, 2, 1]);
    // Away from the top the rows are not taken: the caller keeps them for later.
    expect(pager.prepend([entry(7)])).toBe(false);
  });

  it("drops an answer that a newer start overtook, and keeps failures apart", async () => {
    const pager = new Pager<number>();
    const only = (entries: TimelineEntry[], older: Source<number>["older"] | null = null): Source<number> => ({
      older: older ?? (async () => ({ entries, next: null })),
      newer: async () => [],
      cursorOf: (e) => e.version_no,
    });
    let release!: () => void;
    const slow = () => new Promise<Page<number>>((r) => (release = () => r({ entries: [entry(9)], next: null })));
    const stale = pager.first(only([], slow));
    expect(pager.refreshing).toBe(true);
    await pager.first(only([entry(1)]));
    release();
    expect(await stale).toBe(false);
    expect(versions(pager)).toEqual([1]);
    expect(pager.refreshing).toBe(false);
    await pager.first(
      only([], async () => {
        throw { code: "shipment_not_found", message: "no shipment matches `x`." };
      }),
    );
    expect(pager.failure?.code).toBe("shipment_not_found");
    expect(pager.loading).toBe(false);
  });
});
