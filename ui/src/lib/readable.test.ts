import { describe, expect, it } from "vitest";
import { fieldLabel, notPerField, previewLine, rawValue, readValue } from "./readable";

describe("values as people read them", () => {
  it("labels fields", () => {
    expect(fieldLabel("current_location")).toBe("Current location");
    expect(fieldLabel("eta")).toBe("ETA");
    expect(fieldLabel("address.city")).toBe("Address › City");
    expect(fieldLabel("")).toBe("(whole state)");
  });

  it("says statuses as their badges do, and nothing as empty", () => {
    expect(readValue("status", "out_for_delivery", true)).toBe("Out for delivery");
    expect(readValue("note", "out_for_delivery", true)).toBe("out_for_delivery");
    expect(readValue("carrier", null, true)).toBe("empty");
    expect(readValue("carrier", "", true)).toBe("empty");
  });

  it("shows instants in the viewer's zone and format", () => {
    expect(readValue("eta", "2026-11-05T10:00:00Z", true)).toBe("2026-11-05 10:00:00 UTC");
    expect(readValue("eta", "2026-11-05T10:00:00.123456+00:00", true)).toBe("2026-11-05 10:00:00 UTC");
    expect(readValue("eta", "infinity", true)).toBe("infinity");
    expect(readValue("delivered_on", "2026-11-05", true)).toBe("2026-11-05");
  });

  it("keeps the raw value one click away", () => {
    expect(rawValue(null)).toBe("null");
    expect(rawValue("x")).toBe('"x"');
  });

  it("says a version's changes in one line", () => {
    const line = previewLine(
      [
        { field: "status", old: "booked", new: "in_transit" },
        { field: "current_location", old: null, new: "Valencia, ES" },
        { field: "notes", old: "x", new: "a".repeat(60) },
      ],
      5,
      true,
    );
    expect(line).toBe(`Status: Booked → In transit · Current location: Valencia, ES · Notes: x → ${"a".repeat(39)}… · +2 more`);
    expect(previewLine([{ field: "address", old: { a: 1 }, new: null }], 1, true)).toBe("Address: {…} → empty");
  });
});

describe("changes not per field", () => {
  it("are text, numbers and lists, not objects or nothing", () => {
    expect(notPerField("moved by hand")).toBe(true);
    expect(notPerField([1, 2])).toBe(true);
    expect(notPerField(3)).toBe(true);
    expect(notPerField({})).toBe(false);
    expect(notPerField({ status: { old: "a", new: "b" } })).toBe(false);
    expect(notPerField(null)).toBe(false);
  });
});
