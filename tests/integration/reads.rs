//! The one read path (`Db::read`): a read whose connection drops is tried once
//! more, but never after output has begun (an export cut mid-way must fail,
//! not start over and write its rows twice).

use crate::common;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use waybill::domain::TimelineFilter;
use waybill::timeline::activity::Scope;
use waybill::timeline::export::{self, ExportRequest, TimelineFormat};

/// Holds the first write until `released`, so the connection can be cut
/// while the export is mid-stream.
struct Gate {
    out: Vec<u8>,
    reached: Arc<AtomicBool>,
    released: Arc<AtomicBool>,
}

impl Write for Gate {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.reached.swap(true, Ordering::SeqCst) {
            for _ in 0..1000 {
                if self.released.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_cut_mid_way_fails_and_repeats_nothing() {
    let (name, db) = common::migrated_db().await;
    let id = common::new_shipment(&db, "SHP-CUT-1").await;
    // 40,000 versions with 1 kB of changes each: far more than socket buffers hold.
    sqlx::query(
        "INSERT INTO shipment_history (shipment_id, version_no, event_type, changes, snapshot)
         SELECT $1, v, 'note_added', jsonb_build_object('note', jsonb_build_object('old', NULL, 'new', repeat('x', 1000))), NULL
           FROM generate_series(1, 40000) v",
    )
    .bind(id)
    .execute(&*db)
    .await
    .unwrap();

    let (reached, released) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let killer = {
        let (reached, released, name) = (reached.clone(), released.clone(), name.clone());
        tokio::spawn(async move {
            while !reached.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let admin = waybill::db::connect(common::options("postgres"), 1).await.unwrap();
            waybill::db::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&name)
            .execute(&admin)
            .await
            .unwrap();
            released.store(true, Ordering::SeqCst);
        })
    };
    let mut gate = Gate {
        out: Vec::new(),
        reached,
        released,
    };
    let request = ExportRequest {
        scope: Scope::Shipment("SHP-CUT-1".into()),
        filter: TimelineFilter::default(),
        time_zone: "UTC".into(),
        format: TimelineFormat::Csv,
        page: None,
    };
    let result = export::export(&db, &request, &mut gate, &|_| {}).await;
    killer.await.unwrap();

    let e = result.unwrap_err();
    assert_eq!(e.code(), "output_incomplete", "{e}");
    let text = String::from_utf8(gate.out).unwrap();
    assert_eq!(
        text.matches("# Waybill timeline export").count(),
        1,
        "one header, no restart"
    );
    let versions: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("SHP-CUT-1,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    let mut unique = versions.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), versions.len(), "no row written twice");
    assert!(
        versions.len() < 40_000,
        "the export really was cut ({} rows)",
        versions.len()
    );
    assert!(e.to_string().contains(&format!("after {} rows", versions.len())), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_connection_drops_before_output_is_retried_once() {
    let (name, db) = common::migrated_db().await;
    let attempts = &std::sync::atomic::AtomicU32::new(0);
    let read = db.read(|r| async move {
        let n = attempts.fetch_add(1, Ordering::SeqCst);
        let sleep = if n == 0 { 10.0 } else { 0.0 };
        let v: i32 = waybill::db::query_scalar("SELECT 7 FROM pg_sleep($1)")
            .bind(sleep)
            .fetch_one(&mut *r.conn().await)
            .await?;
        Ok(v)
    });
    let kill = async {
        let admin = waybill::db::connect(common::options("postgres"), 1).await.unwrap();
        for _ in 0..200 {
            let killed: Option<bool> = waybill::db::query_scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = $1 AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()",
            )
            .bind(&name)
            .fetch_optional(&admin)
            .await
            .unwrap();
            if killed == Some(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the read never showed up");
    };
    let (value, ()) = tokio::join!(read, kill);
    assert_eq!(value.unwrap(), 7);
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "one retry");
}
