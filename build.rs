//! Records the commit Waybill is built from, for `waybill --version` and the
//! app's About line. Outside a git checkout (a source tarball) it is
//! `WAYBILL_COMMIT` from the environment, else "unknown".

use std::process::Command;

fn main() {
    // A new commit or checkout moves .git/logs/HEAD (HEAD itself only names the branch).
    println!("cargo:rerun-if-changed=.git/logs/HEAD");
    println!("cargo:rerun-if-env-changed=WAYBILL_COMMIT");
    let commit = std::env::var("WAYBILL_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--short=9", "HEAD"])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        });
    println!(
        "cargo:rustc-env=WAYBILL_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}
