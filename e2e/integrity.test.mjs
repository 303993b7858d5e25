// The Integrity screen on the real app: a sandbox damaged in two known ways
// (a version deleted, a shipment row changed without a history entry) is
// scanned, the two findings and only those are reported, and a finding opens
// the shipment's timeline where the damage is. A shipment page's "Check this
// shipment" scans that one shipment.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, startApp } from "./harness.mjs";

let run;
let gapped;
let edited;

before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 120_000 });
  const shipments = JSON.parse(execFileSync(cli, ["shipments", "--limit", "20", "--json"], { env: run.env }).toString());
  const long = shipments.filter((s) => s.versions >= 6);
  assert.ok(long.length >= 2, "the demo data has shipments with a few versions");
  [gapped, edited] = long;
  const url = execFileSync(cli, ["sandbox", "url"], { env: run.env }).toString().trim();
  execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", `
    DELETE FROM shipment_history WHERE shipment_id = '${gapped.id}' AND version_no = 3;
    UPDATE shipment_requests SET carrier = 'Nobody Freight' WHERE id = '${edited.id}';`], { env: run.env });
});
after(async () => {
  await run?.stop();
});

/** Each kind's count as the screen shows it. */
async function counts(s) {
  return s.run(`return Object.fromEntries([...document.querySelectorAll('[data-testid=integrity-counts] tbody tr')]
    .map((r) => [r.dataset.kind, Number(r.dataset.count)]))`);
}

test("the scan finds exactly the damage done, and a finding opens the timeline there", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="nav-integrity"]'))[0]);
  await s.waitFor('[data-testid="integrity-empty"]');
  await s.click((await s.$$('[data-testid="integrity-run"]'))[0]);
  const [verdict] = await s.waitFor('[data-testid="integrity-verdict"]', { timeout: 120_000 });
  assert.match(await s.text(verdict), /The history has damage: 2 findings/);
  assert.match(await s.text(verdict), /is unique by rule/);
  const found = await counts(s);
  assert.deepEqual(
    Object.entries(found).filter(([, n]) => n > 0).sort(),
    [["gap", 1], ["row_mismatch", 1]],
    "the two kinds of damage done, once each, and nothing else",
  );
  const rows = await s.$$('[data-testid="integrity-finding"]');
  const texts = await Promise.all(rows.map((r) => s.text(r)));
  const gapRow = texts.findIndex((t) => t.includes(gapped.reference));
  assert.match(texts[gapRow], /v3 is missing between v2 and v4/);
  const rowRow = texts.findIndex((t) => t.includes(edited.reference));
  assert.match(texts[rowRow], /carrier: history says .*, row says "Nobody Freight"/);
  await s.waitFor('[data-testid="integrity-chart"] svg');

  // A kind's count filters the list to that kind; a second click shows all again.
  const kindsListed = () => s.run("return [...document.querySelectorAll('[data-testid=integrity-finding]')].map((r) => r.dataset.kind)");
  await s.click((await s.$$('[data-testid="integrity-counts"] tr[data-kind="gap"] td'))[0]);
  assert.deepEqual(await s.until("only the gap listed", async () => {
    const k = await kindsListed();
    return k.length === 1 ? k : null;
  }), ["gap"]);
  await s.click((await s.$$('[data-testid="integrity-counts"] tr[data-kind="gap"] td'))[0]);
  await s.until("both listed again", async () => (await kindsListed()).length === 2);
  console.log(`screenshot: ${await run.screenshot("integrity.png")}`);

  // A cell, not the row: WebKitWebDriver finds no point to click on a <tr>.
  await s.click((await s.$$('[data-testid="integrity-finding"] td:nth-child(5)'))[gapRow]);
  await s.until("the timeline at the version after the gap", async () => {
    const hash = await s.run("return location.hash");
    return hash.startsWith(`#/shipment/${gapped.id}`) && /[?&]v=4\b/.test(hash);
  });
  await s.waitFor('[data-testid="version-panel"]');
});

test("a shipment's page checks that shipment only", async () => {
  const s = run.session;
  await s.run(`location.hash = "#/shipment/${edited.id}"`);
  await s.click((await s.waitFor('[data-testid="check-shipment"]'))[0]);
  await s.waitFor('[data-testid="integrity-shipment"]');
  assert.equal(await s.run("return document.querySelector('[data-testid=integrity-shipment]').value"), edited.reference);
  await s.click((await s.$$('[data-testid="integrity-run"]'))[0]);
  const [verdict] = await s.waitFor('[data-testid="integrity-verdict"]', { timeout: 60_000 });
  assert.match(await s.text(verdict), /1 finding in \d+ rows of 1 shipment\b/);
  assert.match(await s.text(verdict), new RegExp(`shipment ${edited.reference}`));
  const found = await counts(s);
  assert.equal(found.row_mismatch, 1);
  assert.equal(found.gap, 0, "the other shipment's gap is not in this scan");
});

test("Cancel stops a scan and says what it covered; a date narrows it to what changed since", async () => {
  const s = run.session;
  await s.run('location.hash = "#/integrity"');
  await s.click((await s.waitFor('[data-testid="integrity-run"]'))[0]);
  await s.click((await s.waitFor('[data-testid="integrity-cancel"]'))[0]);
  const [verdict] = await s.waitFor('[data-testid="integrity-verdict"]', { timeout: 60_000 });
  assert.match(await s.text(verdict), /Cancelled: what was read so far/);

  const [since] = await s.$$('[data-testid="integrity-since"]');
  await s.type(since, "2999-01-01");
  await s.click((await s.$$('[data-testid="integrity-run"]'))[0]);
  await s.until("the narrowed scan's verdict", async () => /changes since 2999/.test(await s.text((await s.$$('[data-testid="integrity-verdict"]'))[0])), 60_000);
  assert.match(await s.text((await s.$$('[data-testid="integrity-verdict"]'))[0]), /No damage found in 0 rows of 0 shipments/);
});
