//! The "remote" servers started by `scripts/test-services.sh` (as `scripts/test.sh`
//! does): PostgreSQL with TLS and password logins, and PgBouncer in transaction
//! mode in front of it. Tests that need them fail, never skip, when they are absent.

use std::path::PathBuf;

use waybill::db::Db;
use waybill::profiles::{Profile, TlsMode};

pub struct Remote {
    pub pg_port: u16,
    pub pooler_port: u16,
    pub ca: PathBuf,
    pub owner_password: String,
    pub reader_password: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start the test services first (`eval \"$(scripts/test-services.sh start)\"`, as scripts/test.sh does)")
    })
}

pub fn remote() -> Remote {
    Remote {
        pg_port: var("WAYBILL_TEST_PG_PORT").parse().unwrap(),
        pooler_port: var("WAYBILL_TEST_POOLER_PORT").parse().unwrap(),
        ca: var("WAYBILL_TEST_CA").into(),
        owner_password: var("WAYBILL_TEST_OWNER_PASSWORD"),
        reader_password: var("WAYBILL_TEST_READER_PASSWORD"),
    }
}

impl Remote {
    /// A direct profile for the owner role, verifying the server with the test CA.
    pub fn direct(&self, database: &str) -> Profile {
        let mut p = Profile::new("direct", "localhost", self.pg_port, database, "waybill_owner");
        p.tls = TlsMode::VerifyFull;
        p.ca_file = Some(self.ca.clone());
        p
    }

    /// The same database through PgBouncer (transaction mode), verifying it
    /// with the same CA: the pooler offers TLS with the server's certificate.
    pub fn pooled(&self, database: &str) -> Profile {
        let mut p = Profile::new("pooled", "localhost", self.pooler_port, database, "waybill_owner");
        p.tls = TlsMode::VerifyFull;
        p.ca_file = Some(self.ca.clone());
        p.pooler = true;
        p
    }

    pub async fn open(&self, profile: &Profile, password: &str) -> waybill::Result<Db> {
        let password = waybill::profiles::Password::new(password);
        waybill::profiles::open_profile(profile, Some(password), None, 8).await
    }

    /// A new database owned by the owner role, with Waybill's schema and a
    /// little demo data (migrated directly: never through the pooler).
    pub async fn seeded_db(&self) -> String {
        let name = format!("r_{}", uuid::Uuid::new_v4().simple());
        let admin = self.open(&self.direct("postgres"), &self.owner_password).await.unwrap();
        waybill::db::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let db = self.open(&self.direct(&name), &self.owner_password).await.unwrap();
        waybill::install::migrate(&db).await.unwrap();
        let options = waybill::seed::SeedOptions {
            rows: 3_000,
            seed: 7,
            replace: false,
        };
        waybill::seed::seed(&db, &options, &waybill::progress::ignore)
            .await
            .unwrap();
        // The read-only role may look, not touch.
        for statement in [
            "GRANT USAGE ON SCHEMA public TO waybill_reader",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO waybill_reader",
        ] {
            waybill::db::query(statement).execute(&db).await.unwrap();
        }
        db.close().await;
        name
    }
}
