// The window's place lives in the URL hash, so Back/Forward work and a view can
// be reopened: `#/?q=text&status=…` (the list, see shipments.ts), `#/shipment/<id>?…` (its timeline, with
// filters, tab and open version), `#/actor/<id>?…`, `#/concurrency`, `#/health`,
// `#/integrity[?shipment=<id or reference>]`, `#/overview` and `#/connections`.

import { LINK_VIEWS } from "./bindings/linkViews";
import { formatList, parseList, type ListView } from "./shipments";
import { defaultView, formatView, parseView, type TimelineView } from "./timeline";

/** The pages that take nothing but their name (their paths are the core's `LINK_VIEWS`). */
export type Page = "concurrency" | "health" | "overview" | "connections";

export type Route =
  | { name: "list"; list: ListView }
  | { name: "shipment"; id: string; view: TimelineView }
  | { name: "actor"; id: string; view: TimelineView }
  | { name: Page }
  | { name: "integrity"; shipment: string | null };

/** The views a link can name that take neither a key nor a query: plain pages. */
const PAGES = LINK_VIEWS.filter((v) => !v.keyed && !v.query).map((v) => v.path);

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  const [pathname, query = ""] = path.split("?", 2);
  const page = pathname.match(/^\/(shipment|actor)\/([^/]+)$/);
  if (page) {
    const name = page[1] as "shipment" | "actor";
    return { name, id: decodeURIComponent(page[2]), view: parseView(query) };
  }
  if (pathname === "/integrity") {
    return { name: "integrity", shipment: new URLSearchParams(query).get("shipment") || null };
  }
  if (PAGES.includes(pathname.slice(1))) {
    return { name: pathname.slice(1) as Page };
  }
  return { name: "list", list: parseList(query) };
}

export function formatRoute(route: Route): string {
  if (route.name === "shipment" || route.name === "actor") {
    const query = formatView(route.view);
    return `#/${route.name}/${encodeURIComponent(route.id)}${query ? `?${query}` : ""}`;
  }
  if (route.name === "integrity") {
    return route.shipment ? `#/integrity?${new URLSearchParams({ shipment: route.shipment })}` : "#/integrity";
  }
  if (route.name === "list") {
    const query = formatList(route.list);
    return query ? `#/?${query}` : "#/";
  }
  return `#/${route.name}`;
}

export function shipmentRoute(id: string, view: Partial<TimelineView> = {}): Route {
  return { name: "shipment", id, view: { ...defaultView(), ...view } };
}

export function actorRoute(id: string, view: Partial<TimelineView> = {}): Route {
  return { name: "actor", id, view: { ...defaultView(), ...view } };
}
