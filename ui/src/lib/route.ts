// The window's place lives in the URL hash, so Back/Forward work and a view can
// be reopened: `#/?q=text&status=…` (the list, see shipments.ts), `#/shipment/<id>?…` (its timeline, with
// filters, tab and open version), `#/actor/<id>?…`, `#/concurrency`, `#/health`,
// `#/integrity[?shipment=<id or reference>]`, `#/overview` and `#/connections`.

import { formatList, parseList, type ListView } from "./shipments";
import { defaultView, formatView, parseView, type TimelineView } from "./timeline";

export type Route =
  | { name: "list"; list: ListView }
  | { name: "shipment"; id: string; view: TimelineView }
  | { name: "actor"; id: string; view: TimelineView }
  | { name: "concurrency" }
  | { name: "health" }
  | { name: "overview" }
  | { name: "integrity"; shipment: string | null }
  | { name: "connections" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  const [pathname, query = ""] = path.split("?", 2);
  const page = pathname.match(/^\/(shipment|actor)\/([^/]+)$/);
  if (page) {
    const name = page[1] as "shipment" | "actor";
    return { name, id: decodeURIComponent(page[2]), view: parseView(query) };
  }
  if (pathname === "/concurrency") {
    return { name: "concurrency" };
  }
  if (pathname === "/integrity") {
    return { name: "integrity", shipment: new URLSearchParams(query).get("shipment") || null };
  }
  if (pathname === "/health" || pathname === "/connections" || pathname === "/overview") {
    return { name: pathname.slice(1) as "health" | "connections" | "overview" };
  }
  return { name: "list", list: parseList(query) };
}

export function formatRoute(route: Route): string {
  if (route.name === "shipment" || route.name === "actor") {
    const query = formatView(route.view);
    return `#/${route.name}/${encodeURIComponent(route.id)}${query ? `?${query}` : ""}`;
  }
  if (route.name === "concurrency" || route.name === "health" || route.name === "connections" || route.name === "overview") {
    return `#/${route.name}`;
  }
  if (route.name === "integrity") {
    return route.shipment ? `#/integrity?${new URLSearchParams({ shipment: route.shipment })}` : "#/integrity";
  }
  const query = formatList(route.list);
  return query ? `#/?${query}` : "#/";
}

export function shipmentRoute(id: string, view: Partial<TimelineView> = {}): Route {
  return { name: "shipment", id, view: { ...defaultView(), ...view } };
}

export function actorRoute(id: string, view: Partial<TimelineView> = {}): Route {
  return { name: "actor", id, view: { ...defaultView(), ...view } };
}
