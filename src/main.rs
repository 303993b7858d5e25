//! `waybill`: the command-line face of Waybill, for QA scripts and CI.
//! Exit codes: 0 on success, 1 when a check fails (a concurrency verdict of FAIL),
//! 2 on bad input or connection errors (one line on stderr).

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    // Like other Unix tools: `waybill … | head` ends quietly instead of panicking
    // on a closed pipe.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread uses it.
    unsafe {
        let _ = nix::sys::signal::signal(nix::sys::signal::Signal::SIGPIPE, nix::sys::signal::SigHandler::SigDfl);
    }
    let args = cli::Cli::parse();
    // A log is a help, not a requirement: a read-only home still runs commands.
    let _ = waybill::logging::init();
    match cli::run(args).await {
        Ok(code) => code,
        Err(e) => {
            tracing::warn!(code = e.code(), "{e}");
            eprintln!("error: {}", cli::render(&e));
            ExitCode::from(2)
        }
    }
}
