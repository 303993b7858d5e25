import { describe, expect, it } from "vitest";
import { nextDelay } from "./poll";

describe("poll cadence", () => {
  it("looks again soon after finding something and backs off while nothing happens", () => {
    const cadence = { min: 1000, max: 4000 };
    let delay = cadence.min;
    const waits = [];
    for (let i = 0; i < 6; i++) {
      delay = nextDelay(delay, false, cadence);
      waits.push(delay);
    }
    expect(waits).toEqual([1500, 2250, 3375, 4000, 4000, 4000]);
    expect(nextDelay(4000, true, cadence)).toBe(1000);
  });
});
