import { describe, expect, it } from "vitest";
import {
  asText,
  defaultView,
  describeFilter,
  formatView,
  fromInput,
  parseView,
  recentShipments,
  rememberShipment,
  stamp,
  toInput,
  visibleRange,
} from "./timeline";

describe("timeline view in the URL", () => {
  it("round-trips filters, tab and the open version", () => {
    const view = {
      ...defaultView(),
      tab: "blame" as const,
      filter: {
        actors: ["a1", "b2"],
        event_types: ["status_changed"],
        since: "2026-11-01T10:00:00.000Z",
        until: null,
      },
      utc: true,
      version: 12,
      compare: 3,
    };
    expect(parseView(formatView(view))).toEqual(view);
  });

  it("leaves defaults out and ignores junk", () => {
    expect(formatView(defaultView())).toBe("");
    const view = parseView("tab=nope&v=-3&since=yesterday&actor=,x,&cmp=1.5");
    expect(view.tab).toBe("timeline");
    expect(view.version).toBeNull();
    expect(view.compare).toBeNull();
    expect(view.filter.since).toBeNull();
    expect(view.filter.actors).toEqual(["x"]);
  });
});

describe("times", () => {
  it("shows UTC or local time, with milliseconds on request", () => {
    expect(stamp("2026-11-02T03:04:05.006Z", true)).toBe("2026-11-02 03:04:05");
    expect(stamp("2026-11-02T03:04:05.006Z", true, true)).toBe("2026-11-02 03:04:05.006");
  });

  it("reads typed dates and times both ways", () => {
    expect(fromInput("2026-11-02 14:30", true)).toBe("2026-11-02T14:30:00.000Z");
    expect(fromInput("2026-11-02T14:30:05", true)).toBe("2026-11-02T14:30:05.000Z");
    expect(fromInput("2026-11-02", true)).toBe("2026-11-02T00:00:00.000Z");
    expect(fromInput("2026-11-02", true, true)).toBe("2026-11-03T00:00:00.000Z");
    expect(fromInput("2026-11-30", true, true)).toBe("2026-12-01T00:00:00.000Z");
    expect(toInput("2026-11-02T14:30:00.000Z", true)).toBe("2026-11-02 14:30");
    expect(toInput("2026-11-02T14:30:05.000Z", true)).toBe("2026-11-02 14:30:05");
    expect(fromInput("", true)).toBeNull();
    expect(fromInput("yesterday", true)).toBeUndefined();
    expect(fromInput("2026-02-31 10:00", true)).toBeUndefined();
    const local = fromInput("2026-11-02 14:30", false)!;
    expect(toInput(local, false)).toBe("2026-11-02 14:30");
  });
});

describe("describing and copying", () => {
  it("names actors and event types", () => {
    const filter = { actors: ["id-1"], event_types: ["note_added"], since: null, until: null };
    expect(describeFilter(filter, new Map([["id-1", "Ana Lima"]]), true)).toBe(
      "actor Ana Lima, event type note_added",
    );
    expect(describeFilter({ actors: [], event_types: [], since: null, until: null }, new Map(), true)).toBe(
      "all versions",
    );
  });

  it("copies rows as tab-separated text under a title", () => {
    const text = asText("SHP-1", "all versions", true, [
      {
        shipment_id: "s",
        shipment_reference: "SHP-1",
        version_no: 2,
        event_type: "note_added",
        actor_id: "a",
        actor_name: "Ana",
        timestamp: "2026-11-02T03:04:05.006Z",
        description: "Note",
        changed_fields: ["note"],
        summary: "note: hi",
        preview: [{ field: "note", old: null, new: "hi" }],
      },
    ]);
    expect(text).toBe("SHP-1 — all versions; times in UTC\n\nv2\t2026-11-02 03:04:05.006\tnote_added\tAna\tnote: hi");
  });
});

describe("virtual list", () => {
  it("draws only the rows in view plus overscan", () => {
    expect(visibleRange(0, 300, 30, 100000)).toEqual({ start: 0, end: 20 });
    expect(visibleRange(30000, 300, 30, 100000)).toEqual({ start: 990, end: 1020 });
    expect(visibleRange(30000, 300, 30, 1005)).toEqual({ start: 990, end: 1005 });
    expect(visibleRange(0, 300, 30, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe("recently opened", () => {
  it("keeps the newest first, without duplicates, at most eight", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    } as unknown as Storage;
    for (let i = 0; i < 10; i++) rememberShipment({ id: `id${i}`, reference: `R${i}`, title: "t" }, storage);
    rememberShipment({ id: "id5", reference: "R5", title: "t" }, storage);
    const recent = recentShipments(storage);
    expect(recent.length).toBe(8);
    expect(recent[0].id).toBe("id5");
    expect(new Set(recent.map((r) => r.id)).size).toBe(8);
    store.set("waybill.recent", "not json");
    expect(recentShipments(storage)).toEqual([]);
  });
});
