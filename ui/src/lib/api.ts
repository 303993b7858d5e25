// The only way the UI talks to the shell. Types come from the Rust code
// (generated into ./bindings by ts-rs); each function calls one command.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { IpcError } from "./bindings/IpcError";
import type { Progress } from "./bindings/Progress";
import type { SandboxInfo } from "./bindings/SandboxInfo";
import type { ShipmentDetail } from "./bindings/ShipmentDetail";
import type { ShipmentSummary } from "./bindings/ShipmentSummary";
import type { ScenarioInfo } from "./bindings/ScenarioInfo";
import type { RunRequest } from "./bindings/RunRequest";
import type { RunView } from "./bindings/RunView";
import type { RunProgress } from "./bindings/RunProgress";
import type { RunSummary } from "./bindings/RunSummary";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { TimelineFilter } from "./bindings/TimelineFilter";
import type { TimelinePage } from "./bindings/TimelinePage";
import type { Facets } from "./bindings/Facets";
import type { VersionDetail } from "./bindings/VersionDetail";
import type { Diff } from "./bindings/Diff";
import type { Blame } from "./bindings/Blame";
import type { ActorPage } from "./bindings/ActorPage";
import type { ActorCursor } from "./bindings/ActorCursor";
import type { ActivityChart } from "./bindings/ActivityChart";
import type { Scope } from "./bindings/Scope";
import type { TimelineFormat } from "./bindings/TimelineFormat";
import type { ExportedFile } from "./bindings/ExportedFile";
import type { IndexHealth } from "./bindings/IndexHealth";
import type { ApplyProgress } from "./bindings/ApplyProgress";
import type { ApplyReport } from "./bindings/ApplyReport";
import type { Advice } from "./bindings/Advice";
import type { PlanCheck } from "./bindings/PlanCheck";
import type { ExplainReport } from "./bindings/ExplainReport";
import type { FunctionCheck } from "./bindings/FunctionCheck";
import type { SlowReport } from "./bindings/SlowReport";

export type { IpcError, Progress, SandboxInfo, ShipmentDetail, ShipmentSummary };
export type { ScenarioInfo, RunRequest, RunView, RunProgress, RunSummary, ExportFormat };
export type { Params } from "./bindings/Params";
export type { Scenario } from "./bindings/Scenario";
export type { Check } from "./bindings/Check";
export type { TimelineEntry } from "./bindings/TimelineEntry";
export type { TimelineFilter } from "./bindings/TimelineFilter";
export type { TimelinePage } from "./bindings/TimelinePage";
export type { Facets } from "./bindings/Facets";
export type { VersionDetail } from "./bindings/VersionDetail";
export type { Diff } from "./bindings/Diff";
export type { FieldChange } from "./bindings/FieldChange";
export type { Blame } from "./bindings/Blame";
export type { ActorPage } from "./bindings/ActorPage";
export type { ActorCursor } from "./bindings/ActorCursor";
export type { ActivityChart } from "./bindings/ActivityChart";
export type { Scope } from "./bindings/Scope";
export type { TimelineFormat } from "./bindings/TimelineFormat";
export type { ExportedFile } from "./bindings/ExportedFile";
export type { JsonValue } from "./bindings/serde_json/JsonValue";
export type { IndexHealth, ApplyProgress, ApplyReport, Advice, PlanCheck, ExplainReport, FunctionCheck, SlowReport };
export type { ExpectedStatus } from "./bindings/ExpectedStatus";
export type { FoundIndex } from "./bindings/FoundIndex";
export type { ExplainedQuery } from "./bindings/ExplainedQuery";

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

export function concurrencyScenarios(): Promise<ScenarioInfo[]> {
  return call(() => invoke<ScenarioInfo[]>("concurrency_scenarios"));
}

/** Runs one scenario of the concurrency test, reporting progress as it goes. */
export function runConcurrency(request: RunRequest, onProgress: (p: RunProgress) => void): Promise<RunView> {
  const channel = new Channel<RunProgress>();
  channel.onmessage = onProgress;
  return call(() => invoke<RunView>("run_concurrency", { request, onProgress: channel }));
}

/** Stops the run in progress: requests not yet sent are skipped. */
export function cancelConcurrency(): Promise<boolean> {
  return call(() => invoke<boolean>("cancel_concurrency"));
}

export function listRuns(): Promise<RunSummary[]> {
  return call(() => invoke<RunSummary[]>("list_runs"));
}

export function openRun(id: string): Promise<RunView> {
  return call(() => invoke<RunView>("open_run", { id }));
}

/** The percentile curves of two saved runs overlaid, as SVG text. */
export function compareRuns(id: string, earlier: string): Promise<string> {
  return call(() => invoke<string>("compare_runs", { id, earlier }));
}

/** Writes a run to the Downloads folder; returns the file's path. */
export function exportRun(id: string, format: ExportFormat): Promise<string> {
  return call(() => invoke<string>("export_run", { id, format }));
}

/** One page of a shipment's timeline, newest first; pass `next_before` on for the next. */
export function timelinePage(
  key: string,
  filter: TimelineFilter,
  beforeVersion: number | null,
  limit: number,
): Promise<TimelinePage> {
  return call(() => invoke<TimelinePage>("timeline_page", { key, filter, beforeVersion, limit }));
}

export function timelineFacets(key: string): Promise<Facets> {
  return call(() => invoke<Facets>("timeline_facets", { key }));
}

export function versionDetail(key: string, version: number): Promise<VersionDetail> {
  return call(() => invoke<VersionDetail>("version_detail", { key, version }));
}

export function compareVersions(key: string, from: number, to: number): Promise<Diff> {
  return call(() => invoke<Diff>("compare_versions", { key, from, to }));
}

export function blameFields(key: string): Promise<Blame> {
  return call(() => invoke<Blame>("blame_fields", { key }));
}

export function asOf(key: string, at: string): Promise<VersionDetail> {
  return call(() => invoke<VersionDetail>("as_of", { key, at }));
}

export function actorPage(
  key: string,
  filter: TimelineFilter,
  before: ActorCursor | null,
  limit: number,
): Promise<ActorPage> {
  return call(() => invoke<ActorPage>("actor_page", { key, filter, before, limit }));
}

export function activityChart(scope: Scope, filter: TimelineFilter, timeZone: string): Promise<ActivityChart> {
  return call(() => invoke<ActivityChart>("activity_chart", { scope, filter, timeZone }));
}

/** Streams the filtered timeline into the Downloads folder, reporting rows written. */
export function exportTimeline(
  scope: Scope,
  filter: TimelineFilter,
  timeZone: string,
  format: TimelineFormat,
  onRows: (rows: number) => void,
): Promise<ExportedFile> {
  const channel = new Channel<number>();
  channel.onmessage = onRows;
  return call(() =>
    invoke<ExportedFile>("export_timeline", { scope, filter, timeZone, format, onProgress: channel }),
  );
}

export function indexHealth(): Promise<IndexHealth> {
  return call(() => invoke<IndexHealth>("index_health"));
}

/** Creates the missing indexes concurrently; the caller has confirmed, naming the database. */
export function applyIndexes(rebuildInvalid: boolean, onProgress: (p: ApplyProgress) => void): Promise<ApplyReport> {
  const channel = new Channel<ApplyProgress>();
  channel.onmessage = onProgress;
  return call(() => invoke<ApplyReport>("apply_indexes", { rebuildInvalid, onProgress: channel }));
}

export function indexAdvice(): Promise<Advice> {
  return call(() => invoke<Advice>("index_advice"));
}

/** The app's plans with the redundant indexes dropped inside a rolled-back transaction. */
export function checkIndexPlans(shipment: string | null): Promise<PlanCheck> {
  return call(() => invoke<PlanCheck>("check_index_plans", { shipment }));
}

export function explainQueries(shipment: string | null): Promise<ExplainReport> {
  return call(() => invoke<ExplainReport>("explain_queries", { shipment }));
}

export function checkFunction(shipment: string | null): Promise<FunctionCheck> {
  return call(() => invoke<FunctionCheck>("check_function", { shipment }));
}

export function slowAssignments(thresholdMs: number): Promise<SlowReport> {
  return call(() => invoke<SlowReport>("slow_assignments", { thresholdMs }));
}

/** SVG text as an image source (the CSP allows data: images, not inline markup). */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
