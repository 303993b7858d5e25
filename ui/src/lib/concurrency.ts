// Which parameters each scenario uses, and how the form names them.

import type { Params } from "./bindings/Params";
import type { Scenario } from "./bindings/Scenario";

export const PARAM_LABELS: Record<keyof Params, string> = {
  requests: "Requests",
  delay_ms: "Delay between starts (ms)",
  pool_size: "Pool size (connections)",
  acquire_timeout_ms: "Acquire timeout (ms)",
  shipments: "Shipments",
  max_total_ms: "Acceptable time (ms)",
};

export function visibleParams(scenario: Scenario): Array<keyof Params> {
  switch (scenario) {
    case "staggered":
      return ["requests", "delay_ms", "max_total_ms"];
    case "rapid_fire":
    case "pool_exhaustion":
      return ["requests", "pool_size", "acquire_timeout_ms", "max_total_ms"];
    case "spread":
      return ["requests", "shipments", "max_total_ms"];
    default:
      return ["requests", "max_total_ms"];
  }
}
