// The only way the UI talks to the shell: the command wrappers generated from
// the Rust commands (./bindings/commands.ts), the types generated from the Rust
// types (./bindings), and a few helpers.

export * from "./bindings/commands";
export { toIpcError } from "./ipc";
export type { About } from "./bindings/About";
export type { ActivityChart } from "./bindings/ActivityChart";
export type { ActorCursor } from "./bindings/ActorCursor";
export type { ActorPage } from "./bindings/ActorPage";
export type { Advice } from "./bindings/Advice";
export type { ApplyProgress } from "./bindings/ApplyProgress";
export type { ApplyReport } from "./bindings/ApplyReport";
export type { Blame } from "./bindings/Blame";
export type { Check } from "./bindings/Check";
export type { Choice } from "./bindings/Choice";
export type { ConnectionInfo } from "./bindings/ConnectionInfo";
export type { Diff } from "./bindings/Diff";
export type { ExpectedStatus } from "./bindings/ExpectedStatus";
export type { ExplainReport } from "./bindings/ExplainReport";
export type { ExplainedQuery } from "./bindings/ExplainedQuery";
export type { ExportFormat } from "./bindings/ExportFormat";
export type { ExportProgress } from "./bindings/ExportProgress";
export type { ExportedFile } from "./bindings/ExportedFile";
export type { Facets } from "./bindings/Facets";
export type { FieldChange } from "./bindings/FieldChange";
export type { FoundHistory } from "./bindings/FoundHistory";
export type { Finding } from "./bindings/Finding";
export type { FindingKind } from "./bindings/FindingKind";
export type { FoundIndex } from "./bindings/FoundIndex";
export type { FunctionCheck } from "./bindings/FunctionCheck";
export type { IndexHealth } from "./bindings/IndexHealth";
export type { IntegrityView } from "./bindings/IntegrityView";
export type { IpcError } from "./bindings/IpcError";
export type { MonitorReport } from "./bindings/MonitorReport";
export type { Overview } from "./bindings/Overview";
export type { OverviewRange } from "./bindings/OverviewRange";
export type { OverviewView } from "./bindings/OverviewView";
export type { ParamInfo } from "./bindings/ParamInfo";
export type { ParamKey } from "./bindings/ParamKey";
export type { Params } from "./bindings/Params";
export type { PlanCheck } from "./bindings/PlanCheck";
export type { Profile } from "./bindings/Profile";
export type { ProfileCheck } from "./bindings/ProfileCheck";
export type { ProfileEntry } from "./bindings/ProfileEntry";
export type { ProfileFromUrl } from "./bindings/ProfileFromUrl";
export type { ProfileList } from "./bindings/ProfileList";
export type { Progress } from "./bindings/Progress";
export type { RemoveOutcome } from "./bindings/RemoveOutcome";
export type { RunProgress } from "./bindings/RunProgress";
export type { RunRequest } from "./bindings/RunRequest";
export type { RunSummary } from "./bindings/RunSummary";
export type { RunView } from "./bindings/RunView";
export type { SaveOutcome } from "./bindings/SaveOutcome";
export type { SaveProfile } from "./bindings/SaveProfile";
export type { Scenario } from "./bindings/Scenario";
export type { ScanProgress } from "./bindings/ScanProgress";
export type { ScenarioInfo } from "./bindings/ScenarioInfo";
export type { TablesStatus } from "./bindings/TablesStatus";
export type { Scope } from "./bindings/Scope";
export type { ShipmentDetail } from "./bindings/ShipmentDetail";
export type { ShipmentSummary } from "./bindings/ShipmentSummary";
export type { SlowReport } from "./bindings/SlowReport";
export type { TimelineEntry } from "./bindings/TimelineEntry";
export type { TimelineFilter } from "./bindings/TimelineFilter";
export type { TimelineFormat } from "./bindings/TimelineFormat";
export type { TimelinePage } from "./bindings/TimelinePage";
export type { TlsMode } from "./bindings/TlsMode";
export type { VersionDetail } from "./bindings/VersionDetail";
export type { WriteTarget } from "./bindings/WriteTarget";
export type { JsonValue } from "./bindings/serde_json/JsonValue";
export type { SavedReport } from "./bindings/SavedReport";
export type { Written } from "./bindings/Written";

/** SVG text as an image source (the CSP allows data: images, not inline markup). */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
