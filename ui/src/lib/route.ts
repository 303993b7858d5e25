// The window's place lives in the URL hash, so Back/Forward work and a view can
// be reopened: `#/?q=text` (the list), `#/shipment/<id>` and `#/concurrency`.

export type Route =
  | { name: "list"; search: string }
  | { name: "shipment"; id: string }
  | { name: "concurrency" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  const [pathname, query = ""] = path.split("?", 2);
  const shipment = pathname.match(/^\/shipment\/([^/]+)$/);
  if (shipment) {
    return { name: "shipment", id: decodeURIComponent(shipment[1]) };
  }
  if (pathname === "/concurrency") {
    return { name: "concurrency" };
  }
  return { name: "list", search: new URLSearchParams(query).get("q") ?? "" };
}

export function formatRoute(route: Route): string {
  if (route.name === "shipment") {
    return `#/shipment/${encodeURIComponent(route.id)}`;
  }
  if (route.name === "concurrency") {
    return "#/concurrency";
  }
  return route.search ? `#/?${new URLSearchParams({ q: route.search })}` : "#/";
}
