import { describe, expect, it } from "vitest";
import { connection, WriteGuard } from "./connection.svelte";
import type { ConnectionInfo } from "./api";

function info(sandbox: boolean): ConnectionInfo {
  return {
    profile: sandbox ? "sandbox" : "prod",
    sandbox,
    label: "",
    database: sandbox ? "waybill" : "orders",
    host: "db.example.com",
    port: 5432,
    tls: sandbox ? null : "verify-full",
    pooler: false,
    schema: { database: "orders", missing_table: null, has_function: true },
  };
}

describe("WriteGuard", () => {
  it("runs at once on the sandbox, with no confirmation", () => {
    connection.current = info(true);
    const guard = new WriteGuard();
    const got: (string | null)[] = [];
    guard.run((c) => got.push(c));
    expect(got).toEqual([null]);
    expect(guard.pending).toBeNull();
  });

  it("waits on another database and confirms with its name", () => {
    connection.current = info(false);
    const guard = new WriteGuard();
    const got: (string | null)[] = [];
    guard.run((c) => got.push(c));
    expect(got).toEqual([]);
    expect(guard.pending).not.toBeNull();
    guard.confirm();
    expect(got).toEqual(["orders"]);
    expect(guard.pending).toBeNull();
  });

  it("cancelling writes nothing", () => {
    connection.current = info(false);
    const guard = new WriteGuard();
    let ran = false;
    guard.run(() => (ran = true));
    guard.cancel();
    guard.confirm();
    expect(ran).toBe(false);
  });
});
