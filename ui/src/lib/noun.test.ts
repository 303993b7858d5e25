import { describe, expect, it } from "vitest";
import { capital, count, plural } from "./noun";

describe("a record's noun", () => {
  it("says the plural a list heading needs", () => {
    expect(plural("shipment")).toBe("shipments");
    expect(plural("delivery")).toBe("deliveries");
    expect(plural("day")).toBe("days");
    expect(plural("address")).toBe("addresses");
    expect(plural("batch")).toBe("batches");
    expect(capital(plural("order"))).toBe("Orders");
  });
  it("counts in the singular for one", () => {
    expect(count(1, "order")).toBe("1 order");
    expect(count(0, "order")).toBe("0 orders");
  });
});
