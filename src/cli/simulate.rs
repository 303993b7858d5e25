//! `waybill sandbox simulate`: realistic changes written to the sandbox until
//! interrupted (or `--count` of them), one line each, for live views to show.

use std::sync::atomic::{AtomicU64, Ordering};

use waybill::connection::Source;
use waybill::error::Result;
use waybill::simulate::{self, Written};

use super::cancel::CtrlC;
use super::connect::with_connection;

pub async fn run(source: &Source, rate: u32, count: Option<u64>) -> Result<()> {
    with_connection(source, async |conn| {
        let ctrl_c = CtrlC::watch("");
        let written = AtomicU64::new(0);
        let stop = ctrl_c.token().clone();
        let on_write = |w: &Written| {
            say!("{} v{} {}: {}", w.reference, w.version, w.event_type, w.description);
            let n = written.fetch_add(1, Ordering::Relaxed) + 1;
            if count.is_some_and(|c| n >= c) {
                stop.cancel();
            }
        };
        if conn.is_sandbox() {
            eprintln!("writing about {rate} changes a minute to the sandbox; Ctrl-C to stop");
        }
        let result = simulate::simulate(conn, rate, &on_write, ctrl_c.token()).await;
        if conn.is_sandbox() {
            eprintln!("{} changes written", written.into_inner());
        }
        result.map(drop)
    })
    .await
}
