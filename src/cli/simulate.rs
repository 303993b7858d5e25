//! `waybill sandbox simulate`: realistic changes written to the sandbox until
//! interrupted (or `--count` of them), one line each, for live views to show.

use tokio_util::sync::CancellationToken;
use waybill::connection::Source;
use waybill::error::{Error, Result};
use waybill::sandbox::simulate::{self, Written};

use super::connect::with_connection;

pub async fn run(source: &Source, rate: u32, count: Option<u64>) -> Result<()> {
    if !source.is_sandbox() {
        return Err(Error::SandboxOnly { what: "the simulator" });
    }
    with_connection(source, async |conn| {
        let cancel = CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let written = std::sync::atomic::AtomicU64::new(0);
        let stop = cancel.clone();
        let on_write = |w: &Written| {
            say!("{} v{} {}: {}", w.reference, w.version, w.event_type, w.description);
            let n = written.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if count.is_some_and(|c| n >= c) {
                stop.cancel();
            }
        };
        eprintln!("writing about {rate} changes a minute to the sandbox; Ctrl-C to stop");
        let result = simulate::simulate(conn.db(), rate, &on_write, &cancel).await;
        watcher.abort();
        eprintln!("{} changes written", written.into_inner());
        result.map(|_| ())
    })
    .await
}
