// The only way the UI talks to the shell. Types come from the Rust code
// (generated into ./bindings by ts-rs); each function calls one command.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { IpcError } from "./bindings/IpcError";
import type { Progress } from "./bindings/Progress";
import type { ConnectionInfo } from "./bindings/ConnectionInfo";
import type { ProfileList } from "./bindings/ProfileList";
import type { Profile } from "./bindings/Profile";
import type { ProfileCheck } from "./bindings/ProfileCheck";
import type { ProfileFromUrl } from "./bindings/ProfileFromUrl";
import type { SaveProfile } from "./bindings/SaveProfile";
import type { SaveOutcome } from "./bindings/SaveOutcome";
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

export type { IpcError, Progress, ShipmentDetail, ShipmentSummary };
export type { ConnectionInfo, ProfileList, Profile, ProfileCheck, ProfileFromUrl, SaveProfile, SaveOutcome };
export type { ProfileEntry } from "./bindings/ProfileEntry";
export type { TlsMode } from "./bindings/TlsMode";
export type { SchemaStatus } from "./bindings/SchemaStatus";
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

function progressChannel(onProgress: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return channel;
}

/** Opens what the app opened last (a profile, else the sandbox), reporting progress. */
export function openActive(onProgress: (p: Progress) => void): Promise<ConnectionInfo> {
  return call(() => invoke<ConnectionInfo>("open_active", { onProgress: progressChannel(onProgress) }));
}

/** Switches to a profile (`sandbox` for the sandbox); a session password is never stored. */
export function connectProfile(
  name: string,
  sessionPassword: string | null,
  onProgress: (p: Progress) => void,
): Promise<ConnectionInfo> {
  return call(() =>
    invoke<ConnectionInfo>("connect_profile", { name, sessionPassword, onProgress: progressChannel(onProgress) }),
  );
}

export function currentConnection(): Promise<ConnectionInfo> {
  return call(() => invoke<ConnectionInfo>("current_connection"));
}

export function listProfiles(): Promise<ProfileList> {
  return call(() => invoke<ProfileList>("list_profiles"));
}

/** Saves a profile; its password (if given) goes to the OS keyring. */
export function saveProfile(request: SaveProfile): Promise<SaveOutcome> {
  return call(() => invoke<SaveOutcome>("save_profile", { request }));
}

export function deleteProfile(name: string): Promise<void> {
  return call(() => invoke<void>("delete_profile", { name }));
}

/** Connects with the form's values and reports server, TLS, schema and write rights. */
export function testProfile(profile: Profile, password: string | null): Promise<ProfileCheck> {
  return call(() => invoke<ProfileCheck>("test_profile", { profile, password }));
}

export function profileFromUrl(name: string, url: string): Promise<ProfileFromUrl> {
  return call(() => invoke<ProfileFromUrl>("profile_from_url", { name, url }));
}

/** Installs Waybill's schema; `confirm` names the database (needed unless it is the sandbox). */
export function installSchema(confirm: string | null): Promise<ConnectionInfo> {
  return call(() => invoke<ConnectionInfo>("install_schema", { confirm }));
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
export function runConcurrency(
  request: RunRequest,
  confirm: string | null,
  onProgress: (p: RunProgress) => void,
): Promise<RunView> {
  const channel = new Channel<RunProgress>();
  channel.onmessage = onProgress;
  return call(() => invoke<RunView>("run_concurrency", { request, confirm, onProgress: channel }));
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
export function applyIndexes(
  rebuildInvalid: boolean,
  confirm: string | null,
  onProgress: (p: ApplyProgress) => void,
): Promise<ApplyReport> {
  const channel = new Channel<ApplyProgress>();
  channel.onmessage = onProgress;
  return call(() => invoke<ApplyReport>("apply_indexes", { rebuildInvalid, confirm, onProgress: channel }));
}

export function indexAdvice(): Promise<Advice> {
  return call(() => invoke<Advice>("index_advice"));
}

/** The app's plans with the redundant indexes dropped inside a rolled-back transaction. */
export function checkIndexPlans(shipment: string | null, confirm: string | null): Promise<PlanCheck> {
  return call(() => invoke<PlanCheck>("check_index_plans", { shipment, confirm }));
}

export function explainQueries(shipment: string | null): Promise<ExplainReport> {
  return call(() => invoke<ExplainReport>("explain_queries", { shipment }));
}

export function checkFunction(shipment: string | null, confirm: string | null): Promise<FunctionCheck> {
  return call(() => invoke<FunctionCheck>("check_function", { shipment, confirm }));
}

export function slowAssignments(thresholdMs: number): Promise<SlowReport> {
  return call(() => invoke<SlowReport>("slow_assignments", { thresholdMs }));
}

/** SVG text as an image source (the CSP allows data: images, not inline markup). */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
