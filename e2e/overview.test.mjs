// The Overview screen on the real app, over the sandbox's demo data: its
// figures are the CLI's for the same range (one core function underneath),
// a busy shipment opens its timeline, an open exception opens the version
// that raised it, a bad custom date is refused before any read, and "Save
// report" writes one self-contained HTML file with its charts.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cli, startApp } from "./harness.mjs";

let run;

before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 120_000 });
});
after(async () => {
  await run?.stop();
});

/** The overview of the last 30 days as the CLI reads it, in the app's zone. */
function cliOverview() {
  const out = execFileSync(cli, ["overview", "--last", "30d", "--json"], { env: run.env }).toString();
  return JSON.parse(out);
}

test("the overview shows the CLI's figures, and its rows open shipments", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="nav-overview"]'))[0]);
  await s.waitFor('[data-testid="overview-figures"]', { timeout: 60_000 });
  await s.click((await s.$$('[data-testid="range-last30_days"]'))[0]);
  const expected = cliOverview();
  assert.ok(expected.changes > 0, "the demo data changed in the last 30 days");
  const shown = await s.until("the 30-day figures", async () => {
    const [el] = await s.$$('[data-testid="overview-changes"]');
    const text = el ? (await s.text(el)).replace(/\D/g, "") : "";
    return Number(text) === expected.changes ? text : null;
  }, 60_000);
  assert.equal(Number(shown), expected.changes);
  const open = (await s.text((await s.$$('[data-testid="overview-open"]'))[0])).replace(/\D/g, "");
  assert.equal(Number(open), expected.exceptions.open);
  await s.waitFor('[data-testid="overview-activity"] svg');
  const refs = await s.run("return [...document.querySelectorAll('[data-testid=overview-shipments] tbody tr td:first-child')].map((c) => c.textContent.trim())");
  assert.deepEqual(refs, expected.top_shipments.map((x) => x.reference));
  console.log(`screenshot: ${await run.screenshot("overview.png")}`);
  await s.run("document.querySelector('[data-testid=overview-statuses]').scrollIntoView({ block: 'start' })");
  console.log(`screenshot: ${await run.screenshot("overview-details.png")}`);

  // The busiest shipment opens its timeline.
  await s.click((await s.$$('[data-testid="overview-shipments"] tbody tr td'))[0]);
  await s.until("the busiest shipment's timeline", async () =>
    (await s.run("return location.hash")).startsWith(`#/shipment/${expected.top_shipments[0].id}`));
  await s.run("history.back()");
  await s.waitFor('[data-testid="overview-figures"]', { timeout: 60_000 });

  // An open exception opens the version that raised it.
  if (expected.exceptions.open_list.length) {
    await s.click((await s.$$('[data-testid="range-last30_days"]'))[0]);
    const first = await s.until("the open exceptions", async () => {
      const cells = await s.$$('[data-testid="overview-open-list"] tbody tr td');
      return cells.length >= 4 ? cells : null;
    }, 60_000);
    const e = expected.exceptions.open_list[0];
    await s.click(first[0]);
    await s.until("the version that raised it", async () => {
      const hash = await s.run("return location.hash");
      return hash.startsWith(`#/shipment/${e.shipment_id}`) && new RegExp(`[?&]v=${e.version}\\b`).test(hash);
    });
    await s.waitFor('[data-testid="version-panel"]');
  }
});

test("the last 24 hours in UTC show the CLI's figures for the same range", async () => {
  const s = run.session;
  await s.run("location.hash = '#/overview'");
  await s.waitFor('[data-testid="overview-figures"]', { timeout: 60_000 });
  // The range rolls with the clock: a change may leave it between two reads,
  // so the window's figure is the CLI's just before or just after.
  const day = () => JSON.parse(execFileSync(cli, ["overview", "--last", "24h", "--utc", "--json"], { env: run.env }).toString()).changes;
  const before = day();
  await s.click((await s.$$('[data-testid="range-last24_hours"]'))[0]);
  await s.click((await s.$$('[data-testid="overview-utc"]'))[0]);
  const expected = { changes: [before, day()] };
  await s.until("the 24-hour figures in UTC", async () => {
    const [span] = await s.$$('[data-testid="overview-span"]');
    const [changes] = await s.$$('[data-testid="overview-changes"]');
    if (!span || !changes) return null;
    const text = await s.text(span);
    const n = Number((await s.text(changes)).replace(/\D/g, ""));
    return /\(UTC\)/.test(text) && expected.changes.includes(n) ? text : null;
  }, 60_000);
  // The range is 24 hours long, in UTC.
  const span = await s.text((await s.$$('[data-testid="overview-span"]'))[0]);
  const [from, to] = span.match(/\d{4}-\d\d-\d\d \d\d:\d\d/g).map((t) => Date.parse(`${t.replace(" ", "T")}:00Z`));
  assert.ok(Math.abs(to - from - 24 * 3600_000) <= 60_000, span);
});

test("a custom range takes dates; a bad one is refused before any read", async () => {
  const s = run.session;
  await s.run("location.hash = '#/overview'");
  await s.waitFor('[data-testid="overview-figures"]', { timeout: 60_000 });
  await s.click((await s.$$('[data-testid="range-custom"]'))[0]);
  const [from] = await s.waitFor('[data-testid="overview-from"]');
  await s.type(from, "2026-13-45");
  await s.until("Show disabled", async () => s.run("return document.querySelector('[data-testid=overview-apply]').disabled"));
  await s.run("const i = document.querySelector('[data-testid=overview-from]'); i.value = ''; i.dispatchEvent(new Event('input'))");
  await s.type(from, "2000-01-01");
  const [to] = await s.$$('[data-testid="overview-to"]');
  await s.type(to, "2000-01-07");
  await s.click((await s.$$('[data-testid="overview-apply"]'))[0]);
  const [empty] = await s.waitFor('[data-testid="overview-empty"]', { timeout: 60_000 });
  assert.match(await s.text(empty), /No changes in this range/);
  assert.match(await s.text((await s.$$('[data-testid="overview-span"]'))[0]), /2000-01-01 00:00 to 2000-01-08 00:00/);
});

test("Save report writes one self-contained HTML file and a PNG per chart", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="range-last30_days"]'))[0]);
  await s.waitFor('[data-testid="overview-activity"] svg', { timeout: 60_000 });
  await s.click((await s.$$('[data-testid="overview-save"]'))[0]);
  const [status] = await s.waitFor('[data-testid="overview-saved"]', { timeout: 60_000 });
  const text = await s.text(status);
  const path = text.match(/Saved the report to (.+\.html)/)?.[1];
  assert.ok(path && existsSync(path), `the report exists: ${text}`);
  const html = readFileSync(path, "utf8");
  assert.ok(!html.includes("http"), "no network references");
  assert.equal((html.match(/<svg/g) ?? []).length, 2, "both charts inline");
  assert.match(html, /Waybill overview: waybill/);
  assert.match(text, /2 charts as PNG/);
});
