// Generated from the shell's commands (src-tauri/src/commands/list.rs) by
// src-tauri/src/bindings.rs when the Rust tests run. Do not edit.

import { call, channel } from "../ipc";
import type { About } from "./About";
import type { ActivityChart } from "./ActivityChart";
import type { ActorCursor } from "./ActorCursor";
import type { ActorPage } from "./ActorPage";
import type { Advice } from "./Advice";
import type { ApplyProgress } from "./ApplyProgress";
import type { ApplyReport } from "./ApplyReport";
import type { Blame } from "./Blame";
import type { Comparison } from "./Comparison";
import type { ConnectionInfo } from "./ConnectionInfo";
import type { ExplainReport } from "./ExplainReport";
import type { ExportFormat } from "./ExportFormat";
import type { ExportProgress } from "./ExportProgress";
import type { ExportedFile } from "./ExportedFile";
import type { Facets } from "./Facets";
import type { FieldHistory } from "./FieldHistory";
import type { FoundHistory } from "./FoundHistory";
import type { FunctionCheck } from "./FunctionCheck";
import type { HistoryChoice } from "./HistoryChoice";
import type { IndexHealth } from "./IndexHealth";
import type { IntegrityRequest } from "./IntegrityRequest";
import type { IntegrityView } from "./IntegrityView";
import type { MonitorReport } from "./MonitorReport";
import type { OverviewRequest } from "./OverviewRequest";
import type { OverviewView } from "./OverviewView";
import type { PlanCheck } from "./PlanCheck";
import type { Profile } from "./Profile";
import type { ProfileCheck } from "./ProfileCheck";
import type { ProfileFromUrl } from "./ProfileFromUrl";
import type { ProfileList } from "./ProfileList";
import type { Progress } from "./Progress";
import type { RemoveOutcome } from "./RemoveOutcome";
import type { RunProgress } from "./RunProgress";
import type { RunRequest } from "./RunRequest";
import type { RunSummary } from "./RunSummary";
import type { RunView } from "./RunView";
import type { SaveOutcome } from "./SaveOutcome";
import type { SaveProfile } from "./SaveProfile";
import type { SavedReport } from "./SavedReport";
import type { ScanProgress } from "./ScanProgress";
import type { ScenarioInfo } from "./ScenarioInfo";
import type { Scope } from "./Scope";
import type { ShipmentDetail } from "./ShipmentDetail";
import type { ShipmentFacets } from "./ShipmentFacets";
import type { ShipmentQuery } from "./ShipmentQuery";
import type { ShipmentSummary } from "./ShipmentSummary";
import type { SlowReport } from "./SlowReport";
import type { TimelineFilter } from "./TimelineFilter";
import type { TimelineFormat } from "./TimelineFormat";
import type { TimelinePage } from "./TimelinePage";
import type { VersionDetail } from "./VersionDetail";
import type { Written } from "./Written";

export function about(): Promise<About> {
  return call("about");
}

/** The route of the link the app was started with, once (then `null`). */
export function takeStartLink(): Promise<string | null> {
  return call("take_start_link");
}

/** The window route of text pasted into the window: a `waybill://` link or the address of a view (`null` for anything else), read as the app reads the links the system hands it. */
export function routeOfLink(text: string): Promise<string | null> {
  return call("route_of_link", { text });
}

/** Opens what the app opened last: the active profile, else the sandbox. */
export function openActive(onProgress: (message: Progress) => void): Promise<ConnectionInfo> {
  return call("open_active", { onProgress: channel(onProgress) });
}

/** Connects to a profile (or `sandbox`) and makes it the one the app opens on start. `session_password` is used for this connection only, never stored. */
export function connectProfile(name: string, sessionPassword: string | null, onProgress: (message: Progress) => void): Promise<ConnectionInfo> {
  return call("connect_profile", { name, sessionPassword, onProgress: channel(onProgress) });
}

export function currentConnection(): Promise<ConnectionInfo> {
  return call("current_connection");
}

export function listProfiles(): Promise<ProfileList> {
  return call("list_profiles");
}

/** Saves a profile, and its password in the keyring (never on disk). */
export function saveProfile(request: SaveProfile): Promise<SaveOutcome> {
  return call("save_profile", { request });
}

/** Deletes a profile and its keyring entry; the open one cannot be deleted. */
export function deleteProfile(name: string): Promise<RemoveOutcome> {
  return call("delete_profile", { name });
}

/** Connects with the form's values (saved or not) and reports what it found. `password` is the form's; without one, the keyring's, if it was saved for the server the form names. */
export function testProfile(profile: Profile, password: string | null): Promise<ProfileCheck> {
  return call("test_profile", { profile, password });
}

/** Installs or updates Waybill's tables in the open database: on the sandbox at once, elsewhere only once the user confirms in a dialog naming it. */
export function installTables(): Promise<ConnectionInfo> {
  return call("install_tables");
}

/** Every table of the open database laid out as Waybill's history or an audit library's, each with the SPEC that reads it and its latest changes. */
export function detectHistories(): Promise<Array<FoundHistory>> {
  return call("detect_histories");
}

/** A mapping written by hand (a SPEC) checked against the open database. */
export function checkHistory(spec: string): Promise<FoundHistory> {
  return call("check_history", { spec });
}

/** Reads the history `spec` names from now on (a profile remembers it); the window then asks for the connection again (`current_connection`). */
export function useHistory(spec: string): Promise<HistoryChoice> {
  return call("use_history", { spec });
}

/** Fills the form from a pasted `postgres://` URL. */
export function profileFromUrl(name: string, url: string): Promise<ProfileFromUrl> {
  return call("profile_from_url", { name, url });
}

/** A new profile's values for `host:port`, as `profile add` gives them (TLS mode, pooler, timeouts): the form starts from these and follows the host and port the user types. */
export function profileDefaults(host: string, port: number): Promise<Profile> {
  return call("profile_defaults", { host, port });
}

export function listShipments(query: ShipmentQuery): Promise<Array<ShipmentSummary>> {
  return call("list_shipments", { query });
}

/** The statuses and carriers the list's filters offer. */
export function shipmentFacets(): Promise<ShipmentFacets> {
  return call("shipment_facets");
}

/** One shipment; its timeline is paged separately (`timeline_page`). */
export function getShipment(key: string): Promise<ShipmentDetail> {
  return call("get_shipment", { key });
}

export function concurrencyScenarios(): Promise<Array<ScenarioInfo>> {
  return call("concurrency_scenarios");
}

/** Runs one scenario or all, streaming progress; `cancel_concurrency` stops it. */
export function runConcurrency(request: RunRequest, onProgress: (message: RunProgress) => void): Promise<Array<RunView>> {
  return call("run_concurrency", { request, onProgress: channel(onProgress) });
}

export function cancelConcurrency(): Promise<boolean> {
  return call("cancel_concurrency");
}

/** Removes test shipments earlier runs left behind (those carrying Waybill's label, and nothing else); returns how many. */
export function cleanupTestShipments(): Promise<number> {
  return call("cleanup_test_shipments");
}

export function listRuns(): Promise<Array<RunSummary>> {
  return call("list_runs");
}

export function openRun(id: string): Promise<RunView> {
  return call("open_run", { id });
}

/** The percentile curves of two saved runs overlaid, as SVG text. */
export function compareRuns(id: string, earlier: string, timeZone: string): Promise<string> {
  return call("compare_runs", { id, earlier, timeZone });
}

/** Writes the run into the Downloads folder (chosen here, never by the window). */
export function exportRun(id: string, format: ExportFormat): Promise<string> {
  return call("export_run", { id, format });
}

/** One page of a shipment's timeline, newest first; pass `next_before` on for the next. */
export function timelinePage(key: string, filter: TimelineFilter, beforeVersion: number | null, limit: number): Promise<TimelinePage> {
  return call("timeline_page", { key, filter, beforeVersion, limit });
}

/** The versions just newer than `after_version`, newest first: rows the window let go of, read again as the reader scrolls back up. */
export function timelineNewerPage(key: string, filter: TimelineFilter, afterVersion: number, limit: number): Promise<TimelinePage> {
  return call("timeline_newer_page", { key, filter, afterVersion, limit });
}

export function timelineFacets(key: string): Promise<Facets> {
  return call("timeline_facets", { key });
}

export function versionDetail(key: string, version: number): Promise<VersionDetail> {
  return call("version_detail", { key, version });
}

export function compareVersions(key: string, from: number, to: number): Promise<Comparison> {
  return call("compare_versions", { key, from, to });
}

export function blameFields(key: string): Promise<Blame> {
  return call("blame_fields", { key });
}

export function asOf(key: string, at: string): Promise<VersionDetail> {
  return call("as_of", { key, at });
}

/** The version in effect at a time: where "Go to date" takes the timeline. */
export function versionAt(key: string, at: string): Promise<number> {
  return call("version_at", { key, at });
}

export function actorPage(key: string, filter: TimelineFilter, before: ActorCursor | null, limit: number): Promise<ActorPage> {
  return call("actor_page", { key, filter, before, limit });
}

/** An actor's changes just newer than `after`, newest first (scrolling back up). */
export function actorNewerPage(key: string, filter: TimelineFilter, after: ActorCursor, limit: number): Promise<ActorPage> {
  return call("actor_newer_page", { key, filter, after, limit });
}

export function activityChart(scope: Scope, filter: TimelineFilter, timeZone: string): Promise<ActivityChart> {
  return call("activity_chart", { scope, filter, timeZone });
}

/** Streams the filtered timeline into the Downloads folder (chosen here, never by the window), reporting rows written as it goes. */
export function exportTimeline(scope: Scope, filter: TimelineFilter, timeZone: string, format: TimelineFormat, onProgress: (message: ExportProgress) => void): Promise<ExportedFile> {
  return call("export_timeline", { scope, filter, timeZone, format, onProgress: channel(onProgress) });
}

/** Every version that changed one field, newest first. */
export function fieldHistory(key: string, field: string, beforeVersion: number | null, limit: number): Promise<FieldHistory> {
  return call("field_history", { key, field, beforeVersion, limit });
}

/** Shows a saved file in the file manager; where no file manager answers the request to point at a file, its folder is opened with the system's application for folders. */
export function showSavedFile(path: string): Promise<null> {
  return call("show_saved_file", { path });
}

/** Opens a saved file with the system's application for it. */
export function openSavedFile(path: string): Promise<null> {
  return call("open_saved_file", { path });
}

export function indexHealth(): Promise<IndexHealth> {
  return call("index_health");
}

/** Creates the missing expected indexes (or, with `optional`, the overview's optional ones) concurrently, streaming the build's progress. Outside the sandbox the shell asks first, naming the database. */
export function applyIndexes(rebuildInvalid: boolean, optional: boolean, onProgress: (message: ApplyProgress) => void): Promise<ApplyReport> {
  return call("apply_indexes", { rebuildInvalid, optional, onProgress: channel(onProgress) });
}

export function indexAdvice(): Promise<Advice> {
  return call("index_advice");
}

/** Drops the redundant indexes inside a transaction that is rolled back. */
export function checkIndexPlans(shipment: string | null): Promise<PlanCheck> {
  return call("check_index_plans", { shipment });
}

export function explainQueries(shipment: string | null): Promise<ExplainReport> {
  return call("explain_queries", { shipment });
}

/** The function probe calls it in two sessions and rolls both back: still a write attempt, so it is confirmed like one. */
export function checkFunction(shipment: string | null): Promise<FunctionCheck> {
  return call("check_function", { shipment });
}

export function slowAssignments(thresholdMs: number, offset: number, limit: number): Promise<SlowReport> {
  return call("slow_assignments", { thresholdMs, offset, limit });
}

/** Production monitoring: assignment times, slow statements and lock waits, from the server's statistics (read-only). */
export function monitor(): Promise<MonitorReport> {
  return call("monitor");
}

/** Scans the history (read-only), streaming rows scanned; `cancel_integrity` stops it. */
export function runIntegrity(request: IntegrityRequest, onProgress: (message: ScanProgress) => void): Promise<IntegrityView> {
  return call("run_integrity", { request, onProgress: channel(onProgress) });
}

export function cancelIntegrity(): Promise<boolean> {
  return call("cancel_integrity");
}

/** The managers' overview of a time range, with its charts. */
export function loadOverview(request: OverviewRequest): Promise<OverviewView> {
  return call("load_overview", { request });
}

/** Reads the overview of `request` and saves it as an HTML report with a PNG of each chart into the Downloads folder (chosen here, never by the window). */
export function saveOverviewReport(request: OverviewRequest): Promise<SavedReport> {
  return call("save_overview_report", { request });
}

/** Writes realistic changes to the sandbox, about `rate` a minute, each one sent as it is written (the window counts them), until `stop_simulation`. The sandbox only. */
export function startSimulation(rate: number, onWrite: (message: Written) => void): Promise<null> {
  return call("start_simulation", { rate, onWrite: channel(onWrite) });
}

/** Stops the simulator; false when it was not running. */
export function stopSimulation(): Promise<boolean> {
  return call("stop_simulation");
}

/** Whether the simulator is writing (a window reloaded while it runs). */
export function simulationRunning(): Promise<boolean> {
  return call("simulation_running");
}
