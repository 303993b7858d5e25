import { describe, expect, it } from "vitest";
import { LINK_VIEWS } from "./bindings/linkViews";
import { actorRoute, formatRoute, parseRoute, shipmentRoute } from "./route";
import { defaultList } from "./shipments";

const listOf = (search: string) => ({ name: "list" as const, list: { ...defaultList(), search } });

describe("routes", () => {
  it("reads the list with and without a search", () => {
    expect(parseRoute("")).toEqual(listOf(""));
    expect(parseRoute("#/")).toEqual(listOf(""));
    expect(parseRoute("#/?q=SHP-2026")).toEqual(listOf("SHP-2026"));
  });

  it("reads and writes the list's filters and order", () => {
    const route = parseRoute("#/?q=tea&status=delayed,held&carrier=DHL%20Express&carrier=Smith%2C%20Jones&sort=eta&rev=1&test=1");
    expect(route).toEqual({
      name: "list",
      list: { search: "tea", statuses: ["delayed", "held"], carriers: ["DHL Express", "Smith, Jones"], sort: "eta", reversed: true, test: true },
    });
    expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(formatRoute(listOf(""))).toBe("#/");
    expect(parseRoute("#/?sort=nonsense")).toEqual(listOf(""));
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
      listOf("coffee & tea / 50%?"),
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
    expect(parseRoute("#/overview")).toEqual({ name: "overview" });
    expect(formatRoute({ name: "overview" })).toBe("#/overview");
    expect(parseRoute("#/integrity")).toEqual({ name: "integrity", shipment: null });
    const one = { name: "integrity", shipment: "SHP 1/2" } as const;
    expect(parseRoute(formatRoute(one))).toEqual(one);
    expect(parseRoute("#/connections")).toEqual({ name: "connections" });
    expect(formatRoute({ name: "connections" })).toBe("#/connections");
  });

  it("opens every view a link can name (the core's list), and keeps it", () => {
    for (const v of LINK_VIEWS) {
      const hash = `#/${v.path}${v.keyed ? "/KEY-1" : ""}`;
      const route = parseRoute(hash);
      expect(route.name, v.name).not.toBe(v.path === "" ? "shipment" : "list");
      expect(formatRoute(route), v.name).toBe(v.path === "" ? "#/" : hash);
    }
  });

  it("falls back to the list for unknown paths", () => {
    expect(parseRoute("#/nowhere/at/all")).toEqual(listOf(""));
  });
});
