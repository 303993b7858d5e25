import { describe, expect, it } from "vitest";
import { actorLink, linkHtml, looksLikeLink, shipmentLink } from "./links";
import { defaultView } from "./timeline";

describe("waybill:// links", () => {
  it("names the shipment by its reference and keeps the view", () => {
    const view = { ...defaultView(), version: 12, filter: { actors: [], event_types: ["status_changed"], since: null, until: null } };
    expect(shipmentLink("SHP-2026-000001", view)).toBe("waybill://shipment/SHP-2026-000001?type=status_changed&v=12");
    expect(shipmentLink("SHP 1/2", defaultView())).toBe("waybill://shipment/SHP%201%2F2");
    expect(actorLink("a-1", { ...defaultView(), utc: true })).toBe("waybill://actor/a-1?utc=1");
  });

  it("tells a pasted link from a search (the core reads the link)", () => {
    expect(looksLikeLink(" waybill://shipment/SHP-2026-000001?v=3 ")).toBe(true);
    expect(looksLikeLink("waybill://overview")).toBe(true);
    expect(looksLikeLink("tauri://localhost/#/shipment/abc?v=2")).toBe(true);
    expect(looksLikeLink("SHP-2026")).toBe(false);
    expect(looksLikeLink("Coffee beans, Santos")).toBe(false);
  });

  it("escapes what it puts in HTML", () => {
    expect(linkHtml('waybill://shipment/a?x=1&y="2"', "<SHP>")).toBe(
      '<a href="waybill://shipment/a?x=1&amp;y=&quot;2&quot;">&lt;SHP&gt;</a>',
    );
  });
});
