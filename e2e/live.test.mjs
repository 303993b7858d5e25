// Live timelines on the real app: versions written (through
// create_history_entry, as any writer would) while a shipment's timeline is
// shown appear on top, in order, once each, marked new; with a version open
// they wait behind a pill instead of moving the list; filters apply to them.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, startApp } from "./harness.mjs";

let run;
let url;
let shipment;
let actor;

before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 120_000 });
  url = execFileSync(cli, ["sandbox", "url"], { env: run.env }).toString().trim();
  const shipments = JSON.parse(execFileSync(cli, ["shipments", "--limit", "20", "--json"], { env: run.env }).toString());
  shipment = shipments.find((s) => s.versions >= 5 && s.versions < 200);
  assert.ok(shipment, "a shipment with a short history");
  actor = psql("SELECT id FROM actors ORDER BY email LIMIT 1")[0];
});
after(async () => {
  await run?.stop();
});

function psql(query) {
  return execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", query], { env: run.env })
    .toString().trim().split("\n").filter(Boolean);
}

/** Writes one version as an application would; returns its number. */
function write(eventType, note) {
  const changes = JSON.stringify({ last_note: { old: null, new: note } });
  return Number(psql(`SELECT version_no FROM create_history_entry('${shipment.id}', '${eventType}', '${actor}', '${changes}'::jsonb)`)[0]);
}

const rowVersions = (s) =>
  s.run("return [...document.querySelectorAll('[data-testid=version-row]')].map((r) => Number(r.dataset.version))");

test("new versions appear on top in order, once each, without moving an open version", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${shipment.id}"`);
  await s.waitFor('[data-testid="version-row"]');
  const before = await rowVersions(s);
  const top = before[0];

  const written = [write("note_added", "live one"), write("note_added", "live two"), write("note_added", "live three")];
  assert.deepEqual(written, [top + 1, top + 2, top + 3]);
  const now = await s.until("the new versions on top", async () => {
    const v = await rowVersions(s);
    return v[0] === top + 3 ? v : null;
  }, 15_000);
  assert.deepEqual(now.slice(0, 4), [top + 3, top + 2, top + 1, top], "newest first, in order, nothing skipped");
  assert.equal(new Set(now).size, now.length, "each version once");
  const fresh = await s.run("return [...document.querySelectorAll('[data-testid=version-row][data-fresh]')].map((r) => Number(r.dataset.version))");
  assert.deepEqual(fresh.sort(), written.sort(), "the arrivals are marked new");
  console.log(`screenshot: ${await run.screenshot("live.png")}`);

  // A version open: arrivals wait behind a pill; the list does not move.
  await s.click((await s.$$(`[data-testid="version-row"][data-version="${top}"] span:nth-child(2)`))[0]);
  await s.waitFor('[data-testid="version-panel"]');
  const shown = await rowVersions(s);
  const more = [write("note_added", "while reading"), write("note_added", "still reading")];
  const [pill] = await s.waitFor('[data-testid="new-versions"]', { timeout: 15_000 });
  await s.until("both arrivals counted", async () => /2 new versions/.test(await s.text(pill)));
  assert.deepEqual(await rowVersions(s), shown, "the rows the reader looks at stay where they were");
  console.log(`screenshot: ${await run.screenshot("live-pill.png")}`);
  await s.click(pill);
  const after = await s.until("the waiting versions on top", async () => {
    const v = await rowVersions(s);
    return v[0] === more[1] ? v : null;
  });
  assert.deepEqual(after.slice(0, 3), [more[1], more[0], top + 3]);
  assert.equal(new Set(after).size, after.length, "each version once");
});

test("filters apply to new versions", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${shipment.id}?type=exception_raised"`);
  await s.until("the filtered list", async () => /type=exception_raised/.test(await s.run("return location.hash")));
  await new Promise((r) => setTimeout(r, 1000));
  const note = write("note_added", "not shown");
  const raised = write("exception_raised", "shown");
  await s.until("the matching arrival", async () => (await rowVersions(s)).includes(raised), 15_000);
  await new Promise((r) => setTimeout(r, 2000));
  const v = await rowVersions(s);
  assert.ok(!v.includes(note), `the note (v${note}) is filtered out: ${v}`);
  assert.equal(v[0], raised);
});

test("an actor's view shows their new changes on top, across shipments", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/actor/${actor}"`);
  await s.waitFor('[data-testid="version-row"]');
  const v = write("note_added", "from the actor view");
  const top = await s.until("the new change on top", async () =>
    s.run(`const r = document.querySelector('[data-testid=version-row]');
      return r && Number(r.dataset.version) === ${v} && r.hasAttribute('data-fresh') ? r.innerText : null;`), 15_000);
  assert.match(top, new RegExp(shipment.reference));
});

/** The list's references, top first, and which are marked new. */
const listRows = (s) =>
  s.run("return [...document.querySelectorAll('[data-testid=shipment-row]')].map((r) => [r.querySelector('td').textContent.trim(), r.dataset.fresh === 'true'])");

test("the shipment list follows changes: the changed shipments come on top, marked, or wait behind a pill", async () => {
  const s = run.session;
  await s.run("location.hash = '#/'");
  await s.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 60_000 });
  // What the simulator writes (through create_history_entry, the row updated with it).
  const written = execFileSync(cli, ["sandbox", "simulate", "--rate", "600", "--count", "3"], { env: run.env })
    .toString().trim().split("\n").map((line) => line.split(" ")[0]);
  assert.equal(written.length, 3);
  const rows = await s.until("the last one written on top", async () => {
    const r = await listRows(s);
    return r[0]?.[0] === written[2] && r[0][1] ? r : null;
  }, 15_000);
  const top = rows.slice(0, new Set(written).size).map((r) => r[0]);
  assert.deepEqual(new Set(top), new Set(written), "every shipment written is on top");
  assert.ok(rows.slice(0, top.length).every((r) => r[1]), "and marked new");

  // A reader who moved down the list keeps their place: a pill says what changed.
  await s.run("document.body.focus()");
  await s.keys("\uE015"); // ArrowDown: the second row is chosen
  const before = (await listRows(s)).map((r) => r[0]);
  const more = execFileSync(cli, ["sandbox", "simulate", "--rate", "600", "--count", "1"], { env: run.env })
    .toString().trim().split(" ")[0];
  const [pill] = await s.waitFor('[data-testid="updated-shipments"]', { timeout: 15_000 });
  assert.match(await s.text(pill), /↑ 1 shipment updated/);
  assert.deepEqual((await listRows(s)).map((r) => r[0]), before, "nothing moved under the reader");
  await s.click(pill);
  await s.until("the change on top", async () => (await listRows(s))[0]?.[0] === more, 5_000);
});

test("Simulate activity on the sandbox writes changes until switched off", async () => {
  const s = run.session;
  await s.run("location.hash = '#/'");
  const [rate] = await s.waitFor('[data-testid="simulator-rate"]', { timeout: 30_000 });
  await s.run("const r = document.querySelector('[data-testid=simulator-rate]'); r.value = '600'; r.dispatchEvent(new Event('change'))");
  const count = () => Number(psql("SELECT count(*) FROM shipment_history")[0]);
  const start = count();
  await s.click((await s.$$('[data-testid="simulator-switch"]'))[0]);
  const status = await s.until("a few written", async () => {
    const [el] = await s.$$('[data-testid="simulator-status"]');
    const text = el ? await s.text(el) : "";
    return Number(text.match(/^(\d+) written/)?.[1] ?? 0) >= 3 ? text : null;
  }, 20_000);
  assert.match(status, /SHP-\d{4}-\d{6} v\d+ /);
  await s.until("the list shows what it wrote", async () => (await listRows(s)).some((r) => r[1]), 15_000);
  await s.click((await s.$$('[data-testid="simulator-switch"]'))[0]);
  await s.until("switched off", async () => (await s.$$('[data-testid="simulator-status"]')).length === 0, 10_000);
  const stopped = count();
  assert.ok(stopped >= start + 3, `${stopped - start} changes written`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(count(), stopped, "nothing written after it was switched off");
  assert.ok(rate);
});
