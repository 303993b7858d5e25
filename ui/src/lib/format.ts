// How values read on screen. Times are shown in the user's local time zone.

const pad = (n: number) => String(n).padStart(2, "0");

/** The time as a Date, or null for one a browser cannot hold (missing,
 *  `infinity`, beyond the year 275760): those show as stored. */
export function asDate(iso: string | null): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** How a time that is not a Date reads: as stored, or "no time recorded". */
export function shownAsStored(iso: string | null): string {
  return iso ?? "no time recorded";
}

/** `2026-11-26 14:05` in local time. */
export function localDateTime(iso: string | null, seconds = false): string {
  const d = asDate(iso);
  if (!d) return shownAsStored(iso);
  const minutes = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${minutes}:${pad(d.getSeconds())}` : minutes;
}

/** Full precision for tooltips: local time with milliseconds and the UTC instant. */
export function preciseTime(iso: string | null): string {
  const d = asDate(iso);
  if (!d) return shownAsStored(iso);
  const ms = String(d.getMilliseconds()).padStart(3, "0");
  return `${localDateTime(iso)}:${pad(d.getSeconds())}.${ms} local · ${d.toISOString()}`;
}

/** `3 min ago`, `5 h ago`, `2 d ago`; older than a month: the date. Future: `in 4 d`. */
export function relativeTime(iso: string | null, now: Date = new Date()): string {
  const d = asDate(iso);
  if (!d) return shownAsStored(iso);
  const seconds = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const say = (n: number, unit: string) => (future ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (s < 45) return future ? "in a moment" : "just now";
  if (s < 3600) return say(Math.round(s / 60), "min");
  if (s < 86400) return say(Math.round(s / 3600), "h");
  if (s < 30 * 86400) return say(Math.round(s / 86400), "d");
  return localDateTime(iso).slice(0, 10);
}

const ACRONYMS = new Set(["eta", "id", "url"]);

/** `out_for_delivery` → `Out for delivery`; `eta` → `ETA`. */
export function humanize(code: string): string {
  const text = code
    .split("_")
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word))
    .join(" ")
    .trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type Tone = "good" | "bad" | "warn" | "info" | "neutral";

/** The colour family of a shipment status or event type badge. */
export function tone(code: string): Tone {
  switch (code) {
    case "delivered":
      return "good";
    case "exception":
    case "exception_raised":
    case "cancelled":
      return "bad";
    case "on_hold":
    case "at_customs":
    case "eta_changed":
      return "warn";
    case "created":
    case "booked":
      return "neutral";
    default:
      return "info";
  }
}

/** `Hamburg, DE` → `Hamburg`. */
export function city(place: string): string {
  return place.split(",")[0].trim();
}
