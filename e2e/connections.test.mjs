// Connections on the real app (#5): a profile added with a password (which goes
// to the real Secret Service), opened again after a restart without asking,
// and a wrong password met with a clear error and a session-only way on.
// Uses the TLS PostgreSQL from scripts/test-services.sh.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, root, startApp } from "./harness.mjs";
import { answerDialog, screenshotDialog, waitForDialog } from "./dialogs.mjs";

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the test services (scripts/test.sh does)`);
  return value;
}
const port = need("WAYBILL_TEST_PG_PORT");
const ca = need("WAYBILL_TEST_CA");
const password = need("WAYBILL_TEST_OWNER_PASSWORD");
const wrong = "wrong-password-in-the-e2e";
const database = `e2e_${Date.now()}`;
const home = mkdtempSync(join(tmpdir(), "waybill-e2e-home-"));
let run;

before(() => {
  // The "company database": created, migrated and seeded from outside the app.
  execFileSync("psql", ["-q", "-h", "127.0.0.1", "-p", port, "-U", "waybill_owner", "-d", "postgres", "-c", `CREATE DATABASE ${database}`], {
    env: { ...process.env, PGPASSWORD: password, PGSSLMODE: "require" },
  });
  const url = `postgres://waybill_owner:${password}@localhost:${port}/${database}?sslmode=require`;
  const env = { ...process.env, XDG_DATA_HOME: join(home, "cli") };
  execFileSync(cli, ["--database-url", url, "migrate", "--yes"], { env });
  execFileSync(cli, ["--database-url", url, "seed", "--rows", "2000", "--yes"], { env });
});
after(async () => {
  await run?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** One value from `sql` on `db` of the test server, as the owner. */
function psqlOn(db, sql) {
  return execFileSync("psql", ["-qAt", "-h", "127.0.0.1", "-p", port, "-U", "waybill_owner", "-d", db, "-c", sql], {
    env: { ...process.env, PGPASSWORD: password, PGSSLMODE: "require" },
  })
    .toString()
    .trim();
}

async function openConnections(s) {
  await s.run("location.hash = '#/connections'");
  await s.waitFor('[data-testid="profiles"]');
}

/** Arguments to call each write command with; which commands write is generated from the shell's list. */
const WRITE_ARGS = {
  install_tables: {},
  apply_indexes: { rebuildInvalid: false, optional: false },
  check_index_plans: { shipment: null },
  check_function: { shipment: null },
  run_concurrency: { request: { choice: { kind: "all" }, params: null, shipment: null, self_test: false } },
  cleanup_test_shipments: {},
};
// Every command marked `#[command(writes)]` (src-tauri/src/bindings.rs writes the list).
const WRITE_COMMANDS = JSON.parse(readFileSync(new URL("./write-commands.json", import.meta.url), "utf8"));

test("the list of write commands is the shell's", () => {
  assert.deepEqual(Object.keys(WRITE_ARGS).sort(), [...WRITE_COMMANDS].sort(), "arguments for exactly the commands that write");
});

/**
 * Calls every write command from the page's own code, as a script injected
 * into the window could, and answers the shell's dialog with Escape: each
 * must end "cancelled" without the user's yes.
 */
async function refuseEveryWrite(s, db) {
  for (const command of WRITE_COMMANDS) {
    const args = WRITE_ARGS[command];
    const pending = s.run(
      `const [command, args] = arguments;
       const internals = window.__TAURI_INTERNALS__;
       // A progress channel, as the app's own wrappers pass one.
       const onProgress = "__CHANNEL__:" + internals.transformCallback(() => {});
       return internals.invoke(command, { ...args, onProgress }).then(() => "written", (e) => e.code ?? String(e));`,
      command,
      args,
    );
    const dialog = await waitForDialog(`Write to ${db}`);
    await answerDialog(dialog, "Escape");
    assert.equal(await pending, "cancelled", `${command} wrote nothing without the user's yes`);
  }
}

/** A row's button, once the list (loaded after the page appears) shows that profile. */
async function rowButton(s, name, button) {
  const [found] = await s.waitFor(`[data-testid="profile-row"][data-name="${name}"] [data-testid="${button}"]`);
  return found;
}

async function topBar(s) {
  return s.text((await s.$$('[data-testid="connection"]'))[0]);
}

/** Every file under `dir` must be free of `secret`. */
function assertNowhereOnDisk(dir, secret) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) assertNowhereOnDisk(path, secret);
    else assert.ok(!readFileSync(path).toString("latin1").includes(secret), `${path} holds the password`);
  }
}

test("a profile added with its password opens again after a restart without asking", async () => {
  run = await startApp({ home });
  const s = run.session;
  await s.waitFor('[data-testid="shipment-row"]', { timeout: 120_000 });
  await openConnections(s);

  await s.click((await s.$$('[data-testid="add-profile"]'))[0]);
  // The form starts from the core's defaults and follows the server typed:
  // the same TLS mode and pooler as `profile add --url` gives that server.
  const [host] = await s.waitFor('[data-testid="profile-host"]');
  const form = () => s.run("return [document.querySelector('[data-testid=profile-tls]').value, document.querySelector('[data-testid=profile-pooler]').checked]");
  const fromCli = (server) => {
    const config = mkdtempSync(join(tmpdir(), "waybill-cli-profile-"));
    try {
      execFileSync(cli, ["profile", "add", "p", "--url", `postgres://u@${server}/d`], { env: { ...process.env, XDG_CONFIG_HOME: config }, stdio: "pipe" });
      const [p] = JSON.parse(execFileSync(cli, ["profile", "list", "--json"], { env: { ...process.env, XDG_CONFIG_HOME: config } }).toString()).profiles;
      return [p.profile.tls, p.profile.pooler];
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  };
  await s.type(host, "localhost");
  await s.until("prefer for this machine", async () => (await form())[0] === "prefer");
  assert.deepEqual(await form(), fromCli("localhost:5432"));
  await s.clear(host);
  await s.type(host, "db.example.com");
  await s.until("require for another machine", async () => (await form())[0] === "require");
  const [portField] = await s.$$('[data-testid="profile-port"]');
  await s.clear(portField);
  await s.type(portField, "6543");
  await s.until("a pooler on 6543", async () => (await form())[1] === true);
  assert.deepEqual(await form(), fromCli("db.example.com:6543"));

  const [url] = await s.waitFor('[data-testid="profile-url"]');
  await s.type(url, `postgres://waybill_owner:${password}@localhost:${port}/${database}?sslmode=verify-full&sslrootcert=${ca}`);
  await s.click((await s.$$('[data-testid="profile-fill"]'))[0]);
  const [name] = await s.$$('[data-testid="profile-name"]');
  await s.until("the form to be filled", async () => (await s.run("return document.querySelector('[data-testid=profile-host]').value")) === "localhost");
  await s.clear(name);
  await s.type(name, "prod");
  const note = await s.text((await s.$$('[data-testid="tls-note"]'))[0]);
  assert.match(note, /only mode that proves who the server is/);

  await s.click((await s.$$('[data-testid="profile-test"]'))[0]);
  const [result] = await s.waitFor('[data-testid="test-result"]');
  const tested = await s.text(result);
  assert.match(tested, /✓ encrypted/);
  assert.match(tested, /tables found/);
  console.log(`screenshot: ${await run.screenshot("connections-form.png")}`);

  await s.click((await s.$$('[data-testid="profile-save"]'))[0]);
  const [notice] = await s.waitFor('[data-testid="notice"]');
  assert.match(await s.text(notice), /Saved prod; its password is in the OS keyring/);
  const config = readFileSync(join(home, "config/waybill/profiles.json"), "utf8");
  assert.match(config, /"verify-full"/);
  assert.ok(!config.includes(password), "the profiles file holds no password");

  await s.click(await rowButton(s, "prod", "connect"));
  await s.until("the top bar to show prod", async () => /Remote\s*prod/.test(await topBar(s)));
  console.log(`screenshot: ${await run.screenshot("connections.png")}`);
  await s.run("location.hash = '#/'");
  await s.waitFor('[data-testid="shipment-row"]');

  await run.stop();
  run = await startApp({ home });
  const again = run.session;
  await again.waitFor('[data-testid="shipment-row"]', { timeout: 60_000 });
  assert.match(await topBar(again), /Remote\s*prod/, "reopened the profile, its password from the keyring");
  assert.equal((await again.$$('[data-testid="session-password"]')).length, 0, "nothing asked for a password");
});

test("a wrong password shows a clear error, and the right one works for this session", async () => {
  const s = run.session;
  await openConnections(s);
  await s.click(await rowButton(s, "sandbox", "connect"));
  await s.until("the sandbox to be open", async () => /Sandbox/.test(await topBar(s)), 60_000);

  await s.click(await rowButton(s, "prod", "edit"));
  const [field] = await s.waitFor('[data-testid="profile-password"]');
  await s.type(field, wrong);
  await s.click((await s.$$('[data-testid="profile-save"]'))[0]);
  await s.waitFor('[data-testid="notice"]');

  await s.click(await rowButton(s, "prod", "connect"));
  const [error] = await s.waitFor('[data-testid="error"]');
  const message = await s.text(error);
  assert.match(message, /rejected user `waybill_owner`: wrong password/);
  assert.ok(!message.includes(wrong), "the error never shows the password");
  assert.match(await topBar(s), /Sandbox/, "the open connection stayed as it was");
  console.log(`screenshot: ${await run.screenshot("connections-wrong-password.png")}`);

  const [session] = await s.waitFor('[data-testid="session-password"]');
  await s.type(session, password);
  await s.run("document.querySelector('[data-testid=session-password]').form.requestSubmit()");
  await s.until("prod to open with the typed password", async () => /Remote\s*prod/.test(await topBar(s)), 30_000);

  // The keyring still holds the wrong one: the next start says so plainly.
  await run.stop();
  run = await startApp({ home });
  const again = run.session;
  const [startup] = await again.waitFor('[data-testid="error"]', { timeout: 60_000 });
  assert.match(await again.text(startup), /rejected user `waybill_owner`/);
  await again.click((await again.$$('[data-testid="open-sandbox"]'))[0]);
  await again.waitFor('[data-testid="shipment-row"]', { timeout: 60_000 });

});

test("a database without Waybill's tables offers to install them, naming the database first", async () => {
  const s = run.session;
  const empty = `${database}_empty`;
  execFileSync("psql", ["-q", "-h", "127.0.0.1", "-p", port, "-U", "waybill_owner", "-d", "postgres", "-c", `CREATE DATABASE ${empty}`], {
    env: { ...process.env, PGPASSWORD: password, PGSSLMODE: "require" },
  });
  // Added from the CLI this time, into the same profiles file and keyring the app uses.
  execFileSync(cli, ["profile", "add", "empty", "--url", `postgres://waybill_owner@localhost:${port}/${empty}?sslmode=require`, "--password-stdin"], {
    env: run.env,
    input: password,
  });

  await openConnections(s);
  await s.click(await rowButton(s, "empty", "connect"));
  const [banner] = await s.waitFor('[data-testid="tables-missing"]', { timeout: 30_000 });
  assert.match(await s.text(banner), new RegExp(`${empty} has no shipment_requests table`));
  assert.match(await topBar(s), /Remote\s*empty/);

  // The shell asks in a dialog of its own, outside the window, naming the database.
  await s.click((await s.$$('[data-testid="install-tables"]'))[0]);
  let dialog = await waitForDialog(`Write to ${empty}`);
  assert.equal(dialog.title, `Write to ${empty}?`);
  screenshotDialog(dialog, join(root, "target/e2e/connections-install-dialog.png"));
  await answerDialog(dialog, "Escape");
  const [refused] = await s.waitFor('[data-testid="error"]', { timeout: 20_000 });
  assert.match(await s.text(refused), new RegExp(`nothing was written to .${empty}.`));
  assert.equal(psqlOn(empty, "SELECT to_regclass('shipment_history') IS NULL"), "t", "cancelled: nothing written");

  // Code in the window can call a write command, but cannot answer the dialog.
  await refuseEveryWrite(s, empty);
  assert.equal(psqlOn(empty, "SELECT to_regclass('shipment_history') IS NULL"), "t", "still nothing written");

  await s.click((await s.$$('[data-testid="install-tables"]'))[0]);
  dialog = await waitForDialog(`Write to ${empty}`);
  console.log(`screenshot: ${await run.screenshot("connections-install.png")}`);
  await answerDialog(dialog, "alt+w");
  const [notice] = await s.waitFor('[data-testid="notice"]', { timeout: 60_000 });
  assert.match(await s.text(notice), new RegExp(`Installed Waybill's tables in ${empty}`));
  assert.equal((await s.$$('[data-testid="tables-missing"]')).length, 0, "the banner is gone");
  assert.equal(psqlOn(empty, "SELECT to_regclass('shipment_history') IS NOT NULL"), "t", "the tables are there");

  // On a database where every one of them has something to write (a missing
  // index, a test shipment left behind), a "no" still leaves it as it was.
  psqlOn(database, "DROP INDEX idx_shipment_history_event_type");
  psqlOn(database, `INSERT INTO shipment_requests (reference, title, status, origin, destination)
                    VALUES ('TEST-0E2E0E2E-001', 'Concurrency test shipment (created by Waybill)', 'test', 'Waybill', 'Waybill')`);
  const fingerprint = () =>
    psqlOn(database, `SELECT (SELECT count(*) FROM shipment_requests) || ' ' || (SELECT count(*) FROM shipment_history) || ' ' ||
                             (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'shipment_history') || ' ' ||
                             (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables)`);
  const untouched = fingerprint();
  await openConnections(s);
  // (The keyring holds a wrong password for prod since the test before: type the right one.)
  await s.click(await rowButton(s, "prod", "connect"));
  const [session] = await s.waitFor('[data-testid="session-password"]');
  await s.type(session, password);
  await s.run("document.querySelector('[data-testid=session-password]').form.requestSubmit()");
  await s.until("prod to open", async () => /Remote\s*prod/.test(await topBar(s)), 30_000);
  await refuseEveryWrite(s, database);
  assert.equal(fingerprint(), untouched, "no row, index or statistic of the database changed");

  // The profiles file, the app's log and the CLI's data: no password anywhere.
  for (const dir of ["config", "waybill/logs", "cli"]) {
    for (const secret of [password, wrong]) assertNowhereOnDisk(join(home, dir), secret);
  }
  assert.match(readFileSync(join(home, "waybill/logs/waybill.log"), "utf8"), /connected/, "the app logs to its log file");
});
