//! Every integration test, built as one binary (one link, one shared
//! PostgreSQL for the run: see `common::server`). Each module is one area,
//! against the real server, the real CLI binary and the real keyring.

mod common;

mod cli;
mod concurrency;
mod connections;
mod health;
mod hostile;
mod install;
mod integrity;
mod keyring_locked;
mod layouts;
mod live;
mod monitor;
mod overview;
mod paste;
mod profiles;
mod qa_defaults;
mod reads;
mod sandbox;
mod seed;
mod shipment_list;
mod timeline;
mod timeline_cli;
mod versions;
