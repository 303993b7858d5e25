// The timeline screen on the real app: open the longest demo history, scroll
// through keyset pages, filter by actor and event type, open a diff, jump from
// blame to a version, see the state as of a time, the activity chart, the actor
// view, and export the filtered timeline.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { cli, startApp } from "./harness.mjs";

let run;
let longest;
let sandboxUrl;

/** Rows of `query` on the app's sandbox, through psql: the database's own answer, not the app's. */
function sql(query) {
  return execFileSync("psql", [sandboxUrl, "-qAt", "-F", "\t", "-c", query]).toString().trim().split("\n").filter(Boolean);
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
function csvRows(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
  // The app started the sandbox; the CLI finds the same one through XDG_DATA_HOME.
  const env = { ...process.env, XDG_DATA_HOME: run.dataHome };
  // The demo data's longest histories are its first shipments (…-000001, …-000002).
  const list = ["-000001", "-000002"].flatMap((q) =>
    JSON.parse(execFileSync(cli, ["shipments", `--search=${q}`, "--json"], { env }).toString()),
  );
  longest = list.reduce((a, b) => (b.versions > a.versions ? b : a));
  sandboxUrl = execFileSync(cli, ["sandbox", "url"], { env }).toString().trim();
});
after(async () => {
  await run?.stop();
});

const rowVersions = (s) =>
  s.run("return [...document.querySelectorAll('[data-testid=version-row]')].map((r) => Number(r.dataset.version))");

test("a long timeline opens newest first and scrolls through keyset pages", async () => {
  const s = run.session;
  assert.ok(longest.versions >= 10_000, `the demo data has a long history (${longest.versions})`);
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  await s.waitFor('[data-testid="version-row"]');
  const first = await rowVersions(s);
  assert.equal(first[0], longest.versions, "the newest version comes first");
  assert.ok(first.length < 80, `only the rows in view are drawn (${first.length})`);

  // Scroll far down: pages of 200 are fetched as the end nears.
  for (let i = 0; i < 6; i++) {
    await s.run("const l = document.querySelector('[data-testid=timeline]'); l.scrollTop = l.scrollHeight;");
    await new Promise((r) => setTimeout(r, 300));
  }
  const deep = await s.until("older pages to load", async () => {
    const v = await rowVersions(s);
    return Math.min(...v) < longest.versions - 600 ? v : null;
  });
  assert.ok(deep.length < 80, `still only the visible rows are drawn (${deep.length})`);
  const sorted = [...deep].sort((a, b) => b - a);
  assert.deepEqual(deep, sorted, "newest first, without gaps in order");
  assert.equal(sorted[0] - sorted[sorted.length - 1], sorted.length - 1, "consecutive versions: no gaps or repeats");

  // Past 1,000 rows the list holds a window: the rows far above are let go of…
  const list = "document.querySelector('[data-testid=timeline]')";
  const window = await s.until("the list to let go of the rows far above", async () => {
    const state = await s.run(`const l = ${list}; l.scrollTop = l.scrollHeight;
      return { loaded: Number(l.dataset.loaded), offset: Number(l.dataset.offset), reached: Number(l.dataset.reached) };`);
    return state.reached >= 2_400 ? state : null;
  }, 120_000);
  assert.ok(window.offset >= 1_400, `rows above the window were let go of (${JSON.stringify(window)})`);
  assert.ok(window.loaded <= 1_000, `at most 1,000 rows held (${window.loaded})`);
  const bottom = await rowVersions(s);
  assert.ok(Math.min(...bottom) <= longest.versions - 2_000, `deep rows drawn (${Math.min(...bottom)})`);
  assert.equal(bottom[0] - bottom.at(-1), bottom.length - 1, "consecutive versions there");

  // …and read again, in place, as the reader scrolls back up.
  await s.run(`${list}.scrollTop = ${list}.scrollHeight / 2`);
  // Rows are 30 px: the row at the top of the view is the list's row scrollTop / 30.
  const atTop = longest.versions - Math.floor((await s.run(`return ${list}.scrollTop`)) / 30);
  const middle = await s.until(`v${atTop}, at that place in the list, drawn again`, async () => {
    const v = await rowVersions(s);
    return v.includes(atTop) ? v : null;
  }, 60_000);
  assert.equal(middle[0] - middle.at(-1), middle.length - 1, "consecutive versions there");
  await s.run(`${list}.scrollTop = 0`);
  const again = await s.until("the newest versions again at the top", async () => {
    const v = await rowVersions(s);
    return v[0] === longest.versions ? v : null;
  }, 60_000);
  assert.equal(again[again.length - 1], longest.versions - again.length + 1, "consecutive versions from the newest");
  assert.equal(Number(await s.run(`return ${list}.dataset.offset`)), 0, "the window is back at the top");
});

test("filters by actor and event type narrow the timeline and live in the URL", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  await s.waitFor('[data-testid="version-row"]');

  await s.click((await s.$$('[data-testid="actor-menu"] summary'))[0]);
  const [option] = await s.waitFor('[data-testid="actor-option"]');
  const actorName = (await s.textContents('[data-testid="actor-menu"] label span.ellipsis'))[0];
  await s.click(option);
  await s.until("the actor in the URL", async () => /actor=/.test(await s.run("return location.hash")));
  await s.run("document.querySelector('[data-testid=actor-menu]').open = false");
  await s.until("rows by that actor only", async () => {
    const actors = await s.textContents('[data-testid="version-row"] > span:nth-child(4)');
    return actors.length > 0 && actors.every((a) => a === actorName);
  });

  await s.click((await s.$$('[data-testid="type-menu"] summary'))[0]);
  const [status] = await s.waitFor('[data-testid="type-option"][data-value="status_changed"]');
  await s.click(status);
  await s.run("document.querySelector('[data-testid=type-menu]').open = false");
  await s.until("rows of that event type only", async () => {
    const hash = await s.run("return location.hash");
    const events = await s.textContents('[data-testid="version-row"] > span:nth-child(3)');
    const actors = await s.textContents('[data-testid="version-row"] > span:nth-child(4)');
    return /type=status_changed/.test(hash) && events.length > 0 &&
      events.every((e) => e === "Status changed") && actors.every((a) => a === actorName);
  });
  const summary = await s.text((await s.$$('[data-testid="timeline-summary"]'))[0]);
  assert.match(summary, new RegExp(`actor ${actorName}, event type status_changed`));
  console.log(`screenshot: ${await run.screenshot("timeline-filtered.png")}`);

  // Back undoes the last filter step.
  await s.run("history.back()");
  await s.until("the event type filter to be undone", async () => {
    const hash = await s.run("return location.hash");
    return /actor=/.test(hash) && !/type=/.test(hash);
  });

  // A copied link, entered into the shipment search, opens the same view.
  const link = await s.run("return location.href");
  await s.run('location.hash = "#/"');
  const [search] = await s.waitFor('[data-testid="search"]');
  await s.type(search, `${link}\uE007`);
  await s.until("the pasted link to open its view", async () => (await s.run("return location.href")) === link);
  await s.waitFor('[data-testid="version-row"]');
});

test("a version opens with its diff, and blame jumps to the version that set a field", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?type=status_changed"`);
  // Rows of the previous view stay until the new first page arrives: wait for the filtered ones.
  await s.until("only status changes listed", async () => {
    const events = await s.textContents('[data-testid="version-row"] > span:nth-child(3)');
    return events.length > 0 && events.every((e) => e === "Status changed");
  });
  const [cell] = await s.$$('[data-testid="version-row"] span.summary');
  const version = (await rowVersions(s))[0];
  await s.click(cell);
  await s.waitFor('[data-testid="version-panel"] [data-testid="diff-row"]');
  const paths = await s.run("return [...document.querySelectorAll('[data-testid=diff-row]')].map((r) => r.dataset.path)");
  assert.ok(paths.includes("status"), `a status change shows the status diff (${paths})`);
  assert.match(await s.run("return location.hash"), new RegExp(`v=${version}`));
  console.log(`screenshot: ${await run.screenshot("timeline-diff.png")}`);

  await s.click((await s.$$('[data-testid="tab-blame"]'))[0]);
  const [setInButton] = await s.waitFor('[data-testid="blame-row"][data-field="destination"] [data-testid="blame-version"]');
  const setIn = await s.text(setInButton);
  console.log(`screenshot: ${await run.screenshot("timeline-blame.png")}`);
  await s.click(setInButton);
  const target = Number(setIn.replace("v", ""));
  await s.until(`v${target} to open in the timeline`, async () => {
    const hash = await s.run("return location.hash");
    const head = await s.textContents('[data-testid="version-panel"] .vp-head strong');
    return !/tab=/.test(hash) && new RegExp(`v=${target}(&|$)`).test(hash) && head[0] === `v${target}`;
  });
  const changed = await s.until("its diff", async () => {
    const p = await s.run("return [...document.querySelectorAll('[data-testid=diff-row]')].map((r) => r.dataset.path)");
    return p.length ? p : null;
  });
  assert.ok(changed.includes("destination"), `v${target} changed the destination (${changed})`);
});

test("as of a time shows the version then; activity draws a chart", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?tab=asof&utc=1"`);
  const [input] = await s.waitFor('[data-testid="asof-input"]');
  // v5000's time, rounded up to the next whole second (versions are minutes apart).
  const env = { ...process.env, XDG_DATA_HOME: run.dataHome };
  const args = ["timeline", longest.id, "--limit", "1", "--before-version", "5001", "--format", "json", "--utc"];
  const v5000 = JSON.parse(execFileSync(cli, args, { env }).toString()).entries[0];
  const at = new Date(Math.ceil((Date.parse(v5000.timestamp) + 1) / 1000) * 1000).toISOString();
  await s.type(input, `${at.slice(0, 10)} ${at.slice(11, 19)}\uE007`);
  const [answer] = await s.waitFor('[data-testid="asof-answer"]');
  assert.match(await s.text(answer), /As of .* v5000\b/, "the state as of v5000's time is v5000's");
  // The state shown is v5000's snapshot as the database holds it: the same fields, the same carrier.
  const [snapshot] = sql(`SELECT snapshot FROM shipment_history WHERE shipment_id = '${longest.id}' AND version_no = 5000`);
  const stored = JSON.parse(snapshot);
  const shown = await s.run("return [...document.querySelectorAll('[data-testid=state] tr[data-field]')].map((r) => r.dataset.field)");
  assert.deepEqual([...shown].sort(), Object.keys(stored).sort(), "the fields of v5000's snapshot");
  const carrier = await s.run("return document.querySelector('[data-testid=state] tr[data-field=carrier] td')?.innerText.trim()");
  assert.equal(carrier, stored.carrier, "v5000's carrier");
  assert.match(await s.run("return location.hash"), /at=/, "the moment is in the URL");

  // The same input element: the view updates in place, it is not rebuilt.
  await s.clear(input);
  await s.type(input, "not a time\uE007");
  await s.waitFor('[role="alert"]');

  await s.click((await s.$$('[data-testid="tab-activity"]'))[0]);
  const [img] = await s.waitFor('[data-testid="activity"] img');
  const src = await s.cmd("GET", `/element/${img}/attribute/src`);
  assert.match(src, /^data:image\/svg\+xml/);
  console.log(`screenshot: ${await run.screenshot("timeline-activity.png")}`);
});

test("the actor view lists one actor's changes across shipments", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  const [actor] = await s.waitFor('[data-testid="version-row"] button.actor');
  const [name] = await s.textContents('[data-testid="version-row"] button.actor');
  await s.click(actor);
  // The heading shows the actor's id until the first page (with the name) arrives.
  const [heading] = await s.waitFor('[data-testid="actor-name"]');
  await s.until(`the heading to name ${name}`, async () => (await s.text(heading)) === name);
  const shipments = await s.until("rows across shipments", async () => {
    const refs = await s.textContents('[data-testid="version-row"] > span:first-child');
    return new Set(refs).size > 1 ? refs : null;
  });
  assert.ok(shipments.every((r) => /^SHP-/.test(r)));
  // Every row shown is a change this actor made, and they are the actor's
  // newest changes, in order: checked against the database.
  const actorId = decodeURIComponent((await s.run("return location.hash")).match(/#\/actor\/([^?]+)/)[1]);
  const shown = await s.run(
    "return [...document.querySelectorAll('[data-testid=version-row]')].map((r) => [r.querySelector(':scope > span:first-child').textContent.trim(), Number(r.dataset.version)])",
  );
  const newest = sql(
    `SELECT s.reference, h.version_no FROM shipment_history h JOIN shipment_requests s ON s.id = h.shipment_id
      WHERE h.actor_id = '${actorId}' ORDER BY h."timestamp" DESC, h.shipment_id DESC, h.version_no DESC LIMIT ${shown.length}`,
  ).map((l) => { const [ref, v] = l.split("\t"); return [ref, Number(v)]; });
  assert.deepEqual(shown, newest, "the actor's newest changes, as the database orders them");
  await s.waitFor('[data-testid="activity"] img');
  console.log(`screenshot: ${await run.screenshot("actor.png")}`);
});

test("the filtered timeline exports to CSV with its filters written in", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?type=carrier_assigned"`);
  await s.waitFor('[data-testid="version-row"]');
  await s.click((await s.$$('[data-testid="export-csv"]'))[0]);
  const status = await s.until("the export to finish", async () => {
    const t = await s.textContents('[data-testid="export-status"] span');
    return t[0]?.startsWith("Saved") ? t[0] : null;
  }, 60_000);
  const [, rows, path] = status.match(/^Saved ([\d,]+) rows to (.+)$/);
  assert.ok(existsSync(path), path);
  const text = readFileSync(path, "utf8");
  rmSync(path);
  assert.match(text, /^# Waybill timeline export: shipment SHP-/);
  assert.match(text, /# filters: event type carrier_assigned/);
  assert.match(text, /# time zone: /);
  const [header, ...data] = csvRows(text.split("\n").filter((l) => !l.startsWith("#")).join("\n"));
  assert.equal(data.length, Number(rows.replace(/,/g, "")), "the rows it says it saved");
  // The rows are exactly the database's carrier_assigned versions of this shipment, newest first.
  const versions = data.map((r) => Number(r[header.indexOf("version_no")]));
  const expected = sql(
    `SELECT version_no FROM shipment_history WHERE shipment_id = '${longest.id}' AND event_type = 'carrier_assigned' ORDER BY version_no DESC`,
  ).map(Number);
  assert.deepEqual(versions, expected);
  assert.ok(data.every((r) => r[header.indexOf("event_type")] === "carrier_assigned"));
});
