// The shell's native dialogs (the confirmation before a write to a database
// that is not the sandbox) live outside the webview, where WebDriver cannot
// reach: they are found by their title and answered with the keyboard through
// xdotool, as a person would.

import { execFileSync } from "node:child_process";

function windowsNamed(title) {
  try {
    return execFileSync("xdotool", ["search", "--onlyvisible", "--name", title]).toString().split(/\s+/).filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

/** Waits for a dialog whose title matches `title`; returns its window id and title. */
export async function waitForDialog(title, timeout = 20_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const [id] = windowsNamed(title);
    if (id) return { id, title: execFileSync("xdotool", ["getwindowname", id]).toString().trim() };
    if (Date.now() > until) throw new Error(`no dialog titled ${title} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Presses `keys` (xdotool syntax, e.g. "alt+w" or "Escape") in the dialog. */
export async function answerDialog(dialog, keys) {
  execFileSync("xdotool", ["windowfocus", "--sync", dialog.id]);
  await new Promise((r) => setTimeout(r, 150));
  execFileSync("xdotool", ["key", "--clearmodifiers", keys]);
  const until = Date.now() + 10_000;
  while (windowsNamed(dialog.title.replace(/[?()[\]]/g, ".")).includes(dialog.id)) {
    if (Date.now() > until) throw new Error(`the dialog ${dialog.title} did not close after ${keys}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A picture of the dialog, for people to look at. */
export function screenshotDialog(dialog, file) {
  execFileSync("import", ["-window", dialog.id, file]);
}
