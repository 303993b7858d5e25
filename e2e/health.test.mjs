// The Database health screen on the real app: every expected index present on
// a fresh sandbox; drop one behind the app's back, and Apply (after a
// confirmation naming the database) brings it back; the advisor's plan check,
// the app's query plans, and the function probe; production monitoring shows
// the sandbox's assignment times and a real lock wait on a shipment.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cli, startApp } from "./harness.mjs";

let run;
let psql;
let url;
before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
  const env = { ...process.env, XDG_DATA_HOME: run.dataHome };
  url = execFileSync(cli, ["sandbox", "url"], { env }).toString().trim();
  psql = (sql) => execFileSync("psql", [url, "-qAtc", sql]).toString();
});
after(async () => {
  await run?.stop();
});

const states = (s) =>
  s.run("return Object.fromEntries([...document.querySelectorAll('[data-testid=index-row]')].map((r) => [r.dataset.name, r.dataset.state]))");

test("a fresh sandbox has every expected index", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="nav-health"]'))[0]);
  await s.waitFor('[data-testid="index-row"]', { count: 6 });
  const now = await states(s);
  assert.equal(Object.keys(now).length, 6);
  assert.ok(Object.values(now).every((v) => v === "present"), JSON.stringify(now));
  await s.waitFor('[data-testid="all-present"]');
});

test("a missing index is shown and Apply creates it after a confirmation naming the database", async () => {
  const s = run.session;
  psql("DROP INDEX idx_shipment_history_actor");
  await s.click((await s.$$('[data-testid="refresh"]'))[0]);
  await s.until("the missing index to show", async () => (await states(s).catch(() => ({})))["idx_shipment_history_actor"] === "missing");
  console.log(`screenshot: ${await run.screenshot("health-missing.png")}`);

  await s.click((await s.$$('[data-testid="apply"]'))[0]);
  const [dialog] = await s.waitFor('[data-testid="apply-confirm"]');
  assert.match(await s.text(dialog), /in database waybill \(sandbox\)/);
  await s.click((await s.$$('[data-testid="apply-yes"]'))[0]);
  await s.waitFor('[data-testid="all-present"]', { timeout: 60_000 });
  const log = await s.text((await s.$$('[data-testid="apply-log"]'))[0]);
  assert.match(log, /CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_shipment_history_actor/);
  assert.match(log, /Created idx_shipment_history_actor/);
  assert.equal(psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_shipment_history_actor'::regclass").trim(), "t");
});

test("the advisor's plan check, the app's query plans and the function probe", async () => {
  const s = run.session;
  const redundant = await s.waitFor('[data-testid="redundant"]', { count: 2 });
  assert.equal(redundant.length, 2);
  await s.click((await s.$$('[data-testid="check-plans"]'))[0]);
  const [table] = await s.waitFor('[data-testid="plan-check"]', { timeout: 60_000 });
  const text = await s.text(table);
  assert.doesNotMatch(text, /sequential scan/, text);
  assert.match(psql("SELECT count(*) FROM pg_indexes WHERE tablename = 'shipment_history'"), /^6/, "nothing was dropped");

  await s.click((await s.$$('[data-testid="explain"]'))[0]);
  const plans = await s.waitFor('[data-testid="explained"] details', { count: 5, timeout: 60_000 });
  assert.equal(plans.length, 5);
  const summaries = await s.textContents('[data-testid="explained"] summary');
  assert.ok(summaries.every((t) => /using /.test(t)), summaries.join("\n"));

  await s.click((await s.$$('[data-testid="probe"]'))[0]);
  const [verdict] = await s.waitFor('[data-testid="probe-verdict"]', { timeout: 30_000 });
  assert.match(await s.text(verdict), /✓ .*serializes: the second call waited/);
  await s.run("document.querySelector('[data-testid=probe-verdict]').scrollIntoView({ block: 'center' })");
  console.log(`screenshot: ${await run.screenshot("health.png")}`);
});

test("production monitoring shows who holds a locked shipment and who waits", async () => {
  const s = run.session;
  const [id, reference] = psql("SELECT id, reference FROM shipment_requests ORDER BY reference LIMIT 1").trim().split("|");
  // A session holds the shipment's row (and sleeps); a writer saving a change to it waits.
  const holder = spawn("psql", [url, "-qAtc", `BEGIN; SELECT 1 FROM shipment_requests WHERE id = '${id}' FOR UPDATE; SELECT pg_sleep(60);`],
    { env: { ...process.env, PGAPPNAME: "stuck-editor" }, stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  const writer = spawn("psql", [url, "-qAtc", `SELECT create_history_entry('${id}', 'note_added', NULL, '{}'::jsonb, 'waited')`],
    { env: { ...process.env, PGAPPNAME: "saving-writer" }, stdio: "ignore" });
  const written = new Promise((r) => writer.on("exit", r));
  try {
    await s.run("location.hash = '#/health'");
    const [wait] = await s.waitFor('[data-testid="monitor-wait"]', { timeout: 30_000 });
    const text = await s.text(wait);
    assert.match(text, new RegExp(`${reference} is locked by pid \\d+ \\(stuck-editor`));
    assert.match(text, /1 waiting/);
    assert.match(text, /saving-writer/);
    assert.equal((await s.$$('[data-testid="monitor-assignment"] tbody tr')).length, 2, "the sandbox has both statistics sources");
    await s.run("document.querySelector('[data-testid=monitor-wait]').scrollIntoView({ block: 'center' })");
    console.log(`screenshot: ${await run.screenshot("monitor.png")}`);
    // The locked shipment opens its timeline.
    await s.click((await s.$$('[data-testid="monitor-wait"] button.link'))[0]);
    await s.until("the locked shipment's timeline", async () => (await s.run("return location.hash")).startsWith(`#/shipment/${id}`));
    await s.run("location.hash = '#/health'");
  } finally {
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stuck-editor'");
    await written;
    holder.kill();
  }
  // Once the holder is gone the writer saves, and the wait disappears.
  await s.waitFor('[data-testid="monitor-no-waits"]', { timeout: 30_000 });
});

test("the overview's optional indexes are offered, and created after a confirmation naming the database", async () => {
  const s = run.session;
  await s.run("location.hash = '#/health'");
  await s.click((await s.$$('[data-testid="refresh"]'))[0]);
  const [offer, second] = await s.waitFor('[data-testid="optional-index"][data-state="missing"]', { timeout: 30_000 });
  assert.match(await s.text(offer), /INCLUDE \(shipment_id, actor_id, event_type\)/);
  assert.match(await s.text(offer), /Measured: the overview of the last 24 hours in/);
  assert.match(await s.text(second), /\(shipment_id, version_no\) INCLUDE \("timestamp"\) WHERE \(changes \? 'status'::text\)/);
  const [panel] = await s.$$('[data-testid="optional-indexes"]');
  assert.match(await s.text(panel), /Measured on 2,000,000 rows/);
  await s.run("document.querySelector('[data-testid=\"optional-indexes\"]').scrollIntoView()");
  console.log(`screenshot: ${await run.screenshot("health-optional.png")}`);
  assert.match(await s.text((await s.$$('[data-testid="optional-create"]'))[0]), /Create the 2 optional indexes/);
  await s.click((await s.$$('[data-testid="optional-create"]'))[0]);
  const [confirm] = await s.waitFor('[data-testid="optional-confirm"]');
  assert.match(
    await s.text(confirm),
    /Create idx_shipment_history_timestamp and idx_shipment_history_status_changes in database waybill \(sandbox\)/,
  );
  await s.click((await s.$$('[data-testid="optional-yes"]'))[0]);
  await s.waitFor('[data-testid="optional-index"][data-state="present"] + [data-testid="optional-index"][data-state="present"]', {
    timeout: 60_000,
  });
  assert.equal((await s.$$('[data-testid="optional-create"]')).length, 0, "nothing left to create");
  assert.equal(
    psql(
      "SELECT count(*) FROM pg_indexes WHERE indexname IN ('idx_shipment_history_timestamp', 'idx_shipment_history_status_changes')",
    ).trim(),
    "2",
  );
  // The overview no longer says it reads without the index.
  await s.run("location.hash = '#/overview'");
  await s.waitFor('[data-testid="overview-span"]', { timeout: 60_000 });
  assert.equal((await s.$$('[data-testid="overview-no-index"]')).length, 0);
});
