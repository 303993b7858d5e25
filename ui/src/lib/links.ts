// Links a colleague can open: `waybill://shipment/SHP-2026-000001?type=status_changed&v=12`.
// The desktop entry registers the scheme, so a link clicked in chat or a ticket
// starts Waybill (or hands it to the running one) on that exact view. Which views
// a link can name, and how a link becomes the window's route, is the core's
// (`waybill::links`): a pasted link is read there too (`routeOfLink`).

import { formatView, type TimelineView } from "./timeline";

export const SCHEME = "waybill";

/** The link to a shipment's view, by its reference (what people recognise). */
export function shipmentLink(reference: string, view: TimelineView): string {
  const query = formatView(view);
  return `${SCHEME}://shipment/${encodeURIComponent(reference)}${query ? `?${query}` : ""}`;
}

export function actorLink(id: string, view: TimelineView): string {
  const query = formatView(view);
  return `${SCHEME}://actor/${encodeURIComponent(id)}${query ? `?${query}` : ""}`;
}

/** Text that is a link to a view, not a search: a `waybill://` link, or the address of a view in the window. */
export function looksLikeLink(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith("waybill://") || /^\S*#\/\S*$/.test(trimmed);
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** A clickable link as HTML: `label` is its text (the shipment's reference). */
export function linkHtml(url: string, label: string): string {
  return `<a href="${escape(url)}">${escape(label)}</a>`;
}

/**
 * Copies text, and HTML when given (chat apps and tickets paste it as a
 * clickable link; plain-text fields get the URL). Runs inside the click that
 * asked for it, as the clipboard requires.
 */
export function copyToClipboard(plain: string, html?: string): boolean {
  const onCopy = (e: ClipboardEvent) => {
    e.clipboardData?.setData("text/plain", plain);
    if (html) e.clipboardData?.setData("text/html", html);
    e.preventDefault();
  };
  document.addEventListener("copy", onCopy);
  try {
    return document.execCommand("copy");
  } finally {
    document.removeEventListener("copy", onCopy);
  }
}
