import { describe, expect, it } from "vitest";
import { bytes, count, ms } from "./health";

describe("health formatting", () => {
  it("shows sizes, counts and durations", () => {
    expect(bytes(77_000_000)).toBe("77 MB");
    expect(bytes(1_250_000_000)).toBe("1.3 GB");
    expect(bytes(8192)).toBe("8.2 kB");
    expect(count(2000000)).toBe("2,000,000");
    expect(ms(0.714)).toBe("0.71 ms");
    expect(ms(12.44)).toBe("12.4 ms");
    expect(ms(1200)).toBe("1.20 s");
  });
});
