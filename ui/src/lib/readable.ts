// Values as people read them in the timeline, the diff, blame and a field's
// history: field names as labels, statuses as their badges say them, times in
// the viewer's format and zone, "empty" for nothing. The raw JSON stays one
// click away (each view has a "Raw values" switch).

import { humanize } from "./format";
import { stamp } from "./timeline";

const LABELS: Record<string, string> = {
  eta: "ETA",
  current_location: "Current location",
  id: "ID",
};

/** `current_location` → `Current location`; `address.city` → `Address › City`. */
export function fieldLabel(path: string): string {
  if (!path) return "(whole state)";
  return path
    .split(".")
    .map((part) => LABELS[part] ?? humanize(part))
    .join(" › ");
}

/** Fields whose values are codes shown as badges elsewhere: shown the same way. */
const CODED = new Set(["status", "event_type", "kind", "state"]);

// An instant written by a program: `2026-11-02T14:30:00Z`, with or without
// fraction and offset (a date alone is left as it is).
const INSTANT = /^[+-]?\d{4,6}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** A value of `field` as people read it. */
export function readValue(field: string, value: unknown, utc: boolean): string {
  if (value === null || value === undefined || value === "") return "empty";
  if (typeof value === "string") {
    const last = field.split(".").pop() ?? field;
    if (CODED.has(last) && /^[a-z0-9_]+$/.test(value)) return humanize(value);
    if (INSTANT.test(value)) return `${stamp(value, utc)}${utc ? " UTC" : ""}`;
    return value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return value.toLocaleString();
  if (Array.isArray(value)) return value.length === 0 ? "empty list" : value.map((v) => readValue(field, v, utc)).join(", ");
  return JSON.stringify(value, null, 2);
}

/** The value exactly as stored, as JSON. */
export function rawValue(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value, null, 2);
}

/** A short value for one line: long text is cut, nested values are summed up. */
function brief(field: string, value: unknown, utc: boolean): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return "{…}";
  const text = readValue(field, value, utc).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * What a version changed, in one line as people read it:
 * `Status: Booked → In transit · ETA: 2026-11-05 10:00 · +2 more`.
 */
export function previewLine(
  preview: { field: string; old: unknown; new: unknown }[],
  changed: number,
  utc: boolean,
): string {
  const parts = preview.map((p) => {
    const after = brief(p.field, p.new, utc);
    const label = fieldLabel(p.field);
    return p.old === null || p.old === undefined ? `${label}: ${after}` : `${label}: ${brief(p.field, p.old, utc)} → ${after}`;
  });
  const rest = changed - preview.length;
  if (rest > 0) parts.push(`+${rest} more`);
  return parts.join(" · ");
}

/** `changes` that name no fields: text, a number, a list. (An object, even an
 *  empty one, is per field; `null` says nothing.) */
export function notPerField(changes: unknown): boolean {
  return changes !== null && changes !== undefined && (typeof changes !== "object" || Array.isArray(changes));
}
