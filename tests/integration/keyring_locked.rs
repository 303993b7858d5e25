//! A Secret Service that is there but locked (a desktop session not yet
//! unlocked, no prompt to unlock it): Waybill says the keyring is locked and
//! what to do, never hangs, never falls back to writing the password anywhere.
//! It runs the real CLI against a real gnome-keyring on a D-Bus session of its
//! own, so locking that keyring disturbs no other test.

use crate::common;

use std::process::Command;

use crate::common::remote::remote;

const SCRIPT: &str = r#"
set -u
W=$1 URL=$2 PW=$3 OUT=$4
keyrings=$(mktemp -d)
printf %s keyring-pw | XDG_DATA_HOME=$keyrings gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
step() { name=$1; shift; timeout 30 "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo $? >"$OUT/$name.rc"; }
step add sh -c 'printf %s "$1" | "$2" profile add prod --url "$3" --password-stdin' _ "$PW" "$W" "$URL"
step unlocked "$W" profile test prod </dev/null
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
step locked "$W" profile test prod </dev/null
step add_locked sh -c 'printf %s "$1" | "$2" profile add other --url "$3" --password-stdin' _ "$PW" "$W" "$URL"
rm -rf "$keyrings"
"#;

#[test]
fn a_locked_keyring_is_named_with_what_to_do_and_nothing_hangs_or_leaks() {
    let r = remote();
    let home = common::home();
    let out = tempfile::tempdir().unwrap();
    let url = format!(
        "postgres://waybill_owner@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}",
        r.pg_port,
        r.ca.display()
    );
    let status = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", SCRIPT, "locked-keyring"])
        .arg(env!("CARGO_BIN_EXE_waybill"))
        .arg(&url)
        .arg(&r.owner_password)
        .arg(out.path())
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("DATABASE_URL")
        .env_remove("WAYBILL_PROFILE")
        .status()
        .unwrap();
    assert!(status.success(), "the script ran");
    let read = |step: &str, what: &str| std::fs::read_to_string(out.path().join(format!("{step}.{what}"))).unwrap();
    let rc = |step: &str| read(step, "rc").trim().parse::<i32>().unwrap();
    // Every step's outcome, for the message of any assertion that fails.
    let all: String = ["add", "unlocked", "locked", "add_locked"]
        .iter()
        .map(|step| {
            format!(
                "--- {step}: exit {}\n{}{}",
                rc(step),
                read(step, "out"),
                read(step, "err")
            )
        })
        .collect();

    assert_eq!(rc("add"), 0, "{all}");
    assert_eq!(
        rc("unlocked"),
        0,
        "unlocked, the saved password opens it: {}",
        read("unlocked", "err")
    );

    // Locked: a clear refusal, not a hang (timeout's 124) and not a crash.
    assert_eq!(rc("locked"), 2, "{}", read("locked", "err"));
    let err = read("locked", "err");
    assert!(
        err.contains("it is locked: log in to the desktop session, or unlock it"),
        "{err}"
    );

    // Saving while locked keeps the profile, without the password, and says why.
    assert_eq!(rc("add_locked"), 0, "{all}");
    let warning = read("add_locked", "err");
    assert!(warning.contains("it is locked"), "{all}");

    // The password is nowhere: not in any output, not in Waybill's files.
    for step in ["add", "unlocked", "locked", "add_locked"] {
        for what in ["out", "err"] {
            assert!(
                !read(step, what).contains(&r.owner_password),
                "{step}.{what} shows the password"
            );
        }
    }
    for file in walk(home.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&r.owner_password),
            "{} holds the password",
            file.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
