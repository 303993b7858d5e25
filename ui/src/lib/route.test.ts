import { describe, expect, it } from "vitest";
import { actorRoute, formatRoute, parseRoute, shipmentRoute } from "./route";

describe("routes", () => {
  it("reads the list with and without a search", () => {
    expect(parseRoute("")).toEqual({ name: "list", search: "" });
    expect(parseRoute("#/")).toEqual({ name: "list", search: "" });
    expect(parseRoute("#/?q=SHP-2026")).toEqual({ name: "list", search: "SHP-2026" });
  });

  it("reads a shipment page", () => {
    expect(parseRoute("#/shipment/0d6c-aa")).toEqual(shipmentRoute("0d6c-aa"));
    const filtered = parseRoute("#/shipment/0d6c-aa?type=note_added&v=7&tab=blame");
    expect(filtered).toEqual(
      shipmentRoute("0d6c-aa", {
        tab: "blame",
        version: 7,
        filter: { actors: [], event_types: ["note_added"], since: null, until: null },
      }),
    );
  });

  it("reads an actor page", () => {
    expect(parseRoute("#/actor/a-1?utc=1")).toEqual(actorRoute("a-1", { utc: true }));
  });

  it("round-trips text that needs escaping", () => {
    for (const route of [
      { name: "list" as const, search: "coffee & tea / 50%?" },
      shipmentRoute("SHP 2026/1?x", { version: 3 }),
      actorRoute("ana@example.com"),
    ]) {
      expect(parseRoute(formatRoute(route))).toEqual(route);
    }
  });

  it("reads the concurrency screen", () => {
    expect(parseRoute("#/concurrency")).toEqual({ name: "concurrency" });
    expect(formatRoute({ name: "concurrency" })).toBe("#/concurrency");
    expect(parseRoute("#/health")).toEqual({ name: "health" });
    expect(formatRoute({ name: "health" })).toBe("#/health");
    expect(parseRoute("#/connections")).toEqual({ name: "connections" });
    expect(formatRoute({ name: "connections" })).toBe("#/connections");
  });

  it("falls back to the list for unknown paths", () => {
    expect(parseRoute("#/nowhere/at/all")).toEqual({ name: "list", search: "" });
  });
});
