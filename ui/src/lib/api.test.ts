import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import { getShipment, listShipments, openActive, toIpcError, type Progress } from "./api";

afterEach(() => clearMocks());

describe("api", () => {
  it("passes the list's query to list_shipments", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return [];
    });
    const query = { search: "SHP-2026", statuses: [], carriers: ["DHL"], sort: "eta" as const, reversed: false, include_test: false, limit: 50 };
    await listShipments(query);
    expect(calls).toEqual([["list_shipments", { query }]]);
  });

  it("turns a command's error into { code, message }", async () => {
    mockIPC(() => {
      throw { code: "shipment_not_found", message: "no shipment matches `x`." };
    });
    await expect(getShipment("x")).rejects.toEqual({ code: "shipment_not_found", message: "no shipment matches `x`." });
  });

  it("wraps anything else as an ipc error", () => {
    expect(toIpcError(new Error("boom"))).toEqual({ code: "ipc", message: "boom" });
    expect(toIpcError("plain")).toEqual({ code: "ipc", message: "plain" });
  });

  it("streams start-up progress to the caller", async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe("open_active");
      const channel = (args as { onProgress: Channel<Progress> }).onProgress;
      channel.onmessage({ event: "step", data: { message: "Starting the sandbox database" } });
      channel.onmessage({ event: "rows", data: { done: 5, total: 10 } });
      return { profile: "sandbox", sandbox: true, port: 5433 };
    });
    const seen: Progress[] = [];
    const info = await openActive((p) => seen.push(p));
    expect(info.port).toBe(5433);
    expect(seen).toEqual([
      { event: "step", data: { message: "Starting the sandbox database" } },
      { event: "rows", data: { done: 5, total: 10 } },
    ]);
  });
});
