// The only way the UI talks to the shell. Types come from the Rust code
// (generated into ./bindings by ts-rs); each function calls one command.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { IpcError } from "./bindings/IpcError";
import type { Progress } from "./bindings/Progress";
import type { SandboxInfo } from "./bindings/SandboxInfo";
import type { ShipmentDetail } from "./bindings/ShipmentDetail";
import type { ShipmentSummary } from "./bindings/ShipmentSummary";

export type { IpcError, Progress, SandboxInfo, ShipmentDetail, ShipmentSummary };
export type { HistoryEntry } from "./bindings/HistoryEntry";

/** Every rejection becomes an IpcError, so components handle one shape. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    return { code: String(e.code), message: String(e.message) };
  }
  return { code: "ipc", message: e instanceof Error ? e.message : String(e) };
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Starts the sandbox (creating and filling it on first use), reporting progress. */
export function openSandbox(onProgress: (p: Progress) => void): Promise<SandboxInfo> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return call(() => invoke<SandboxInfo>("open_sandbox", { onProgress: channel }));
}

export function listShipments(search: string, limit: number): Promise<ShipmentSummary[]> {
  return call(() => invoke<ShipmentSummary[]>("list_shipments", { search, limit }));
}

export function getShipment(key: string): Promise<ShipmentDetail> {
  return call(() => invoke<ShipmentDetail>("get_shipment", { key }));
}
