// Local time is the default view, so it is tested in a zone with daylight
// saving time (the whole suite also runs again under TZ=Europe/Berlin: see
// package.json). Berlin's clocks went back at 03:00 CEST on 2026-10-25 (a day
// of 25 hours: 02:00–03:00 happens twice) and forward at 02:00 CET on
// 2026-03-29 (23 hours: 02:00–03:00 never happens).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fromInput, stamp, toInput, zoneName } from "./timeline";

// Node applies a new TZ as soon as it is set; unstubbing restores the old one.
beforeAll(() => {
  vi.stubEnv("TZ", "Europe/Berlin");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe("local time across a change of the clocks (Europe/Berlin)", () => {
  it("runs in Berlin", () => {
    expect(zoneName(false)).toBe("Europe/Berlin");
  });

  it("a day filter covers the whole 25-hour day when the clocks go back", () => {
    const since = fromInput("2026-10-25", false)!;
    const until = fromInput("2026-10-25", false, true)!;
    expect(since).toBe("2026-10-24T22:00:00.000Z"); // 00:00 CEST
    expect(until).toBe("2026-10-25T23:00:00.000Z"); // 00:00 CET the next day
    expect(Date.parse(until) - Date.parse(since)).toBe(25 * 3600 * 1000);
  });

  it("a day filter is 23 hours when the clocks go forward", () => {
    const since = fromInput("2026-03-29", false)!;
    const until = fromInput("2026-03-29", false, true)!;
    expect(since).toBe("2026-03-28T23:00:00.000Z");
    expect(until).toBe("2026-03-29T22:00:00.000Z");
  });

  it("the repeated hour shows both instants with the same wall time, in order", () => {
    // 00:30 and 01:30 UTC are both 02:30 in Berlin that night.
    expect(stamp("2026-10-25T00:30:00.000Z", false)).toBe("2026-10-25 02:30:00");
    expect(stamp("2026-10-25T01:30:00.000Z", false)).toBe("2026-10-25 02:30:00");
    expect(stamp("2026-10-25T02:30:00.000Z", false)).toBe("2026-10-25 03:30:00");
    // UTC tells them apart, which is why the timeline has a UTC switch.
    expect(stamp("2026-10-25T00:30:00.000Z", true)).toBe("2026-10-25 00:30:00");
  });

  it("a typed time round-trips outside the changes, and in summer and winter", () => {
    for (const iso of ["2026-07-01T10:15:00.000Z", "2026-12-01T10:15:00.000Z", "2026-10-25T03:00:00.000Z"]) {
      expect(fromInput(toInput(iso, false), false)).toBe(iso);
    }
    expect(toInput("2026-07-01T10:15:00.000Z", false)).toBe("2026-07-01 12:15");
    expect(toInput("2026-12-01T10:15:00.000Z", false)).toBe("2026-12-01 11:15");
  });

  it("a time that never happened (02:30 on the spring day) is taken as the clock read an hour later", () => {
    expect(fromInput("2026-03-29 02:30", false)).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
  });
});
