/** @fleetwire/simulator — the one public surface. The CLI is `fleetwire-sim` (src/cli). */
export { Rng, seedKey, type Seed } from './model/rng.js';
export { HostModel, randomHostSpec, type HostSpec, type PinResult } from './model/host.js';
export { monitorMetrics, vstatsMetrics, type MonitorMetrics, type VstatsSystemMetrics } from './model/host-dialects.js';
export { LifecyclePlanner, DEFAULT_LIFECYCLE, connectionInfoFrom, type LifecycleOptions, type StartPlan, type StopPlan, type RunOutcome } from './model/lifecycle.js';
export { FleetPlan, parseShard, shardRange, WHOLE, type Shard, type AgentIdentity, type FleetPlanOptions } from './model/fleet-plan.js';
export { parseKeysFile, type KeyEntry } from './model/keys.js';
export { Report, mergeReports, missingShards, C, G, H, errorCounter, REPORT_VERSION, type ReportJSON, type ReportMeta } from './report/report.js';
export { LatencyHistogram } from './report/histogram.js';
export { parseThreshold, parseThresholds, evaluateThresholds, knownMetrics, type Threshold, type ThresholdResult } from './report/thresholds.js';
export { renderLiveTty, renderLiveLine, renderSummary, snapshotFrom, redraw, alignColumns, type LiveSnapshot } from './report/render.js';
export { parseDurationMs, formatMs } from './report/units.js';
export { parseArgs, DIALECTS, type RunOptions, type MergeOptions, type ChaosOptions, type ParseResult } from './cli/args.js';
export { runSimulation, type RunIo, type RunResult } from './run/run.js';
export { FleetSlice, type SliceOptions } from './run/fleet-slice.js';
export { SimAgent, type SimAgentOptions, type EmittedEvent } from './run/sim-agent.js';
export { chaosIo, type SocketChaos } from './run/chaos-socket.js';
export { RentalDriver, type RentalDriverOptions, type RentalDriverCounts } from './run/rentals.js';
export { startEmbedded, IN_PROCESS_MAX_AGENTS, type EmbeddedBackend, type EmbeddedOptions, type BackendStats } from './run/embedded.js';
