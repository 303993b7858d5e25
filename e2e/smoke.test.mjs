// The real desktop app on a fresh sandbox: it starts, shows demo shipments,
// a search narrows them, a click opens the shipment page, Back returns.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, startApp } from "./harness.mjs";

let run;
before(async () => {
  run = await startApp();
});
after(async () => {
  await run?.stop();
});

test("a fresh sandbox opens on demo shipments", async () => {
  const s = run.session;
  // First start: initdb, migrations and ~100,000 demo rows.
  const rows = await s.waitFor('[data-testid="shipment-row"]', { count: 20, timeout: 120_000 });
  assert.ok(rows.length >= 20, `shows demo shipments (${rows.length})`);
  const connection = await s.text((await s.$$('[data-testid="connection"]'))[0]);
  assert.match(connection, /Sandbox/);
  const first = await s.text(rows[0]);
  assert.match(first, /SHP-\d{4}-\d{6}/);
  console.log(`screenshot: ${await run.screenshot("shipments.png")}`);
});

test("a search narrows the list, and an unknown one says what to do", async () => {
  const s = run.session;
  const rows = await s.$$('[data-testid="shipment-row"]');
  const reference = (await s.text(rows[3])).match(/SHP-\d{4}-\d{6}/)[0];
  const search = (await s.$$('[data-testid="search"]'))[0];

  await s.type(search, reference);
  const narrowed = await s.until("the list to narrow to one shipment", async () => {
    const now = await s.$$('[data-testid="shipment-row"]');
    return now.length === 1 ? now : null;
  });
  assert.match(await s.text(narrowed[0]), new RegExp(reference));
  assert.equal(await s.run("return location.hash"), `#/?q=${reference}`, "the search is in the URL");

  await s.clear(search);
  await s.type(search, "no-such-shipment-xyz");
  const empty = await s.waitFor('[data-testid="empty"]');
  assert.match(await s.text(empty[0]), /No shipment matches/);

  await s.clear(search);
  await s.type(search, reference);
  await s.until("the match to come back", async () => (await s.$$('[data-testid="shipment-row"]')).length === 1);
});

test("a click opens the shipment page, and Back returns to the list", async () => {
  const s = run.session;
  // WebDriver will not click a <tr> itself; a person clicks a cell of it.
  const [cell] = await s.$$('[data-testid="shipment-row"] td:nth-child(2)');
  const listedTitle = await s.cmd("GET", `/element/${cell}/attribute/title`);
  await s.click(cell);

  const [title] = await s.waitFor('[data-testid="shipment-title"]');
  assert.equal(await s.text(title), listedTitle, "the page is the shipment that was clicked");
  await s.waitFor('[data-testid="version-row"]');
  const versions = await s.textContents('[data-testid="version-row"] span.num');
  assert.ok(versions.length > 0, "the latest changes are listed");
  const numbers = versions.map((v) => Number(v.replace(/^v/, "")));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), "newest first");
  assert.ok(numbers.every(Number.isInteger), versions.join(","));
  assert.match(await s.run("return location.hash"), /^#\/shipment\//);
  console.log(`screenshot: ${await run.screenshot("shipment.png")}`);

  await s.click((await s.$$('[data-testid="back"]'))[0]);
  await s.waitFor('[data-testid="shipment-row"]');
  assert.match(await s.run("return location.hash"), /^#\/\?q=/, "Back restores the searched list");

  // Esc clears the search; without one, the list offers the shipment just opened.
  await s.type((await s.$$('[data-testid="search"]'))[0], "\uE00C");
  const [recent] = await s.waitFor('[data-testid="recent"] a');
  assert.match(await s.text(recent), /SHP-\d{4}-\d{6}/, "recently opened");
});

test("a second launch hands over to the running app and exits", async () => {
  const { spawnSync } = await import("node:child_process");
  const { app } = await import("./harness.mjs");
  const second = spawnSync(app, [], { env: run.env, timeout: 20_000 });
  assert.equal(second.error, undefined, `the second launch exited by itself: ${second.error}`);
  assert.equal(second.status, 0, second.stderr?.toString());
  // The first app is untouched and still answers.
  const rows = await run.session.waitFor('[data-testid="shipment-row"], [data-testid="shipment-title"]');
  assert.ok(rows.length > 0);
});

test("the window cannot be navigated away from the app", async () => {
  const s = run.session;
  const before = await s.run("return location.origin");
  await s.run("location.href = 'https://example.com/'; return true;");
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await s.run("return location.origin"), before, "still the app's own page");
  assert.ok((await s.$$('[data-testid="nav-shipments"]')).length > 0, "and it still shows the app");
});

/** The sandbox server's pid while it runs (its postmaster.pid), else null. */
function sandboxPid(dataHome) {
  const file = join(dataHome, "waybill/sandbox/data/postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function gone(what, check, timeout = 30_000) {
  const until = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const [how, end] of [
  // Its close button, through the window manager's message (not WebDriver's
  // "close window", after which WebKitWebDriver kills the app outright).
  ["its window is closed", (other) => execFileSync("/usr/bin/python3", [join(import.meta.dirname, "close-window.py"), String(other.appPid())])],
  ["it is sent SIGTERM", (other) => process.kill(other.appPid(), "SIGTERM")],
]) {
  test(`the app stops the sandbox it started when ${how}`, async () => {
    // One app at a time (tauri-driver drives one session): the shared one goes first.
    await run?.stop();
    run = null;
    const other = await startApp();
    try {
      await other.session.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
      const app = other.appPid();
      const server = sandboxPid(other.dataHome);
      assert.ok(app, "the app runs");
      assert.ok(server, "the app started its sandbox");
      await end(other);
      await gone("the app did not exit", () => !existsSync(`/proc/${app}`));
      await gone("the sandbox still runs after the app exited", () => sandboxPid(other.dataHome) === null);
      const status = execFileSync(cli, ["sandbox", "status"], { env: other.env }).toString();
      assert.match(status, /stopped/i, status);
    } finally {
      await other.stop();
    }
  });
}
