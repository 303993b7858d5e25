// Starts tauri-driver for one test file and tears everything down afterwards:
// the driver, the WebKitWebDriver it spawned, and the sandbox the app started.

import { spawn, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session } from "./webdriver.mjs";

export const root = resolve(import.meta.dirname, "..");
// The app under test: the debug build, or another (the release build, the
// installed package) named by WAYBILL_APP.
export const app = process.env.WAYBILL_APP ?? join(root, "target/debug/waybill-desktop");
export const cli = process.env.WAYBILL_CLI ?? join(root, "target/debug/waybill");
const screenshots = join(root, "target/e2e");

/**
 * Starts the app with its data and config under a temporary directory (never
 * the user's). Pass `home` from an earlier run to restart the app on the same
 * profiles and sandbox; such a home is kept on stop. `args` are the app's
 * command line (a waybill:// link); `prepare(dataHome)` runs before it starts.
 */
export async function startApp({ home, args = [], prepare } = {}) {
  const dataHome = home ?? mkdtempSync(join(tmpdir(), "waybill-e2e-"));
  // Like a user's home: others may pass through (the sandbox server runs as
  // postgres when the tests run as root), not list.
  chmodSync(dataHome, 0o711);
  prepare?.(dataHome);
  const env = { ...process.env, XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: join(dataHome, "config") };
  delete env.DATABASE_URL;
  delete env.WAYBILL_PROFILE;
  const port = 4444;
  // Own process group, so that teardown reaches WebKitWebDriver too.
  const driver = spawn(process.env.TAURI_DRIVER ?? "tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    env,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForDriver(base, driver);
  // When the app was launched (WebKitWebDriver starts it for the new session), for start-up timings.
  const launchedAt = performance.now();
  const session = await Session.create(base, app, args);
  return {
    session,
    launchedAt,
    dataHome,
    env,
    /** A picture of the window as the X server shows it (WebKitWebDriver's
     *  own screenshot hangs when the page is drawn without GPU compositing,
     *  as Waybill draws it), cut to the window. */
    async screenshot(name) {
      mkdirSync(screenshots, { recursive: true });
      const file = join(screenshots, name);
      const { x, y, width, height } = await session.rect();
      // Let the last change reach the screen.
      await new Promise((r) => setTimeout(r, 150));
      execFileSync("import", ["-window", "root", "-crop", `${width}x${height}+${x}+${y}`, "+repage", file]);
      return file;
    },
    /** The app's own process (started by WebKitWebDriver), found by its binary and data home. */
    appPid() {
      for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
          if (readlinkSync(`/proc/${pid}/exe`) !== resolve(app)) continue;
          const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
          if (environ.includes(`XDG_DATA_HOME=${dataHome}`)) return Number(pid);
        } catch {} // gone meanwhile, or not ours to read
      }
      return null;
    },
    async stop() {
      await session.close().catch(() => {});
      try {
        process.kill(-driver.pid, "SIGTERM");
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {}
      // The app stops the sandbox it started when it exits normally; a killed app
      // cannot, so make sure no server outlives the test.
      // (A benchmark that started the sandbox itself keeps it: WAYBILL_KEEP_SANDBOX=1.)
      if (!process.env.WAYBILL_KEEP_SANDBOX) execFileSync(cli, ["sandbox", "stop", "--force"], { env, stdio: "inherit" });
      if (!home) rmSync(dataHome, { recursive: true, force: true });
    },
  };
}

async function waitForDriver(base, driver) {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("tauri-driver did not answer on /status within 20 s");
}
