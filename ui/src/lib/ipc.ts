// The two things every generated command wrapper (./bindings/commands.ts) uses:
// `call`, which turns every rejection into an IpcError, and `channel`, which
// turns a callback into a Tauri progress channel.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { IpcError } from "./bindings/IpcError";

/** Every rejection becomes an IpcError, so components handle one shape. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    return { code: String(e.code), message: String(e.message) };
  }
  return { code: "ipc", message: e instanceof Error ? e.message : String(e) };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export function channel<T>(onMessage: (message: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = onMessage;
  return c;
}
