import { describe, expect, it } from "vitest";
import { city, humanize, relativeTime, tone } from "./format";

describe("format", () => {
  const now = new Date("2026-11-26T12:00:00Z");

  it("says how long ago, in the past and the future", () => {
    expect(relativeTime("2026-11-26T11:59:40Z", now)).toBe("just now");
    expect(relativeTime("2026-11-26T11:55:00Z", now)).toBe("5 min ago");
    expect(relativeTime("2026-11-26T07:00:00Z", now)).toBe("5 h ago");
    expect(relativeTime("2026-11-23T12:00:00Z", now)).toBe("3 d ago");
    expect(relativeTime("2026-11-30T12:00:00Z", now)).toBe("in 4 d");
    expect(relativeTime("2026-01-02T12:00:00Z", now)).toMatch(/^2026-01-0[12]$/);
  });

  it("turns codes into words", () => {
    expect(humanize("out_for_delivery")).toBe("Out for delivery");
    expect(humanize("created")).toBe("Created");
    expect(humanize("eta")).toBe("ETA");
    expect(humanize("shipment_id")).toBe("Shipment ID");
  });

  it("colours statuses by what they mean", () => {
    expect(tone("delivered")).toBe("good");
    expect(tone("exception_raised")).toBe("bad");
    expect(tone("cancelled")).toBe("bad");
    expect(tone("at_customs")).toBe("warn");
    expect(tone("in_transit")).toBe("info");
    expect(tone("something_custom")).toBe("info");
  });

  it("shortens places to the city", () => {
    expect(city("Hamburg, DE")).toBe("Hamburg");
    expect(city("Nowhere")).toBe("Nowhere");
  });
});
