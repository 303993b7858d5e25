// The concurrency screen of the real app: Run gives a PASS verdict with its
// checks and a plot; "Self-test the checker" gives FAIL with the duplicates named.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startApp } from "./harness.mjs";

let run;
before(async () => {
  run = await startApp();
  // The sandbox is ready once the shipment list shows.
  await run.session.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
});
after(async () => {
  await run?.stop();
});

test("Run gives a verdict with six checks and a latency plot", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="nav-concurrency"]'))[0]);
  const [button] = await s.waitFor('[data-testid="run"]');
  await s.click(button);

  const [verdict] = await s.waitFor('[data-testid="verdict"]', { timeout: 60_000 });
  assert.equal(await s.text(verdict), "PASS");
  const checks = await s.textContents('[data-testid="checks"] li');
  assert.equal(checks.length, 6);
  assert.ok(checks.every((c) => c.startsWith("✓")), checks.join("\n"));
  const plotWidth = await s.until("the plot to load", () =>
    s.run("const i = document.querySelector('[data-testid=plot]'); return i && i.complete ? i.naturalWidth : 0"),
  );
  assert.ok(plotWidth > 0, "the plot image rendered");
  console.log(`screenshot: ${await run.screenshot("concurrency.png")}`);
});

test("Self-test the checker fails the unsafe control and names the duplicates", async () => {
  const s = run.session;
  await s.click((await s.$$('[data-testid="self-test"]'))[0]);
  await s.until("a second result", async () => (await s.$$('[data-testid="verdict"]')).length === 2, 60_000);
  const [latest] = await s.textContents('[data-testid="verdict"]');
  assert.equal(latest, "FAIL");
  const evidence = await s.textContents('[data-testid="run-result"]:first-child .evidence');
  assert.ok(evidence.some((e) => /got version/.test(e)), evidence.join("\n"));
  const past = await s.waitFor('[data-testid="past-runs"]');
  assert.match(await s.text(past[0]), /FAIL/);
  console.log(`screenshot: ${await run.screenshot("concurrency-self-test.png")}`);
});

test("one run at a time; Cancel stops a long run, and its report counts the requests never sent", async () => {
  const s = run.session;
  const before = (await s.$$('[data-testid="verdict"]')).length;
  // Rapid fire with 200,000 requests: long enough to be cancelled.
  await s.run(`[...document.querySelectorAll('label.scenario')].find((l) => l.textContent.includes('Rapid fire')).querySelector('input').click()`);
  const [requests] = await s.waitFor('[data-testid="param-requests"]');
  await s.clear(requests);
  await s.type(requests, "200000");
  assert.equal(await s.run("return document.querySelector('[data-testid=param-requests]').value"), "200000");
  // Run is reachable below four parameters in an 800-pixel window.
  await s.click((await s.$$('[data-testid="run"]'))[0]);
  await s.waitFor('[data-testid="run-progress"]', { timeout: 30_000 });

  // A second run, even from code in the window, is refused while one runs.
  const second = await s.run(
    `const internals = window.__TAURI_INTERNALS__;
     const onProgress = "__CHANNEL__:" + internals.transformCallback(() => {});
     const request = { choice: { kind: "all" }, params: null, shipment: null, self_test: false };
     return internals.invoke("run_concurrency", { request, onProgress }).then(() => "ran", (e) => e.code ?? String(e));`,
  );
  assert.equal(second, "run_in_progress");

  await s.click((await s.$$('[data-testid="cancel"]'))[0]);
  await s.until("the cancelled run's result", async () => (await s.$$('[data-testid="verdict"]')).length === before + 1, 60_000);
  const checks = await s.textContents('[data-testid="run-result"]:first-child [data-testid="checks"] li');
  const said = checks.join("\n").match(/([\d,]+) cancelled/);
  assert.ok(said, checks.join("\n"));

  // The saved report (what the CLI and the past-runs list read) agrees.
  const dir = join(run.dataHome, "waybill/concurrency-runs");
  const newest = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const report = JSON.parse(readFileSync(newest, "utf8"));
  assert.equal(report.scenario, "rapid_fire");
  assert.ok(report.cancelled > 0, `cancelled: ${report.cancelled}`);
  assert.equal(report.requests.length + report.cancelled, 200_000);
  assert.equal(Number(said[1].replace(/,/g, "")), report.cancelled, "the window says what the report holds");
});
