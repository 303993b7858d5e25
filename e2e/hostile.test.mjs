// Values other people's databases hold (±infinity, years past 9999, NULLs,
// JSON nested deeper than serde reads, control characters) show in the real
// app instead of leaving a screen spinning: one `eta = 'infinity'` used to
// leave the shipment list loading forever.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, startApp } from "./harness.mjs";

let run;
before(async () => {
  run = await startApp();
  await run.session.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 120_000 });
  const url = execFileSync(cli, ["sandbox", "url"], { env: run.env }).toString().trim();
  const deep = `{"nested": {"old": null, "new": ${"[".repeat(200)}1${"]".repeat(200)}}}`;
  const sql = `
    ALTER TABLE shipment_requests ALTER COLUMN title DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL;
    ALTER TABLE shipment_history ALTER COLUMN "timestamp" DROP NOT NULL;
    INSERT INTO shipment_requests (id, reference, title, status, origin, destination, eta, updated_at) VALUES
      ('00000000-0000-0000-0000-0000000000e1', 'SHP-HOSTILE-1', E'Red\\x1b[31m alert', 'in_transit', 'Hamburg, DE', 'Oslo, NO', 'infinity', now() + interval '1 day');
    INSERT INTO shipment_history (shipment_id, version_no, event_type, "timestamp", changes) VALUES
      ('00000000-0000-0000-0000-0000000000e1', 1, 'created', 'infinity', '{"status": {"old": null, "new": "booked"}}'),
      ('00000000-0000-0000-0000-0000000000e1', 2, 'note_added', '20000-01-01 00:00:00+00', '{"note": {"old": null, "new": "far future"}}'),
      ('00000000-0000-0000-0000-0000000000e1', 3, 'note_added', NULL, '${deep}');
    -- Messy histories: snapshots missing, changes that are text, a state that is not an object.
    INSERT INTO shipment_requests (id, reference, title, status, origin, destination) VALUES
      ('00000000-0000-0000-0000-0000000000e2', 'SHP-MESSY-1', 'Messy history', 'booked', 'Lyon, FR', 'Porto, PT'),
      ('00000000-0000-0000-0000-0000000000e3', 'SHP-MESSY-2', 'Nothing to go on', 'booked', 'Lyon, FR', 'Porto, PT');
    INSERT INTO shipment_history (shipment_id, version_no, event_type, "timestamp", changes, snapshot) VALUES
      ('00000000-0000-0000-0000-0000000000e2', 1, 'created', now() - interval '4 hours',
       '{"status": {"old": null, "new": "booked"}, "carrier": {"old": null, "new": "Maersk"}}', '{"status": "booked", "carrier": "Maersk"}'),
      ('00000000-0000-0000-0000-0000000000e2', 2, 'carrier_assigned', now() - interval '3 hours',
       '{"carrier": {"old": "Maersk", "new": "MSC"}}', NULL),
      ('00000000-0000-0000-0000-0000000000e2', 3, 'note_added', now() - interval '2 hours', '"moved by hand"', NULL),
      ('00000000-0000-0000-0000-0000000000e2', 4, 'note_added', now() - interval '1 hour', '{}', '[1, 2, 3]'),
      ('00000000-0000-0000-0000-0000000000e3', 1, 'created', now(), '"free text, no fields"', NULL);
  `;
  execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], { env: run.env });
});
after(async () => {
  await run?.stop();
});

test("a shipment with an infinite ETA is listed and its odd history opens", async () => {
  const s = run.session;
  const search = (await s.$$('[data-testid="search"]'))[0];
  await s.type(search, "HOSTILE");
  const rows = await s.until("the hostile shipment to be listed", async () => {
    const now = await s.$$('[data-testid="shipment-row"]');
    return now.length === 1 ? now : null;
  });
  const text = await s.text(rows[0]);
  assert.match(text, /SHP-HOSTILE-1/);
  assert.match(text, /infinity/, "the ETA shows as stored");

  const [cell] = await s.$$('[data-testid="shipment-row"] td:nth-child(2)');
  await s.click(cell);
  const entries = await s.waitFor('[data-testid="version-row"]', { count: 3 });
  const times = await s.textContents('[data-testid="version-row"]');
  assert.ok(times.some((t) => t.includes("no time recorded")), times.join(" | "));
  assert.ok(times.some((t) => t.includes("infinity")), times.join(" | "));
  assert.ok(times.some((t) => t.includes("nested too deeply")), times.join(" | "));

  // The version whose changes are too deep to read field by field opens, with their text.
  await s.click(entries[0]);
  const [panel] = await s.waitFor('[data-testid="version-panel"]');
  await s.until("the version to load", async () => /cannot read field by field/.test(await s.text(panel)));
  console.log(`screenshot: ${await run.screenshot("hostile.png")}`);
});

test("messy histories say what they could and could not read", async () => {
  const s = run.session;
  const panelAt = async (id, v) => {
    await s.run(`location.hash = "#/shipment/${id}?v=${v}"`);
    const [panel] = await s.waitFor('[data-testid="version-panel"]');
    return s.until(`v${v} to load`, async () => {
      const text = await s.text(panel);
      return new RegExp(`v${v}\\b`).test(text) && !/Loading/.test(text) ? text : null;
    });
  };
  const messy = "00000000-0000-0000-0000-0000000000e2";

  // No snapshot, changes per field: the state is rebuilt, and says so.
  let text = await panelAt(messy, 2);
  assert.match(text, /rebuilt from changes/);
  assert.equal(await s.run("return document.querySelector('[data-testid=state] tr[data-field=carrier] td')?.innerText.trim()"), "MSC");

  // Changes that are text: skipped in the rebuild, which says how many.
  text = await panelAt(messy, 3);
  assert.match(text, /1 versions had changes that are not per field and were skipped/);
  assert.match(text, /moved by hand/, "the text itself is shown");

  // A stored state that is not an object is shown as it is.
  text = await panelAt(messy, 4);
  assert.match(text, /\[\s*1,\s*2,\s*3\s*\]/);

  // Nothing to go on: the panel says the state is unknown.
  text = await panelAt("00000000-0000-0000-0000-0000000000e3", 1);
  assert.match(text, /The state after this version is unknown/);
  assert.match(text, /free text, no fields/);
  console.log(`screenshot: ${await run.screenshot("messy.png")}`);
});
