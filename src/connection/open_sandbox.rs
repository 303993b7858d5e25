//! Opening the sandbox for use: start its server, make sure the database,
//! Waybill's tables and the demo data are there, and hand back a db.

use crate::error::{Error, Result};
use crate::progress::{Progress, ProgressFn};
use crate::sandbox::{Lease, Sandbox, SandboxInfo, SANDBOX_DATABASE};
use crate::{db, install, seed};

pub struct OpenedSandbox {
    pub db: crate::db::Db,
    pub info: SandboxInfo,
    /// Whether this call started the server.
    pub started_now: bool,
    /// This process's use of it: give it back with `Sandbox::release` when
    /// done (the last one stops a sandbox started on demand).
    pub lease: Lease,
}

/// Starts the sandbox if needed and prepares it: on first use it is migrated and
/// filled with the default demo data (when `seed_demo`); later starts only apply
/// new migrations.
pub async fn open_sandbox(sandbox: &Sandbox, seed_demo: bool, progress: ProgressFn<'_>) -> Result<OpenedSandbox> {
    let started = {
        let sandbox = sandbox.clone();
        // Blocking work (initdb, pg_ctl) stays off the async workers. Progress
        // from there is collected and replayed: a borrowed callback cannot cross.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let task = tokio::task::spawn_blocking(move || sandbox.start(&|m: &str| drop(tx.send(m.to_string()))));
        while let Some(message) = rx.recv().await {
            progress(Progress::step(message));
        }
        task.await
            .map_err(|e| Error::internal(format!("the sandbox task failed: {e}")))??
    };

    match prepare(&started.info, seed_demo, progress).await {
        Ok(db) => Ok(OpenedSandbox {
            db,
            info: started.info,
            started_now: started.started_now,
            lease: started.lease,
        }),
        Err(e) => {
            // The caller gets no lease to give back: give it back here, which
            // stops a server this call started (unless someone else uses it).
            let sandbox = sandbox.clone();
            let lease = started.lease;
            let _ = tokio::task::spawn_blocking(move || sandbox.release(lease)).await;
            Err(e)
        }
    }
}

/// Database, schema and (on first use) demo data; returns the app's db.
async fn prepare(info: &SandboxInfo, seed_demo: bool, progress: ProgressFn<'_>) -> Result<crate::db::Db> {
    let admin = db::connect(Sandbox::connect_options(info, "postgres"), 1).await?;
    let (exists,): (bool,) = crate::db::query_as("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(SANDBOX_DATABASE)
        .fetch_one(&admin)
        .await?;
    if !exists {
        // CREATE DATABASE takes no bind parameters; the name is our own constant.
        // Another process may create it between our check and here: that is fine.
        match crate::db::query(&format!("CREATE DATABASE {SANDBOX_DATABASE}"))
            .execute(&admin)
            .await
        {
            Err(sqlx::Error::Database(e)) if matches!(e.code().as_deref(), Some("42P04") | Some("23505")) => {}
            other => drop(other?),
        }
    }
    admin.close().await;

    let db = db::connect(Sandbox::connect_options(info, SANDBOX_DATABASE), 16).await?;
    progress(Progress::step("Installing Waybill's tables"));
    install::migrate(&db).await?;
    enable_monitoring(&db).await;
    if seed_demo && seed::is_empty(&db).await? {
        // Another process may be seeding right now; seed() serializes on a lock
        // and reports NotEmpty to the one that comes second.
        match seed::seed(&db, &seed::SeedOptions::default(), progress).await {
            Ok(_) | Err(Error::NotEmpty { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(db)
}

/// Creates pg_stat_statements in the sandbox's database when its server
/// preloads it (see `cluster::write_settings`), so `waybill monitor` shows the
/// sandbox's statements. Monitoring is a nicety: the sandbox opens without it.
async fn enable_monitoring(db: &crate::db::Db) {
    let created = crate::db::query(
        "DO $$ BEGIN
           IF current_setting('shared_preload_libraries') ~ 'pg_stat_statements' THEN
             CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
           END IF;
         END $$",
    )
    .execute(db)
    .await;
    if let Err(e) = created {
        tracing::warn!("pg_stat_statements could not be created in the sandbox: {e}");
    }
}
