// Generated from waybill::links::VIEWS by src-tauri/src/bindings.rs when the Rust
// tests run. Do not edit.

import type { LinkView } from "./LinkView";

/** The views a `waybill://` link can name, and their paths in the window's route. */
export const LINK_VIEWS: LinkView[] = [
  {
    "name": "shipment",
    "path": "shipment",
    "keyed": true,
    "query": true
  },
  {
    "name": "actor",
    "path": "actor",
    "keyed": true,
    "query": true
  },
  {
    "name": "shipments",
    "path": "",
    "keyed": false,
    "query": true
  },
  {
    "name": "overview",
    "path": "overview",
    "keyed": false,
    "query": false
  },
  {
    "name": "integrity",
    "path": "integrity",
    "keyed": false,
    "query": true
  },
  {
    "name": "concurrency",
    "path": "concurrency",
    "keyed": false,
    "query": false
  },
  {
    "name": "health",
    "path": "health",
    "keyed": false,
    "query": false
  },
  {
    "name": "connections",
    "path": "connections",
    "keyed": false,
    "query": false
  }
];
