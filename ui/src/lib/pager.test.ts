import { describe, expect, it } from "vitest";
import { Pager, type Page } from "./pager.svelte";
import type { TimelineEntry } from "./api";

const entry = (v: number) => ({ version_no: v }) as TimelineEntry;

describe("pager", () => {
  it("appends pages from the cursor until there is no next one", async () => {
    const pager = new Pager<number>();
    // Versions 5..1, two per page, keyset: the next page starts below the last version seen.
    const fetch = async (before: number | null): Promise<Page<number>> => {
      const below = [5, 4, 3, 2, 1].filter((v) => before === null || v < before);
      const entries = below.slice(0, 2).map(entry);
      return { entries, next: below.length > 2 ? entries[entries.length - 1].version_no : null };
    };
    expect(await pager.first(fetch)).toBe(true);
    await pager.more();
    await pager.more();
    await pager.more();
    expect(pager.entries.map((e) => e.version_no)).toEqual([5, 4, 3, 2, 1]);
    expect(pager.next).toBeNull();
  });

  it("drops an answer that a newer start overtook, and keeps failures apart", async () => {
    const pager = new Pager<number>();
    let release!: () => void;
    const slow = () => new Promise<Page<number>>((r) => (release = () => r({ entries: [entry(9)], next: null })));
    const stale = pager.first(slow);
    expect(pager.refreshing).toBe(true);
    await pager.first(async () => ({ entries: [entry(1)], next: null }));
    release();
    expect(await stale).toBe(false);
    expect(pager.entries.map((e) => e.version_no)).toEqual([1]);
    expect(pager.refreshing).toBe(false);
    await pager.first(async () => {
      throw { code: "shipment_not_found", message: "no shipment matches `x`." };
    });
    expect(pager.failure?.code).toBe("shipment_not_found");
    expect(pager.loading).toBe(false);
  });
});
