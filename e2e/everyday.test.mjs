// What support staff, QA and managers do all day, on the real window: the
// shipment list's sorting and filters, going to a version or a date deep in a
// long history, a field's own history, readable values, waybill:// links (copy,
// paste, open from outside), exports that never overwrite and open with the
// system's application, menus that close, charts that answer hover and click,
// Run all, comparing past runs, the health verdict, and every screen at the
// smallest window the app allows and at 1280×800 (screenshots in target/e2e).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { app, cli, startApp } from "./harness.mjs";

const CTRL = "\uE009";
const ENTER = "\uE007";
const ESC = "\uE00C";
const NULL = "\uE000";

let run;
let home;
let cliEnv;
let longest;
let opened;

/**
 * The system's application for CSV files and folders, as a desktop entry and
 * the user's default-application list (what `gio open` consults): it records
 * what it was asked to open.
 */
function fakeDefaultApplication(dataHome) {
  opened = join(dataHome, "opened.txt");
  mkdirSync(join(dataHome, "applications"), { recursive: true });
  writeFileSync(
    join(dataHome, "applications", "waybill-e2e-open.desktop"),
    `[Desktop Entry]\nType=Application\nName=Recorder\nExec=sh -c 'echo "$1" >> ${opened}' sh %f\nMimeType=text/csv;inode/directory;application/json;\n`,
  );
  mkdirSync(join(dataHome, "config"), { recursive: true });
  writeFileSync(
    join(dataHome, "config", "mimeapps.list"),
    "[Default Applications]\ntext/csv=waybill-e2e-open.desktop\ninode/directory=waybill-e2e-open.desktop\napplication/json=waybill-e2e-open.desktop\n",
  );
}

const waybill = (...args) => execFileSync(cli, args, { env: cliEnv }).toString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rowVersions = (s) =>
  s.run("return [...document.querySelectorAll('[data-testid=version-row]')].map((r) => Number(r.dataset.version))");
const hash = (s) => s.run("return location.hash");

before(async () => {
  home = mkdtempSync(join(tmpdir(), "waybill-e2e-everyday-"));
  run = await startApp({ home, prepare: fakeDefaultApplication });
  await run.session.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
  cliEnv = { ...process.env, XDG_DATA_HOME: run.dataHome, XDG_CONFIG_HOME: join(run.dataHome, "config") };
  const list = ["-000001", "-000002"].flatMap((q) => JSON.parse(waybill("shipments", `--search=${q}`, "--json")));
  longest = list.reduce((a, b) => (b.versions > a.versions ? b : a));
  await run.session.setSize(1280, 800);
});
after(async () => {
  await run?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function openList(s, query = "") {
  await s.run(`location.hash = "#/${query}"`);
  await s.waitFor('[data-testid="shipment-row"], [data-testid="empty"]');
}

test("the shipment list sorts by a column, filters by status and carrier, and finds carriers and people", async () => {
  const s = run.session;
  await openList(s);
  await s.click((await s.$$('[data-testid="sort-versions"]'))[0]);
  const sorted = await s.until("rows sorted by versions, most first", async () => {
    if (!/sort=versions/.test(await hash(s))) return null;
    const v = (await s.textContents('[data-testid="shipment-row"] td.num')).map((t) => Number(t.replace(/,/g, "")));
    return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1] >= x) ? v : null;
  });
  assert.equal(sorted[0], Math.max(longest.versions, sorted[0]), "the longest history comes first");
  assert.match(await s.textContents('[data-testid="list-summary"]').then((t) => t[0]), /most versions first/);
  // Again: the other way round.
  await s.click((await s.$$('[data-testid="sort-versions"]'))[0]);
  await s.until("fewest first", async () => {
    const v = (await s.textContents('[data-testid="shipment-row"] td.num')).map((t) => Number(t.replace(/,/g, "")));
    return /rev=1/.test(await hash(s)) && v.length > 1 && v.every((x, i) => i === 0 || v[i - 1] <= x);
  });

  // A status filter: every row has that status, and the CLI agrees on how many.
  await openList(s);
  await s.click((await s.$$('[data-testid="status-menu"] summary'))[0]);
  await s.click((await s.waitFor('[data-testid="status-option"][data-value="delayed"], [data-testid="status-option"][data-value="at_customs"]'))[0]);
  await s.type((await s.$$('[data-testid="search"]'))[0], ESC);
  const status = (await hash(s)).match(/status=([a-z_]+)/)[1];
  const badges = await s.until("rows of that status only", async () => {
    const b = await s.textContents('[data-testid="shipment-row"] td:nth-child(3) .badge');
    const menuOpen = await s.run("return !!document.querySelector('[data-testid=status-menu][open]')");
    return !menuOpen && b.length > 0 && b.every((x) => x === b[0]) ? b : null;
  });
  const expected = JSON.parse(waybill("shipments", "--status", status, "--limit", "200", "--json"));
  assert.equal(badges.length, expected.length, `as many as the CLI lists with --status ${status}`);

  // A carrier's name finds its shipments; the list and the CLI list the same ones.
  await openList(s);
  await s.type((await s.$$('[data-testid="search"]'))[0], "Maersk");
  const refs = await s.until("rows with Maersk", async () => {
    const carriers = await s.textContents('[data-testid="shipment-row"] td.col-carrier');
    const summary = (await s.textContents('[data-testid="list-summary"]'))[0];
    return /Maersk/.test(summary) && carriers.length > 0 && carriers.every((c) => c === "Maersk")
      ? s.textContents('[data-testid="shipment-row"] td.col-ref')
      : null;
  });
  const byCli = JSON.parse(waybill("shipments", "--search", "Maersk", "--limit", "200", "--json")).map((x) => x.reference);
  assert.deepEqual(refs, byCli);

  // A person who changed shipments finds them too.
  const someone = JSON.parse(waybill("timeline", longest.id, "--limit", "1", "--format", "json")).entries[0].actor_name;
  await openList(s);
  await s.type((await s.$$('[data-testid="search"]'))[0], someone);
  const changedBy = await s.until(`shipments changed by ${someone}`, async () => {
    const summary = (await s.textContents('[data-testid="list-summary"]'))[0];
    return summary.includes(someone) ? s.textContents('[data-testid="shipment-row"] td.col-ref') : null;
  });
  const byName = JSON.parse(waybill("shipments", "--search", someone, "--limit", "200", "--json")).map((x) => x.reference);
  assert.ok(changedBy.length > 0 && !changedBy.some((r) => r.includes(someone)), "found by who changed them, not by their text");
  assert.deepEqual(changedBy, byName);
  console.log(`screenshot: ${await run.screenshot("list-filtered.png")}`);
});

test("Go to version and Go to date start the timeline there, with the version open and highlighted", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?utc=1"`);
  await s.waitFor('[data-testid="version-row"]');
  const target = longest.versions - 7_000;
  await s.type((await s.$$('[data-testid="goto-input"]'))[0], `${target}${ENTER}`);
  await s.until(`v${target} in view, selected and highlighted`, async () => {
    const row = await s.run(
      `const r = document.querySelector('[data-testid=version-row][data-version="${target}"]');
       const l = document.querySelector('[data-testid=timeline]').getBoundingClientRect();
       if (!r) return null;
       const b = r.getBoundingClientRect();
       return { selected: r.classList.contains('selected'), flash: r.classList.contains('flash'), inside: b.top >= l.top && b.bottom <= l.bottom };`,
    );
    return row?.selected && row.flash && row.inside;
  });
  assert.match(await hash(s), new RegExp(`v=${target}(&|$)`));
  const [head] = await s.waitFor('[data-testid="version-panel"] .vp-head strong');
  assert.equal(await s.text(head), `v${target}`);
  // Keyset from there: the rows are that neighbourhood, not 7,000 scrolled rows.
  assert.ok((await rowVersions(s)).every((v) => Math.abs(v - target) < 300));
  assert.ok((await s.$$('[data-testid="newer-row"]')).length === 1, "it says newer versions are above");
  await s.click((await s.$$('[data-testid="show-newest"]'))[0]);
  await s.until("the newest again", async () => (await rowVersions(s))[0] === longest.versions);

  // Out of range: said, nothing moves.
  await s.clear((await s.$$('[data-testid="goto-input"]'))[0]);
  await s.type((await s.$$('[data-testid="goto-input"]'))[0], `${longest.versions + 5}${ENTER}`);
  const [problem] = await s.waitFor('[data-testid="goto-problem"]');
  // Digits grouped as the viewer's locale does (or not at all).
  assert.match((await s.text(problem)).replace(/[^\d a-zA-Z.]/g, ""), new RegExp(`Versions run from 1 to ${longest.versions}\\.`));

  // A date: the version in effect then, as the CLI's --at finds it.
  const v = JSON.parse(waybill("timeline", longest.id, "--limit", "1", "--before-version", "3001", "--format", "json", "--utc")).entries[0];
  const at = new Date(Math.ceil((Date.parse(v.timestamp) + 1) / 1000) * 1000).toISOString();
  const typed = `${at.slice(0, 10)} ${at.slice(11, 19)}`;
  const byCli = JSON.parse(waybill("timeline", longest.id, "--limit", "1", "--at", typed, "--utc", "--format", "json")).entries[0];
  assert.equal(byCli.version_no, 3000);
  await s.clear((await s.$$('[data-testid="goto-input"]'))[0]);
  await s.type((await s.$$('[data-testid="goto-input"]'))[0], `${typed}${ENTER}`);
  await s.until("v3000 open at its date", async () => {
    const h = await s.textContents('[data-testid="version-panel"] .vp-head strong');
    const selected = await s.run("return document.querySelector('[data-testid=version-row].selected')?.dataset.version");
    return h[0] === "v3000" && selected === "3000";
  });
  console.log(`screenshot: ${await run.screenshot("goto.png")}`);
});

test("Compare with v… compares, by the button and by Enter", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?v=500"`);
  await s.waitFor('[data-testid="compare-input"]');
  await s.until("v500's own diff", async () => /Changes from v499/.test((await s.textContents('[data-testid="version-panel"] h3'))[0] ?? ""));
  const input = (await s.$$('[data-testid="compare-input"]'))[0];
  await s.clear(input);
  await s.type(input, "480");
  await s.click((await s.$$('[data-testid="version-panel"] form.compare button[type="submit"]'))[0]);
  await s.until("compared with v480", async () => {
    const h = (await s.textContents('[data-testid="version-panel"] h3'))[0] ?? "";
    return /Changes from v480/.test(h) && /cmp=480/.test(await hash(s));
  });
  const rows480 = (await s.$$('[data-testid="diff-row"]')).length;
  assert.ok(rows480 >= 1);
  const again = (await s.$$('[data-testid="compare-input"]'))[0];
  await s.clear(again);
  await s.type(again, `450${ENTER}`);
  await s.until("compared with v450", async () => /Changes from v450/.test((await s.textContents('[data-testid="version-panel"] h3'))[0] ?? ""));
});

test("values read as people say them; the raw values are one click away", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?type=location_updated"`);
  const lines = await s.until("location rows", async () => {
    const t = await s.textContents('[data-testid="row-summary"]');
    return t.length > 0 && t.every((x) => x.includes("Current location:")) ? t : null;
  });
  assert.ok(lines.every((l) => !l.includes("current_location")), lines[0]);
  assert.ok(lines.every((l) => /^Scanned at /.test(l)), `the description comes first: ${lines[0]}`);
  await s.click((await s.$$('[data-testid="version-row"] .num'))[0]);
  await s.waitFor('[data-testid="diff-row"][data-path="current_location"]');
  const label = (await s.textContents('[data-testid="diff-row"][data-path="current_location"] th'))[0];
  assert.equal(label, "Current location");
  const states = await s.textContents('[data-testid="state"] td');
  assert.ok(!states.some((t) => t === "null" || t === "∅"), "nothing shows as null");
  await s.click((await s.$$('[data-testid="version-panel"] [data-testid="raw-values"]'))[0]);
  await s.until("raw names and JSON", async () => {
    const th = (await s.textContents('[data-testid="diff-row"][data-path="current_location"] th'))[0];
    const td = (await s.textContents('[data-testid="diff-row"][data-path="current_location"] pre'))[0];
    return th === "current_location" && td.startsWith('"');
  });
});

test("a field's own history: from Who changed what and from the diff, checked against the CLI", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  const [tab] = await s.waitFor('[data-testid="tab-blame"]');
  assert.equal(await s.text(tab), "Who changed what");
  await s.click(tab);
  await s.click((await s.waitFor('[data-testid="blame-row"][data-field="destination"] [data-testid="blame-field"]'))[0]);
  await s.waitFor('[data-testid="field-change"]');
  assert.match(await hash(s), /tab=blame&.*field=destination|field=destination.*tab=blame|tab=blame.*field=destination/);
  const shown = (await s.run("return [...document.querySelectorAll('[data-testid=field-change]')].map((r) => Number(r.dataset.version))"));
  const byCli = JSON.parse(waybill("field-history", longest.id, "destination", "--limit", "100", "--json"));
  assert.deepEqual(shown.slice(0, byCli.entries.length), byCli.entries.map((e) => e.version_no));
  const cells = await s.textContents('[data-testid="field-change"] td.change');
  assert.ok(cells.every((c) => c.includes("→")), "before → after on every line");
  console.log(`screenshot: ${await run.screenshot("field-history.png")}`);

  // A version from the history opens in the timeline, in view and highlighted.
  const oldest = shown[shown.length - 1];
  await s.click((await s.$$(`[data-testid="field-change"][data-version="${oldest}"] td.num button`))[0]);
  await s.until(`v${oldest} selected in the timeline`, async () =>
    s.run(`return document.querySelector('[data-testid=version-row][data-version="${oldest}"]')?.classList.contains('selected') ?? false`),
  );

  // From the diff: a field name opens its history.
  await s.click((await s.waitFor('[data-testid="diff-field"]'))[0]);
  await s.waitFor('[data-testid="field-history"]');
  assert.match(await hash(s), /tab=blame/);
});

test("Copy link gives a waybill:// link (clickable, named by the reference); pasted or opened from outside, it opens that view", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?type=status_changed&v=120"`);
  await s.waitFor('[data-testid="version-row"]');
  await s.click((await s.$$('[data-testid="copy-link"]'))[0]);
  await s.until("copied", async () => /Copied a link/.test((await s.textContents('[data-testid="export-status"]'))[0] ?? ""));
  const link = `waybill://shipment/${longest.reference}?type=status_changed&v=120`;
  const clip = (target) => execFileSync("xclip", ["-o", "-selection", "clipboard", "-t", target]).toString();
  assert.equal(clip("text/plain"), link);
  // WebKit adds inline styles to copied HTML; the link and its text are what matter.
  const html = clip("text/html");
  assert.match(html, /<a href="([^"]+)"[^>]*>([^<]+)<\/a>/);
  const [, href, text] = html.match(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/);
  assert.equal(href.replace(/&amp;/g, "&"), link);
  assert.equal(text, longest.reference);

  // Pasted into the list's search: that view opens.
  await openList(s);
  const search = (await s.$$('[data-testid="search"]'))[0];
  await s.click(search);
  await s.type(search, `${CTRL}v${NULL}`);
  await s.until("the linked view", async () => (await hash(s)) === `#/shipment/${longest.reference}?type=status_changed&v=120`);
  await s.waitFor('[data-testid="version-panel"]');

  // Any view a link can name opens the same way (the core reads the link,
  // as it reads links from outside); one that names none says so.
  await openList(s);
  await s.type((await s.$$('[data-testid="search"]'))[0], "waybill://overview\uE007");
  await s.until("the overview", async () => (await hash(s)) === "#/overview");
  await openList(s);
  await s.type((await s.$$('[data-testid="search"]'))[0], "waybill://evil/x\uE007");
  const [problem] = await s.waitFor('[data-testid="link-problem"]');
  assert.match(await s.text(problem), /does not name a view/);
  assert.equal(await hash(s), "#/", "the list stays");

  // Opened from outside (a chat, a ticket): the system starts Waybill with the
  // link, and the running one takes it.
  await openList(s);
  const other = `waybill://shipment/${longest.reference}?tab=activity`;
  const second = spawnSync(app, [other], { env: run.env, timeout: 20_000 });
  assert.equal(second.status, 0, second.stderr?.toString());
  await s.until("the running app to show the linked view", async () => (await hash(s)) === `#/shipment/${longest.reference}?tab=activity`);
  await s.waitFor('[data-testid="activity"]');
  // Anything but a Waybill view is ignored.
  spawnSync(app, ["waybill://evil/x?javascript:alert(1)"], { env: run.env, timeout: 20_000 });
  await sleep(1500);
  assert.equal(await hash(s), `#/shipment/${longest.reference}?tab=activity`);
});

test("filter menus: type to find an actor; Esc and a click elsewhere close them, and Esc does not leave the page", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  await s.waitFor('[data-testid="version-row"]');
  const before = await hash(s);
  await s.click((await s.$$('[data-testid="actor-menu"] summary'))[0]);
  const [find] = await s.waitFor('[data-testid="actor-search"]');
  const first = (await s.textContents('[data-testid="actor-option"] + span'))[0];
  const part = first.split(" ")[0].slice(0, 4);
  await s.type(find, part);
  const names = await s.textContents('[data-testid="actor-option"] + span');
  assert.ok(names.length > 0 && names.every((n) => n.toLowerCase().includes(part.toLowerCase())), names.join(", "));
  await s.type(find, ESC);
  await sleep(300);
  assert.equal(await s.run("return document.querySelector('[data-testid=actor-menu]').open"), false, "Esc closed the menu");
  assert.equal(await hash(s), before, "and stayed on the page");
  await s.click((await s.$$('[data-testid="type-menu"] summary'))[0]);
  await s.click((await s.$$('[data-testid="shipment-title"]'))[0]);
  await sleep(300);
  assert.equal(await s.run("return document.querySelector('[data-testid=type-menu]').open"), false, "a click elsewhere closed it");
});

test("exports never overwrite, are named after the shipment and filter, and can be shown and opened", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${longest.id}?type=carrier_assigned"`);
  await s.waitFor('[data-testid="version-row"]');
  const saved = [];
  for (let i = 0; i < 2; i++) {
    await s.click((await s.$$('[data-testid="export-csv"]'))[0]);
    const status = await s.until("the export to finish", async () => {
      const t = (await s.textContents('[data-testid="export-status"] span'))[0];
      return t?.startsWith("Saved") && !saved.includes(t) ? t : null;
    }, 60_000);
    saved.push(status);
  }
  const paths = saved.map((t) => t.match(/ to (.+)$/)[1]);
  assert.notEqual(paths[0], paths[1], "the second export got its own name");
  for (const p of paths) {
    assert.ok(existsSync(p), p);
    assert.match(basename(p), new RegExp(`^${longest.reference} `));
    assert.match(basename(p), /carrier/);
    assert.match(readFileSync(p, "utf8"), /# filters: event type carrier_assigned/, "neither was overwritten");
  }
  assert.match(basename(paths[1]), /\(2\)\.csv$/);

  await s.click((await s.$$('[data-testid="open-export"]'))[0]);
  await s.until("the system's application to open the file", () => existsSync(opened) && readFileSync(opened, "utf8").includes(paths[1]), 20_000);
  await s.click((await s.$$('[data-testid="show-export"]'))[0]);
  await s.until("its folder to be shown", () => readFileSync(opened, "utf8").split("\n").includes(dirname(paths[1])), 20_000);
  for (const p of paths) rmSync(p);
});

test("charts: one colour per event type everywhere, values on hover, a click opens that day's changes", async () => {
  const s = run.session;
  const colours = async () =>
    s.run(
      `const out = {};
       for (const l of document.querySelectorAll('[data-testid=activity-tip] .tip-line')) out[l.textContent.replace(/[\\d,]+$/, '').trim()] = l.querySelector('i').style.background;
       return out;`,
    );
  await s.run(`location.hash = "#/shipment/${longest.id}?tab=activity&utc=1"`);
  const bars = await s.waitFor('[data-testid="activity-bar"]');
  // Hover the busiest bar: its counts show, by event type.
  const busiest = await s.run(
    "const b = [...document.querySelectorAll('[data-testid=activity-bar]')]; return b.reduce((m, x, i) => (Number(x.dataset.count) > Number(b[m].dataset.count) ? i : m), 0);",
  );
  await s.cmd("POST", "/actions", {
    actions: [{ type: "pointer", id: "mouse", actions: [{ type: "pointerMove", origin: { "element-6066-11e4-a52e-4f735466cecf": bars[busiest] }, x: 0, y: 0 }] }],
  });
  const [tip] = await s.waitFor('[data-testid="activity-tip"]');
  const count = await s.run(`return document.querySelectorAll('[data-testid=activity-bar]')[${busiest}].dataset.count`);
  assert.match((await s.text(tip)).replace(/[^\d a-zA-Z]/g, ""), new RegExp(`${count} changes`));
  const shipmentColours = await colours();
  assert.ok(Object.keys(shipmentColours).length >= 2, JSON.stringify(shipmentColours));

  // Click: the timeline of that day.
  const start = await s.run(`return document.querySelectorAll('[data-testid=activity-bar]')[${busiest}].dataset.start`);
  await s.click(bars[busiest]);
  await s.until("the day's changes", async () => /since=/.test(await hash(s)) && /until=/.test(await hash(s)) && !/tab=activity/.test(await hash(s)));
  const days = await s.until("rows of that day", async () => {
    const t = await s.textContents('[data-testid="version-row"] > span:nth-child(2)');
    return t.length ? t : null;
  });
  assert.ok(days.every((d) => d.startsWith(start)), `${start}: ${days.slice(0, 3)}`);

  // The actor page: filters above its chart, and the same colours.
  await s.run(`location.hash = "#/shipment/${longest.id}"`);
  const [actor] = await s.waitFor('[data-testid="version-row"] button.actor');
  await s.click(actor);
  const [chartBar] = await s.waitFor('[data-testid="activity-bar"]');
  const above = await s.run(
    "return document.querySelector('[data-testid=filters]').getBoundingClientRect().top < document.querySelector('[data-testid=activity]').getBoundingClientRect().top",
  );
  assert.ok(above, "the filters sit above the chart");
  const actorBusiest = await s.run(
    "const b = [...document.querySelectorAll('[data-testid=activity-bar]')]; return b.reduce((m, x, i) => (Number(x.dataset.count) > Number(b[m].dataset.count) ? i : m), 0);",
  );
  const actorBars = await s.$$('[data-testid="activity-bar"]');
  assert.ok(chartBar);
  await s.cmd("POST", "/actions", {
    actions: [{ type: "pointer", id: "mouse", actions: [{ type: "pointerMove", origin: { "element-6066-11e4-a52e-4f735466cecf": actorBars[actorBusiest] }, x: 0, y: 0 }] }],
  });
  await s.waitFor('[data-testid="activity-tip"]');
  const actorColours = await colours();
  const shared = Object.keys(actorColours).filter((k) => k in shipmentColours);
  assert.ok(shared.length >= 1, "event types on both charts");
  for (const k of shared) assert.equal(actorColours[k], shipmentColours[k], `${k} has one colour`);
  console.log(`screenshot: ${await run.screenshot("actor-chart.png")}`);
});

test("QA: Run all ends with one summary in view; past runs show seconds, newest first, and compare only like with like", async () => {
  const s = run.session;
  await s.run('location.hash = "#/concurrency"');
  await s.waitFor('[data-testid="run"]');
  // Two runs of the default: comparable with each other.
  for (let i = 1; i <= 2; i++) {
    await s.click((await s.$$('[data-testid="run"]'))[0]);
    await s.until(`run ${i}`, async () => (await s.$$('[data-testid="run-result"]')).length === i, 60_000);
  }
  const radios = await s.$$('input[name="scenario"]');
  await s.click(radios[radios.length - 1]);
  await s.click((await s.$$('[data-testid="run"]'))[0]);
  const [summary] = await s.waitFor('[data-testid="run-all-summary"]', { timeout: 180_000 });
  const text = await s.text(summary);
  const lines = await s.$$('[data-testid="run-all-line"]');
  assert.match(text, new RegExp(`Run all: ${lines.length} of ${lines.length} passed`));
  assert.ok(lines.length >= 7, `${lines.length} scenarios`);
  await sleep(800);
  const inView = await s.run(
    "const r = document.querySelector('[data-testid=run-all-summary]').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight;",
  );
  assert.ok(inView, "the summary of the run just made is in view");
  await s.click(lines[lines.length - 1]);
  await sleep(800);
  const lastInView = await s.run(
    "const cards = document.querySelectorAll('[data-testid=batch]')[0].querySelectorAll('[data-testid=run-result]'); const r = cards[cards.length - 1].getBoundingClientRect(); return r.top >= -2 && r.top < innerHeight;",
  );
  assert.ok(lastInView, "a summary line leads to its card");

  // Self-test: no gaps between 1 and 1 is not shown as a pass.
  await s.click((await s.$$('[data-testid="self-test"]'))[0]);
  await s.until("the self-test", async () => (await s.$$('[data-testid="batch"]')).length === 4, 60_000);
  const moot = await s.textContents('[data-testid="batch"]:first-child li.moot');
  assert.equal(moot.length, 1);
  assert.match(moot[0], /^–\s*Version numbers are sequential.*not meaningful while version numbers repeat/s);

  // Past runs: to the second, newest first.
  const started = await s.textContents('[data-testid="past-run"] td.col-started');
  assert.ok(started.every((t) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(t)), started[0]);
  assert.deepEqual(started, [...started].sort().reverse(), "newest first");
  const ids = await s.run("return [...document.querySelectorAll('[data-testid=past-run]')].map((r) => r.dataset.id)");
  const listed = JSON.parse(waybill("concurrency", "--list", "--json"));
  assert.deepEqual(ids, listed.slice(0, ids.length).map((r) => r.id), "the order the CLI lists them in");

  // The two default runs compare; a self-test with them does not, and says why.
  const titles = await s.textContents('[data-testid="past-run"] td:nth-child(3)');
  const concurrent = titles.map((t, i) => (t === "Concurrent writes" ? i : -1)).filter((i) => i >= 0);
  const defaults = concurrent.slice(-2);
  const picks = await s.$$('[data-testid="pick-run"]');
  await s.click(picks[defaults[0]]);
  await s.click(picks[defaults[1]]);
  await s.waitFor('[data-testid="compare-plot"]');
  assert.deepEqual(await s.textContents('[data-testid="run-mark"]'), ["A", "B"]);
  await s.click(picks[defaults[0]]);
  await s.click(picks[0]); // the self-test, newest
  const [message] = await s.waitFor('[data-testid="compare-message"]');
  assert.match(await s.text(message), /cannot be compared.*self-test/);
  console.log(`screenshot: ${await run.screenshot("concurrency-compare.png")}`);
});

test("the test's shipments stay out of the list unless asked for", async () => {
  const s = run.session;
  const report = JSON.parse(waybill("concurrency", "--list", "--json"))[0];
  const made = JSON.parse(waybill("shipments", "--include-test", "--search", "Concurrency test shipment", "--limit", "200", "--json"));
  assert.ok(made.length > 0, "the runs made test shipments");
  assert.ok(report);
  await openList(s);
  const listed = await s.textContents('[data-testid="shipment-row"] td.col-ref');
  assert.ok(!made.some((m) => listed.includes(m.reference)), "hidden by default");
  await s.type((await s.$$('[data-testid="search"]'))[0], made[0].reference);
  await s.waitFor('[data-testid="empty"]');
  await s.click((await s.$$('[data-testid="show-test"]'))[0]);
  await s.until("the test shipment, when asked for", async () =>
    (await s.textContents('[data-testid="shipment-row"] td.col-ref')).includes(made[0].reference),
  );
  assert.match(await hash(s), /test=1/);
});

test("health opens with a plain verdict and its words explained; slow assignments are the test's, a page at a time", async () => {
  const s = run.session;
  await s.run('location.hash = "#/health"');
  const [verdict] = await s.waitFor('[data-testid="health-verdict"]', { timeout: 60_000 });
  assert.match(await s.text(verdict), /^Healthy:/);
  const terms = await s.textContents('[data-testid="glossary"] dt');
  assert.deepEqual(terms, ["Index", "Scans", "Covered", "Probe"]);
  const threshold = (await s.waitFor('[data-testid="slow-threshold"]'))[0];
  await s.clear(threshold);
  await s.type(threshold, `0.001${ENTER}`);
  await s.until("a full page of slow assignments", async () => (await s.$$('[data-testid="slow-row"]')).length === 25);
  const labels = await s.textContents('[data-testid="slow-row"] td:nth-child(2)');
  assert.ok(labels.every((l) => l.startsWith("test ")), labels[0]);
  const first = await s.textContents('[data-testid="slow-row"] td:first-child');
  await s.click((await s.$$('[data-testid="slow-next"]'))[0]);
  await s.until("the next page", async () => (await s.textContents('[data-testid="slow-pager"] span'))[0]?.startsWith("26"));
  const next = await s.textContents('[data-testid="slow-row"] td:first-child');
  assert.ok(parseFloat(next[0]) <= parseFloat(first[first.length - 1]), "slowest first, across pages");
});

test("every screen fits 900×600 and 1280×800: one-line navigation, a readable list, a long timeline, Blame's values, no sideways scrolling", async () => {
  const s = run.session;
  for (const [w, h] of [[900, 600], [1280, 800]]) {
    await s.setSize(w, h);
    await sleep(600);
    const size = `${w}x${h}`;
    const noSideways = () => s.run("return document.scrollingElement.scrollWidth <= innerWidth");
    const oneLineNav = () =>
      s.run("const t = [...document.querySelectorAll('.tabs a')].map((a) => a.getBoundingClientRect()); return t.every((r) => r.top === t[0].top && r.height < 40);");

    await openList(s);
    assert.ok(await oneLineNav(), `${size}: the navigation is one line`);
    const titleWidth = await s.run("return document.querySelector('[data-testid=shipment-row] td:nth-child(2)').getBoundingClientRect().width");
    assert.ok(titleWidth >= 150, `${size}: the Title column is readable (${titleWidth}px)`);
    assert.ok(await noSideways(), `${size}: the list`);
    await run.screenshot(`screen-list-${size}.png`);

    await s.run(`location.hash = "#/shipment/${longest.id}"`);
    await s.waitFor('[data-testid="version-row"]');
    await sleep(300);
    const visible = await s.run(
      "const l = document.querySelector('[data-testid=timeline]').getBoundingClientRect(); return [...document.querySelectorAll('[data-testid=version-row]')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= l.top && b.bottom <= l.bottom; }).length;",
    );
    assert.ok(visible > 7, `${size}: the timeline shows ${visible} whole rows`);
    assert.ok(await noSideways(), `${size}: the timeline`);
    await run.screenshot(`screen-timeline-${size}.png`);
    await s.click((await s.$$('[data-testid="version-row"] .num'))[2]);
    await s.waitFor('[data-testid="diff"]');
    const cut = await s.run("const l = document.querySelector('[data-testid=timeline]'); return l.scrollWidth - l.clientWidth;");
    assert.ok(cut <= 1, `${size}: rows beside the version panel are not cut (${cut}px)`);
    await run.screenshot(`screen-version-${size}.png`);

    await s.click((await s.$$('[data-testid="tab-blame"]'))[0]);
    await s.waitFor('[data-testid="blame-row"]');
    const blame = await s.run(
      `const v = document.querySelector('[data-testid=blame] thead th:nth-child(2)').getBoundingClientRect().width;
       const when = [...document.querySelectorAll('[data-testid=blame-row] td.col-when')].every((c) => c.scrollWidth <= c.clientWidth);
       return { v, when };`,
    );
    assert.ok(blame.v >= 150, `${size}: Blame's Value column is ${blame.v}px`);
    assert.ok(blame.when, `${size}: Blame's times are not cut`);
    await run.screenshot(`screen-blame-${size}.png`);
    await s.click((await s.$$('[data-testid="blame-field"]'))[0]);
    await s.waitFor('[data-testid="field-change"]');
    await run.screenshot(`screen-field-${size}.png`);
    await s.click((await s.$$('[data-testid="tab-activity"]'))[0]);
    await s.waitFor('[data-testid="activity-bar"]');
    assert.ok(await noSideways(), `${size}: activity`);
    await run.screenshot(`screen-activity-${size}.png`);

    await s.run('location.hash = "#/concurrency"');
    await s.waitFor('[data-testid="run"]');
    await s.click((await s.$$('[data-testid="run"]'))[0]);
    await s.until("a result", async () => (await s.$$('[data-testid="run-result"]')).length > 0, 60_000);
    await sleep(600);
    assert.ok(await noSideways(), `${size}: the concurrency page never scrolls sideways`);
    const overflow = await s.run(
      "return [...document.querySelectorAll('.results > *, [data-testid=run-result], [data-testid=past-runs]')].map((e) => e.scrollWidth - e.clientWidth).reduce((a, b) => Math.max(a, b), 0);",
    );
    assert.ok(overflow <= 1, `${size}: nothing in the results is cut (${overflow}px)`);
    await run.screenshot(`screen-concurrency-${size}.png`);

    await s.run('location.hash = "#/health"');
    await s.waitFor('[data-testid="health-verdict"]', { timeout: 60_000 });
    assert.ok(await noSideways(), `${size}: health`);
    await run.screenshot(`screen-health-${size}.png`);
    await s.run('location.hash = "#/connections"');
    await sleep(800);
    assert.ok(await noSideways(), `${size}: connections`);
    await run.screenshot(`screen-connections-${size}.png`);
  }
  console.log(`screenshots: ${readdirSync(join(dirname(import.meta.dirname), "target/e2e")).filter((f) => f.startsWith("screen-")).length} in target/e2e`);
});

test("started from a waybill:// link, Waybill opens on that view", async () => {
  await run.stop();
  const link = `waybill://shipment/${longest.reference}?tab=blame&field=destination`;
  run = await startApp({ home, args: [link] });
  const s = run.session;
  await s.waitFor('[data-testid="field-history"]', { timeout: 120_000 });
  assert.equal(await hash(s), `#/shipment/${longest.reference}?tab=blame&field=destination`);
});
