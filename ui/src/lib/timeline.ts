// The timeline's place lives in the URL (filters, tab, open version), so Back
// works and a filtered view can be copied as a link.

import type { TimelineFilter } from "./bindings/TimelineFilter";
import type { TimelineEntry } from "./bindings/TimelineEntry";
import { asDate, shownAsStored } from "./format";

export type Tab = "timeline" | "blame" | "asof" | "activity";
export const TABS: { id: Tab; label: string }[] = [
  { id: "timeline", label: "Timeline" },
  // Named by the question it answers; "blame" is what the URL and developers call it.
  { id: "blame", label: "Who changed what" },
  { id: "asof", label: "As of" },
  { id: "activity", label: "Activity" },
];

export type TimelineView = {
  tab: Tab;
  filter: TimelineFilter;
  /** Show (and type) times in UTC instead of local time. */
  utc: boolean;
  /** The open version. */
  version: number | null;
  /** The version it is compared with, if not the one before. */
  compare: number | null;
  /** The moment the As of tab shows (ISO). */
  at: string | null;
  /** The field whose own history the "Who changed what" tab shows. */
  field: string | null;
};

export function emptyFilter(): TimelineFilter {
  return { actors: [], event_types: [], since: null, until: null };
}

export function defaultView(): TimelineView {
  return { tab: "timeline", filter: emptyFilter(), utc: false, version: null, compare: null, at: null, field: null };
}

function list(value: string | null): string[] {
  return value ? value.split(",").filter((v) => v.length > 0) : [];
}

function positive(value: string | null): number | null {
  const n = value ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function instant(value: string | null): string | null {
  return value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
}

export function parseView(query: string): TimelineView {
  const q = new URLSearchParams(query);
  const tab = TABS.find((t) => t.id === q.get("tab"))?.id ?? "timeline";
  return {
    tab,
    filter: {
      actors: list(q.get("actor")),
      event_types: list(q.get("type")),
      since: instant(q.get("since")),
      until: instant(q.get("until")),
    },
    utc: q.get("utc") === "1",
    version: positive(q.get("v")),
    compare: positive(q.get("cmp")),
    at: instant(q.get("at")),
    field: q.get("field") || null,
  };
}

/** The query string of a view; defaults are left out so links stay short. */
export function formatView(view: TimelineView): string {
  const q = new URLSearchParams();
  if (view.tab !== "timeline") q.set("tab", view.tab);
  if (view.filter.actors.length) q.set("actor", view.filter.actors.join(","));
  if (view.filter.event_types.length) q.set("type", view.filter.event_types.join(","));
  if (view.filter.since) q.set("since", view.filter.since);
  if (view.filter.until) q.set("until", view.filter.until);
  if (view.utc) q.set("utc", "1");
  if (view.version) q.set("v", String(view.version));
  if (view.compare) q.set("cmp", String(view.compare));
  if (view.at) q.set("at", view.at);
  if (view.field) q.set("field", view.field);
  return q.toString();
}

export function isFiltered(filter: TimelineFilter): boolean {
  return filter.actors.length > 0 || filter.event_types.length > 0 || !!filter.since || !!filter.until;
}

/** The viewer's IANA time zone, or UTC when asked for. */
export function zoneName(utc: boolean): string {
  return utc ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-11-02 14:05:09` in local time or UTC; with `ms`, `.123` appended.
 *  A time a browser cannot hold (`infinity`, years past 275760) shows as stored. */
export function stamp(iso: string | null, utc: boolean, ms = false): string {
  const d = asDate(iso);
  if (!d) return shownAsStored(iso);
  const [y, mo, da, h, mi, s, milli] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const text = `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  return ms ? `${text}.${pad(milli, 3)}` : text;
}

/** An ISO instant as typed text (`2026-11-02 14:30`), in local time or UTC. */
export function toInput(iso: string | null, utc: boolean): string {
  if (!iso) return "";
  const text = stamp(iso, utc);
  return text.endsWith(":00") ? text.slice(0, 16) : text;
}

/**
 * Typed text as an ISO instant: `2026-11-02`, `2026-11-02 14:30[:05]` (or with
 * `T`), in local time or UTC. A bare date is the start of that day, or with
 * `endOfDay` the start of the next, so "until 2026-11-02" includes that day.
 * "" → null; text that is not a time → undefined.
 */
export function fromInput(value: string, utc: boolean, endOfDay = false): string | null | undefined {
  const text = value.trim();
  if (!text) return null;
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const day = (d as number) + (h === undefined && endOfDay ? 1 : 0);
  const parts: [number, number, number, number, number, number] = [y!, mo! - 1, day, h ?? 0, mi ?? 0, s ?? 0];
  const date = utc ? new Date(Date.UTC(...parts)) : new Date(...parts);
  // Date rolls 2026-02-31 over to March; a person meant something else.
  const check = utc ? date.getUTCMonth() : date.getMonth();
  if (Number.isNaN(date.getTime()) || (h !== undefined && check !== mo! - 1)) return undefined;
  if (h === undefined && !endOfDay && check !== mo! - 1) return undefined;
  return date.toISOString();
}

/** A filtered view as plain text, for pasting into a ticket. */
export function asText(
  subject: string,
  filterText: string,
  utc: boolean,
  entries: TimelineEntry[],
): string {
  const zone = zoneName(utc);
  const lines = entries.map((e) => {
    const who = e.actor_name ?? e.actor_id ?? "—";
    const what = e.summary || e.description || "";
    return `v${e.version_no}\t${stamp(e.timestamp, utc, true)}\t${e.event_type}\t${who}\t${what}`;
  });
  return [`${subject} — ${filterText}; times in ${zone}`, "", ...lines].join("\n");
}

/** The filter in words, with actor ids replaced by names where known. */
export function describeFilter(filter: TimelineFilter, names: Map<string, string>, utc: boolean): string {
  const parts: string[] = [];
  if (filter.actors.length) parts.push(`actor ${filter.actors.map((a) => names.get(a) ?? a).join(" or ")}`);
  if (filter.event_types.length) parts.push(`event type ${filter.event_types.join(" or ")}`);
  if (filter.since) parts.push(`from ${stamp(filter.since, utc)}`);
  if (filter.until) parts.push(`before ${stamp(filter.until, utc)}`);
  return parts.length ? parts.join(", ") : "all versions";
}

/** Which rows of a fixed-height list to draw: the visible ones plus some overscan. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 10,
): { start: number; end: number } {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(viewport / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}

/** Recently opened shipments, newest first, kept in this window's storage. */
export type Recent = { id: string; reference: string; title: string };
const RECENT_KEY = "waybill.recent";
const RECENT_MAX = 8;

export function recentShipments(storage: Storage = localStorage): Recent[] {
  try {
    const value = JSON.parse(storage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((r) => r && typeof r.id === "string").slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function rememberShipment(item: Recent, storage: Storage = localStorage): Recent[] {
  const next = [item, ...recentShipments(storage).filter((r) => r.id !== item.id)].slice(0, RECENT_MAX);
  storage.setItem(RECENT_KEY, JSON.stringify(next));
  return next;
}
