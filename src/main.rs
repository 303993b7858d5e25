//! `waybill`: the command-line face of Waybill, for QA scripts and CI.
//! Exit codes: 0 on success, 2 on bad input or connection errors (one line on stderr).

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
