import { describe, expect, it } from "vitest";
import { visibleParams } from "./concurrency";

describe("concurrency form", () => {
  it("shows only the parameters a scenario uses", () => {
    expect(visibleParams("concurrent")).toEqual(["requests", "max_total_ms"]);
    expect(visibleParams("staggered")).toContain("delay_ms");
    expect(visibleParams("pool_exhaustion")).toEqual(["requests", "pool_size", "acquire_timeout_ms", "max_total_ms"]);
    expect(visibleParams("spread")).toContain("shipments");
    expect(visibleParams("first_version")).not.toContain("delay_ms");
  });
});
