// Memory of the real desktop app (its own process and its WebKit processes)
// at the shipment list, after opening a shipment's timeline, after scrolling
// through it, and with a version's diff open. Run by the bench scripts under
// a display (xvfb-run), with XDG_DATA_HOME pointing at their private sandbox.
// Also the start-up times: from launching the app to the first shipment rows,
// and from opening the shipment to its first timeline rows. WAYBILL_APP names
// the binary, WAYBILL_BUILD its label in the table ("debug", "release").
// Usage: node scripts/measure-app-memory.mjs SHIPMENT VERSION [SCROLL_ROWS…]

import { readFileSync, readdirSync } from "node:fs";
import { startApp } from "../e2e/harness.mjs";

const [shipment, version, ...scrolls] = process.argv.slice(2);
const scrollTargets = (scrolls.length ? scrolls : ["10000", "30000"]).map(Number);

/** Every process below `pid` (WebKit's web and network processes), and `pid`. */
function family(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

function memory(pid, field) {
  let total = 0;
  const parts = [];
  for (const p of family(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
      const name = status.match(/Name:\s+(\S+)/)[1];
      total += kb;
      parts.push(`${name} ${Math.round(kb / 1024)}`);
    } catch {}
  }
  return { mb: Math.round(total / 1024), parts: parts.join(", ") };
}


const run = await startApp({ home: process.env.XDG_DATA_HOME });
const s = run.session;
const rows = [];
const build = process.env.WAYBILL_BUILD ?? "release";

/** Milliseconds from `since` until `css` matches, polled every 20 ms. */
async function until(css, since) {
  for (;;) {
    if ((await s.$$(css)).length > 0) return Math.round(performance.now() - since);
    if (performance.now() - since > 120_000) throw new Error(`${css} never appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** Proportional set size, summed: each shared page (the GTK and WebKit
 *  libraries all three processes map) counted once in all, not once per process. */
function pss(pid) {
  let kb = 0;
  for (const p of family(pid)) {
    try {
      kb += Number(readFileSync(`/proc/${p}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+)/m)?.[1] ?? 0);
    } catch {}
  }
  return Math.round(kb / 1024);
}

const timings = [];
const note = (what) => {
  const now = memory(run.appPid(), "VmRSS");
  const peak = memory(run.appPid(), "VmHWM");
  rows.push(`| ${what} | ${now.mb} | ${peak.mb} | ${pss(run.appPid())} | ${now.parts} |`);
};
try {
  timings.push(`launch → first shipment rows: ${await until('[data-testid="shipment-row"]', run.launchedAt)} ms`);
  await s.waitFor('[data-testid="shipment-row"]', { count: 5, timeout: 120_000 });
  note("the shipment list");
  const opened = performance.now();
  await s.run(`location.hash = "#/shipment/${shipment}"`);
  timings.push(`open the shipment → first timeline rows: ${await until('[data-testid="version-row"]', opened)} ms`);
  await s.waitFor('[data-testid="version-row"]', { count: 5, timeout: 60_000 });
  note(`${shipment}'s timeline, first page`);
  for (const target of scrollTargets) {
    // Scroll to the end again and again: each time the next keyset page loads.
    let last = -1;
    let still = 0;
    for (;;) {
      const count = await s.run(`const l = document.querySelector('[data-testid="timeline"]');
        l.scrollTop = l.scrollHeight; return Number(l.dataset.reached);`);
      if (count >= target) break;
      still = count === last ? still + 1 : 0;
      if (still > 200) throw new Error(`scrolling stopped loading at ${count} versions`);
      last = count;
      await new Promise((r) => setTimeout(r, 50));
    }
    note(`after scrolling through ${target.toLocaleString("en")} versions`);
  }
  await s.run(`location.hash = "#/shipment/${shipment}?v=${version}"`);
  await s.waitFor('[data-testid="version-panel"] [data-testid="diff-row"]', { timeout: 120_000 });
  note(`v${version}'s diff open (its state rebuilt by replay)`);
} finally {
  await run.stop();
}
console.log(`| app (${build}), ${shipment} | RSS now, MB | peak, MB | PSS now, MB | RSS by process, MB |`);
console.log("|---|---:|---:|---:|---|");
for (const row of rows) console.log(row);
console.log();
for (const t of timings) console.log(`- ${build}: ${t}`);
