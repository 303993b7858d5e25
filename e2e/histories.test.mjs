// Any audit table on the real app (#25): a Rails database whose history
// PaperTrail itself wrote (tests/fixtures/papertrail.rb) has none of
// Waybill's tables; Connections finds its history, opens it, and the profile
// remembers it across a restart; the list, the timeline and blame read it;
// the integrity scan runs the checks the layout allows, the overview reads
// it, Database health wants the guide's indexes in its columns; what reads
// only Waybill's own layout says so.
// Uses the TLS PostgreSQL from scripts/test-services.sh.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, root, startApp } from "./harness.mjs";

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the test services (scripts/test.sh does)`);
  return value;
}
const port = need("WAYBILL_TEST_PG_PORT");
const password = need("WAYBILL_TEST_OWNER_PASSWORD");
const database = `e2e_rails_${Date.now()}`;
const home = mkdtempSync(join(tmpdir(), "waybill-e2e-home-"));
const owner = { ...process.env, PGPASSWORD: password, PGSSLMODE: "require" };
let run;

before(() => {
  execFileSync("psql", ["-q", "-h", "127.0.0.1", "-p", port, "-U", "waybill_owner", "-d", "postgres", "-c", `CREATE DATABASE ${database}`], { env: owner });
  // PaperTrail and ActiveRecord write the history, over TLS with the owner's password (libpq's environment).
  execFileSync("ruby", [join(root, "tests/fixtures/papertrail.rb"), "127.0.0.1", port, database, "waybill_owner"], { env: owner, stdio: "pipe" });
});
after(async () => {
  await run?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function topBar(s) {
  return s.text((await s.$$('[data-testid="connection"]'))[0]);
}

test("a PaperTrail history is found, opened, remembered, and read like Waybill's own", async () => {
  run = await startApp({ home });
  const s = run.session;
  await s.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
  execFileSync(cli, ["profile", "add", "rails", "--url", `postgres://waybill_owner@localhost:${port}/${database}?sslmode=require`, "--password-stdin"], {
    env: run.env,
    input: password,
  });

  await s.run("location.hash = '#/connections'");
  const [connect] = await s.waitFor('[data-testid="profile-row"][data-name="rails"] [data-testid="connect"]');
  await s.click(connect);
  await s.until("rails to open", async () => /Remote\s*rails/.test(await topBar(s)), 30_000);
  // No Waybill tables there: the app looks for a history of the database's own at once.
  const [banner] = await s.waitFor('[data-testid="tables-missing"]', { timeout: 30_000 });
  assert.match(await s.text(banner), /open it under History below/);
  await s.waitFor('[data-testid="history-row"]', { timeout: 30_000 });
  const rows = await s.run(
    "return [...document.querySelectorAll('[data-testid=history-row]')].map((r) => [r.dataset.preset, r.dataset.spec, r.textContent])",
  );
  assert.deepEqual(
    rows.map(([preset, spec]) => [preset, spec]),
    [
      ["papertrail", "papertrail:item_type=Customer"],
      ["papertrail", "papertrail:item_type=Shipment"],
    ],
  );
  const shipments = rows[1][2];
  const versions = psql("SELECT count(*) FROM versions WHERE item_type = 'Shipment'");
  assert.match(shipments, new RegExp(`${versions} versions of 3 shipments`), "its size, counted");
  assert.match(shipments, /SHP-PT-3\s*v121 updated by Ana Lima/, "its latest change, read through the mapping");
  console.log(`screenshot: ${await run.screenshot("histories-found.png")}`);

  const [open] = await s.$$('[data-testid="history-row"][data-spec*="item_type=Shipment"] [data-testid="open-history"]');
  await s.click(open);
  const [notice] = await s.waitFor('[data-testid="notice"]', { timeout: 30_000 });
  assert.match(await s.text(notice), /Reading PaperTrail \(Ruby on Rails\): versions in public\.versions; the profile rails remembers it/);
  assert.match(await s.text((await s.$$('[data-testid="history-in-use"]'))[0]), /PaperTrail/);
  assert.equal((await s.$$('[data-testid="tables-missing"]')).length, 0, "no offer to install Waybill's tables over it");
  const saved = JSON.parse(readFileSync(join(run.env.XDG_CONFIG_HOME, "waybill/profiles.json"), "utf8"));
  assert.equal(saved.profiles.find((p) => p.name === "rails").history.filter.item_type, "Shipment");
  console.log(`screenshot: ${await run.screenshot("histories-open.png")}`);

  // A SPEC written by hand is checked as it is typed: what does not fit, key by key.
  await s.click((await s.$$('[data-testid="describe-history"]'))[0]);
  const [spec] = await s.waitFor('[data-testid="history-spec"]');
  await s.type(spec, "papertrail:item_type=Customer,time=made_at");
  await s.until("the misfit named, key by key", async () => {
    const said = await s.textContents('.hp-own [data-testid="error"] p');
    return said.some((t) => /time: column `made_at` is not in public\.versions; its columns are id, item_type/.test(t));
  }, 15_000);
  console.log(`screenshot: ${await run.screenshot("histories-spec-misfit.png")}`);
  await s.clear(spec);
  await s.type(spec, "papertrail:item_type=Customer");
  const [fits] = await s.waitFor('[data-testid="history-checked"]', { timeout: 15_000 });
  assert.match(await s.text(fits), /Fits public\.versions: 1 version of 1 customer/);
  // Opened from the form: the app reads customers (the tab says so)…
  await s.click((await s.$$('[data-testid="open-spec"]'))[0]);
  await s.until("customers read", async () => (await s.text((await s.$$('[data-testid="nav-shipments"]'))[0])) === "Customers", 15_000);
  assert.match(await s.text((await s.$$('[data-testid="history-in-use"]'))[0]), /--history papertrail:item_type=Customer/);
  // …and going back to Waybill's own is refused here: this database has none of its tables.
  await s.click((await s.$$('[data-testid="use-own-history"]'))[0]);
  await s.until("the refusal", async () => {
    const said = await s.textContents('[data-testid="history-panel"] > [data-testid="error"] p');
    return said.some((t) => /has no `shipment_requests` table/.test(t));
  }, 15_000);
  assert.match(await s.text((await s.$$('[data-testid="history-in-use"]'))[0]), /item_type=Customer/, "still reading what it read");
  // Back to the shipments, from the list of what was found.
  await s.click((await s.$$('[data-testid="history-row"][data-spec="papertrail:item_type=Shipment"] [data-testid="open-history"]'))[0]);
  await s.until("shipments read again", async () => (await s.text((await s.$$('[data-testid="nav-shipments"]'))[0])) === "Shipments", 15_000);

  // The list and the timeline, read from PaperTrail's versions.
  await s.run("location.hash = '#/'");
  await s.until("PaperTrail's shipments listed", async () => {
    const refs = await s.textContents('[data-testid="shipment-row"] .col-ref');
    return refs.length === 3 && ["SHP-PT-1", "SHP-PT-2", "SHP-PT-3"].every((r) => refs.includes(r));
  }, 30_000);
  console.log(`screenshot: ${await run.screenshot("histories-list.png")}`);
  const id = psql("SELECT id FROM shipments WHERE reference = 'SHP-PT-1'");
  await run.stop();

  // A restart opens the profile with the history it remembers.
  run = await startApp({ home });
  const again = run.session;
  await again.until("rails to open again", async () => /Remote\s*rails/.test(await topBar(again)), 60_000);
  await again.run(`location.hash = "#/shipment/${id}"`);
  await again.until("SHP-PT-1's four versions", async () => {
    const versions = await again.run("return [...document.querySelectorAll('[data-testid=version-row]')].map((r) => Number(r.dataset.version))");
    return versions.join(" ") === "4 3 2 1";
  }, 30_000);
  console.log(`screenshot: ${await run.screenshot("histories-timeline.png")}`);
  await again.click((await again.$$('[data-testid="tab-blame"]'))[0]);
  const [destination] = await again.waitFor('[data-testid="blame-row"][data-field="destination"]', { timeout: 30_000 });
  const line = await again.text(destination);
  assert.match(line, /Rotterdam/);
  assert.match(line, /v3/);
  assert.match(line, /Ben Okoro/, "PaperTrail's whodunnit named from the users table");
  console.log(`screenshot: ${await run.screenshot("histories-blame.png")}`);

  // The integrity scan runs the checks PaperTrail's layout allows and says why not the others.
  await again.run("location.hash = '#/integrity'");
  await again.click((await again.waitFor('[data-testid="integrity-run"]', { timeout: 30_000 }))[0]);
  const [verdict] = await again.waitFor('[data-testid="integrity-verdict"]', { timeout: 60_000 });
  assert.match(await again.text(verdict), new RegExp(`No damage found in ${versions} rows of 3 shipments`));
  assert.match(await again.text(verdict), /versions are numbered in the history's order/);
  const notChecked = await again.run(
    "return [...document.querySelectorAll('[data-testid=integrity-counts] tr[data-not-checked]')].map((r) => r.dataset.kind)",
  );
  assert.deepEqual(notChecked, ["duplicate_version", "gap", "snapshot_drift"]);
  const [unknown] = await again.$$('[data-testid="integrity-finding"][data-kind="unknown_actor"]');
  assert.ok(unknown, "the whodunnit that is no user, as information");
  console.log(`screenshot: ${await run.screenshot("histories-integrity.png")}`);

  // The overview reads PaperTrail's versions: what changed most, by whom.
  await again.run("location.hash = '#/overview'");
  await again.waitFor('[data-testid="overview-figures"]', { timeout: 30_000 });
  assert.equal(await again.text((await again.$$('[data-testid="overview-changes"]'))[0]), versions);
  const busiest = await again.textContents('[data-testid="overview-shipments"] tbody tr td:first-child');
  assert.deepEqual(busiest, ["SHP-PT-3", "SHP-PT-1", "SHP-PT-2"]);
  console.log(`screenshot: ${await run.screenshot("histories-overview.png")}`);

  // Database health wants the guide's indexes in PaperTrail's columns; what
  // reads only Waybill's own layout says so, naming the layout.
  await again.run("location.hash = '#/health'");
  await again.waitFor('[data-testid="index-row"]', { timeout: 30_000 });
  const wanted = await again.run(
    "return [...document.querySelectorAll('[data-testid=index-row]')].map((r) => [r.dataset.name, r.dataset.state])",
  );
  assert.deepEqual(wanted[0], ["idx_versions_version_desc", "missing"], "the timeline's index, in PaperTrail's columns");
  assert.match(await again.text((await again.$$('[data-testid="index-row"]'))[0]), /\(item_type, item_id, id DESC\)/);
  const [ownOnly] = await again.waitFor('[data-testid="health-own-only"]');
  assert.match(await again.text(ownOnly), /PaperTrail.*read Waybill's own layout/s);
  console.log(`screenshot: ${await run.screenshot("histories-health.png")}`);

  // The concurrency test says there is nothing to call here, and where to look instead.
  await again.run("location.hash = '#/concurrency'");
  const [notHere] = await again.waitFor('[data-testid="concurrency-not-here"]', { timeout: 30_000 });
  assert.match(await again.text(notHere), /PaperTrail keeps no version numbers/);
  assert.equal((await again.$$('[data-testid="run"]')).length, 0, "no Run button for a test that cannot run");
  console.log(`screenshot: ${await run.screenshot("histories-concurrency.png")}`);
  await again.click((await again.$$('[data-testid="concurrency-to-integrity"]'))[0]);
  await again.waitFor('[data-testid="integrity-form"]', { timeout: 15_000 });
});

function psql(sql) {
  return execFileSync("psql", ["-qAt", "-h", "127.0.0.1", "-p", port, "-U", "waybill_owner", "-d", database, "-c", sql], { env: owner })
    .toString()
    .trim();
}
