//! Profiles and passwords (#5) with the real Secret Service: gnome-keyring on
//! the D-Bus session `scripts/test.sh` starts. The password must live in the
//! keyring and nowhere else: not the profiles file, not the logs, not errors.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::common::remote::remote;
use waybill::profiles::{Keyring, Password, SecretStore};

/// Keyring calls one at a time: one Secret Service serves every test, and its
/// collection is not safe to change from several at once.
static KEYRING: Mutex<()> = Mutex::new(());

/// Runs the CLI with its config and data under `home`, `stdin` piped in.
fn cli(home: &Path, stdin: &str, args: &[&str]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DATABASE_URL")
        .env_remove("WAYBILL_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir`, as text, must be free of `secret`.
fn assert_nowhere_on_disk(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_nowhere_on_disk(&path, secret);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{} holds the password",
                path.display()
            );
        }
    }
}

#[test]
fn the_keyring_stores_reads_updates_and_deletes() {
    let _one = KEYRING.lock().unwrap();
    let name = format!("store-{}", uuid::Uuid::new_v4().simple());
    assert_eq!(Keyring.get(&name).unwrap(), None);
    Keyring.set(&name, &Password::new("first")).unwrap();
    assert_eq!(Keyring.get(&name).unwrap(), Some(Password::new("first")));
    Keyring.set(&name, &Password::new("second")).unwrap();
    assert_eq!(Keyring.get(&name).unwrap(), Some(Password::new("second")));
    assert!(Keyring.delete(&name).unwrap());
    assert_eq!(Keyring.get(&name).unwrap(), None);
    assert!(!Keyring.delete(&name).unwrap(), "deleting twice is not an error");
}

#[tokio::test]
async fn a_profile_from_a_url_keeps_its_password_in_the_keyring_only() {
    let _one = KEYRING.lock().unwrap();
    let r = remote();
    let database = r.seeded_db().await;
    let home = common::home();
    let pw = &r.owner_password;
    let url = format!(
        "postgres://waybill_owner:{pw}@localhost:{}/{database}?sslmode=verify-full&sslrootcert={}",
        r.pg_port,
        r.ca.display()
    );

    let (code, out, err) = cli(home.path(), "", &["profile", "add", "prod", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("its password is in the OS keyring"), "{out}");
    let config = std::fs::read_to_string(home.path().join("config/waybill/profiles.json")).unwrap();
    assert!(
        config.contains("\"verify-full\"") && config.contains(&database),
        "{config}"
    );
    assert!(!config.contains(pw.as_str()), "the profiles file holds no password");
    let target = format!("waybill_owner@localhost:{}/{database}", r.pg_port);
    let stored = || match waybill::profiles::load_bound(&Keyring, "prod", &target).unwrap() {
        waybill::profiles::Stored::Usable(p) => Some(p.expose().to_string()),
        _ => None,
    };
    assert_eq!(
        stored().as_deref(),
        Some(pw.as_str()),
        "in the keyring, for this server only"
    );

    let (code, out, _) = cli(home.path(), "", &["profile", "list", "--json"]);
    assert_eq!(code, 0);
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed["profiles"][0]["profile"]["name"], "prod");
    assert_eq!(listed["profiles"][0]["has_password"], true);

    // Later commands find the password in the keyring by themselves.
    let (code, out, err) = cli(home.path(), "", &["profile", "test", "prod"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("encrypted") && out.contains("tables found"), "{out}");
    let (code, out, err) = cli(
        home.path(),
        "",
        &["--profile", "prod", "shipments", "--limit", "3", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // A renamed profile takes its password along (the app's Edit does the same:
    // both go through profiles::manage).
    let (code, out, err) = cli(home.path(), "", &["profile", "rename", "prod", "production"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("its password is in the OS keyring"), "{out}");
    let (code, out, err) = cli(
        home.path(),
        "",
        &["--profile", "production", "shipments", "--limit", "1"],
    );
    assert_eq!(code, 0, "{err}: {out}");
    assert!(
        Keyring.get("prod").unwrap().is_none(),
        "nothing left under the old name"
    );
    let (code, _, err) = cli(home.path(), "", &["profile", "rename", "production", "prod"]);
    assert_eq!(code, 0, "{err}");

    // Writes to a profile's database ask first, naming it; without a terminal
    // to type the name at, nothing is written.
    let (code, _, err) = cli(home.path(), "", &["--profile", "prod", "seed", "--rows", "10"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("writing to database `{database}` on")) && err.contains("needs your confirmation"),
        "{err}"
    );

    // A wrong password (from stdin this time) replaces it, and fails clearly.
    let wrong = "wrong-password-for-the-test";
    let (code, _, err) = cli(
        home.path(),
        wrong,
        &[
            "profile",
            "add",
            "prod",
            "--url",
            &url.replace(&format!(":{pw}@"), "@"),
            "--password-stdin",
            "--replace",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(stored().as_deref(), Some(wrong));
    let (code, _, err) = cli(home.path(), "", &["--profile", "prod", "shipments"]);
    assert_eq!(code, 2);
    assert!(err.contains("rejected user `waybill_owner`"), "{err}");
    assert!(!err.contains(wrong), "{err}");

    let (code, out, _) = cli(home.path(), "", &["profile", "remove", "prod"]);
    assert_eq!(code, 0);
    assert!(out.contains("and its password in the keyring"), "{out}");
    assert_eq!(Keyring.get("prod").unwrap(), None);
    let (code, _, err) = cli(home.path(), "", &["--profile", "prod", "shipments"]);
    assert_eq!(code, 2);
    assert!(err.contains("no connection profile named `prod`"), "{err}");

    // Neither password reached the config, the data directory or the log.
    let log = std::fs::read_to_string(home.path().join("data/waybill/logs/waybill.log")).unwrap();
    assert!(log.contains("connected"), "the log records connections: {log}");
    for secret in [pw.as_str(), wrong] {
        assert_nowhere_on_disk(home.path(), secret);
    }
}

#[tokio::test]
async fn without_a_keyring_nothing_is_written_and_the_cli_says_so() {
    let _one = KEYRING.lock().unwrap();
    let r = remote();
    let home = common::home();
    let secret = "headless-secret-123";
    let url = format!(
        "postgres://waybill_owner@localhost:{}/postgres?sslmode=require",
        r.pg_port
    );
    let out = Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args(["profile", "add", "headless", "--url", &url, "--password-stdin"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        // No session bus: what a headless machine without Secret Service has.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env_remove("DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(secret.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("keyring is not available"), "{stderr}");
    assert!(stdout.contains("without its password"), "{stdout}");
    assert_nowhere_on_disk(home.path(), secret);

    // With no terminal to ask at, using it names the missing password.
    let (code, _, err) = cli(home.path(), "", &["--profile", "headless", "shipments"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no password in the keyring") || err.contains("keyring is not available"),
        "{err}"
    );
}

fn saved(
    path: &Path,
    profile: waybill::profiles::Profile,
    password: Option<&str>,
    replacing: Option<&str>,
) -> waybill::profiles::manage::SaveOutcome {
    let request = waybill::profiles::manage::SaveRequest {
        profile,
        replacing: replacing.map(str::to_string),
        password: password.map(Password::new),
    };
    waybill::profiles::manage::save(path, &Keyring, request, None).unwrap()
}

/// A stored password follows the server it was saved for, not the profile's
/// name: a profile edited to point elsewhere, or a form (or any code in the
/// window) naming another host under the same name, never sends it there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_password_goes_only_to_the_server_it_was_saved_for() {
    let _one = KEYRING.lock().unwrap();
    let r = remote();
    let home = common::home();
    let path = home.path().join("profiles.json");
    let name = format!("bound-{}", uuid::Uuid::new_v4().simple());
    let mut real = r.direct("postgres");
    real.name = name.clone();
    saved(&path, real.clone(), Some(&r.owner_password), None);
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> = std::sync::Arc::new(Keyring);
    waybill::connection::test(&real, None, &secrets)
        .await
        .expect("the password works where it was saved for");

    let peer = common::peer::start("127.0.0.2").await;
    let mut elsewhere = waybill::profiles::Profile::new(&name, "127.0.0.2", peer.port, "postgres", "waybill_owner");
    elsewhere.tls = waybill::profiles::TlsMode::Disable;
    // Test, with the form's values (nothing saved), as the app's Test does.
    let e = waybill::connection::test(&elsewhere, None, &secrets).await.unwrap_err();
    assert_eq!(e.code(), "password_needed", "{e}");
    // Saved as an edit: the stored password is not kept for the new server.
    let outcome = saved(&path, elsewhere.clone(), None, Some(&name));
    assert!(outcome.password_needed && !outcome.password_stored, "{outcome:?}");
    let e = waybill::connection::test(&elsewhere, None, &secrets).await.unwrap_err();
    assert_eq!(e.code(), "password_needed", "{e}");
    let sent = peer.passwords.lock().unwrap().clone();
    assert!(
        !sent.contains(&r.owner_password),
        "the password reached another host: {sent:?}"
    );
    Keyring.delete(&name).unwrap();
}

/// `prefer` falls back to plain text when a server offers no TLS; a password
/// for another machine is never sent that way (only `disable`, a choice for a
/// trusted network, allows it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_never_crosses_the_network_in_clear_unless_tls_is_disabled() {
    let _one = KEYRING.lock().unwrap();
    let home = common::home();
    let path = home.path().join("profiles.json");
    let peer = common::peer::start("127.0.0.2").await;
    let name = format!("far-{}", uuid::Uuid::new_v4().simple());
    let mut far = waybill::profiles::Profile::new(&name, "127.0.0.2", peer.port, "orders", "support");
    far.tls = waybill::profiles::TlsMode::Prefer;
    far.connect_timeout_s = 3;
    saved(&path, far.clone(), Some("do-not-send-me"), None);
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> = std::sync::Arc::new(Keyring);
    let e = waybill::connection::test(&far, None, &secrets).await.unwrap_err();
    assert_eq!(e.code(), "tls_not_offered", "{e}");
    assert!(*peer.tls_requests.lock().unwrap() >= 1, "TLS was asked for");
    assert!(peer.passwords.lock().unwrap().is_empty(), "no password in clear");

    far.tls = waybill::profiles::TlsMode::Disable;
    saved(&path, far.clone(), Some("do-not-send-me"), Some(&name));
    let _ = waybill::connection::test(&far, None, &secrets).await;
    assert_eq!(
        peer.passwords.lock().unwrap().as_slice(),
        ["do-not-send-me"],
        "disable is the user's choice"
    );
    Keyring.delete(&name).unwrap();
}
