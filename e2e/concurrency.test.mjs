// The concurrency screen of the real app: Run gives a PASS verdict with its
// checks and a plot; "Self-test the checker" gives FAIL with the duplicates named.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
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
