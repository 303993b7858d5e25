// Generated from the shell's labels (src-tauri/src/labels.rs) by
// src-tauri/src/bindings.rs when the Rust tests run. Do not edit.

import type { Field } from "./Field";

/** How the app labels each field, in its forms and its error messages. */
export const FIELD_LABELS: Record<Field, string> = {
  limit: "Number of results",
  page_size: "Page size",
  before_version: "Start below version",
  after_version: "Start above version",
  version: "Version",
  requests: "Requests",
  delay_ms: "Delay between starts (ms)",
  pool_size: "Pool size (connections)",
  acquire_timeout_ms: "Acquire timeout (ms)",
  shipments: "Shipments",
  max_ms: "Acceptable time (ms)",
  rows: "Rows",
  threshold_ms: "Threshold (ms)",
  profile_name: "Name",
  host: "Host",
  port: "Port",
  database: "Database",
  user: "User",
  connect_timeout: "Connect timeout (s)",
  statement_timeout: "Statement timeout (ms)",
  lock_timeout: "Lock timeout (ms)",
  schema: "Schema",
  tls_mode: "TLS",
  table: "History table",
  time: "Time",
  time_zone: "Time zone",
  event_type: "Event type",
  filter: "Filter",
  cursor: "Cursor",
  plot_file: "Plot file",
  scenario: "Scenario",
  shipment: "Shipment",
  max_findings: "Maximum findings",
  compare_run: "Run to compare with",
  rate: "Changes per minute",
  history: "History",
};
