import { describe, expect, it } from "vitest";
import { formatRoute, parseRoute } from "./route";

describe("routes", () => {
  it("reads the list with and without a search", () => {
    expect(parseRoute("")).toEqual({ name: "list", search: "" });
    expect(parseRoute("#/")).toEqual({ name: "list", search: "" });
    expect(parseRoute("#/?q=SHP-2026")).toEqual({ name: "list", search: "SHP-2026" });
  });

  it("reads a shipment page", () => {
    expect(parseRoute("#/shipment/0d6c-aa")).toEqual({ name: "shipment", id: "0d6c-aa" });
  });

  it("round-trips text that needs escaping", () => {
    for (const route of [
      { name: "list" as const, search: "coffee & tea / 50%?" },
      { name: "shipment" as const, id: "SHP 2026/1?x" },
    ]) {
      expect(parseRoute(formatRoute(route))).toEqual(route);
    }
  });

  it("reads the concurrency screen", () => {
    expect(parseRoute("#/concurrency")).toEqual({ name: "concurrency" });
    expect(formatRoute({ name: "concurrency" })).toBe("#/concurrency");
  });

  it("falls back to the list for unknown paths", () => {
    expect(parseRoute("#/nowhere/at/all")).toEqual({ name: "list", search: "" });
  });
});
