// The shipment list's place in the URL: `#/?q=text&status=delayed,held&carrier=DHL&carrier=UPS&sort=eta&rev=1&test=1`,
// so Back returns to the list as it was and a filtered list can be linked.

import type { ShipmentQuery } from "./bindings/ShipmentQuery";
import type { ShipmentSort } from "./bindings/ShipmentSort";

export type ListView = {
  search: string;
  statuses: string[];
  carriers: string[];
  sort: ShipmentSort;
  /** Against the column's natural direction (newest / A–Z / most first). */
  reversed: boolean;
  /** Show the shipments the concurrency test created. */
  test: boolean;
};

/** The sortable columns and their natural direction, as the header says it. */
export const SORTS: Record<ShipmentSort, { label: string; natural: "asc" | "desc" }> = {
  updated: { label: "Updated", natural: "desc" },
  reference: { label: "Reference", natural: "asc" },
  title: { label: "Title", natural: "asc" },
  status: { label: "Status", natural: "asc" },
  carrier: { label: "Carrier", natural: "asc" },
  eta: { label: "ETA", natural: "asc" },
  versions: { label: "Versions", natural: "desc" },
};

export function defaultList(): ListView {
  return { search: "", statuses: [], carriers: [], sort: "updated", reversed: false, test: false };
}

function list(value: string | null): string[] {
  return value ? value.split(",").filter((v) => v.length > 0) : [];
}

export function parseList(query: string): ListView {
  const q = new URLSearchParams(query);
  const sort = q.get("sort");
  return {
    search: q.get("q") ?? "",
    statuses: list(q.get("status")),
    // One parameter per carrier: a carrier's name may hold a comma.
    carriers: q.getAll("carrier").filter((c) => c.length > 0),
    sort: sort && sort in SORTS ? (sort as ShipmentSort) : "updated",
    reversed: q.get("rev") === "1",
    test: q.get("test") === "1",
  };
}

/** The query string of a list view; defaults are left out. */
export function formatList(view: ListView): string {
  const q = new URLSearchParams();
  if (view.search) q.set("q", view.search);
  if (view.statuses.length) q.set("status", view.statuses.join(","));
  for (const c of view.carriers) q.append("carrier", c);
  if (view.sort !== "updated") q.set("sort", view.sort);
  if (view.reversed) q.set("rev", "1");
  if (view.test) q.set("test", "1");
  return q.toString();
}

export function toQuery(view: ListView, limit: number): ShipmentQuery {
  return {
    search: view.search.trim(),
    statuses: view.statuses,
    carriers: view.carriers,
    sort: view.sort,
    reversed: view.reversed,
    include_test: view.test,
    limit,
  };
}

/** Clicking a header: that column in its natural direction, again to reverse it. */
export function sortBy(view: ListView, sort: ShipmentSort): ListView {
  return { ...view, sort, reversed: view.sort === sort ? !view.reversed : false };
}

/** Which way a column is sorted now, for its header (null: not sorted by it). */
export function direction(view: ListView, sort: ShipmentSort): "ascending" | "descending" | null {
  if (view.sort !== sort) return null;
  const natural = SORTS[sort].natural;
  const asc = natural === "asc" ? !view.reversed : view.reversed;
  return asc ? "ascending" : "descending";
}

/** The count line's description of the order. */
export function orderText(view: ListView): string {
  const dir = direction(view, view.sort);
  const words: Record<ShipmentSort, [string, string]> = {
    updated: ["least recently updated first", "most recently updated first"],
    reference: ["by reference", "by reference, Z to A"],
    title: ["by title", "by title, Z to A"],
    status: ["by status", "by status, Z to A"],
    carrier: ["by carrier", "by carrier, Z to A"],
    eta: ["earliest ETA first", "latest ETA first"],
    versions: ["fewest versions first", "most versions first"],
  };
  return words[view.sort][dir === "ascending" ? 0 : 1];
}

export function isNarrowed(view: ListView): boolean {
  return view.search.trim() !== "" || view.statuses.length > 0 || view.carriers.length > 0;
}
