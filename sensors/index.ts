/** The sensorlake fleet simulator as a library: runFleet, replayCsv, the pure generator and the fault/anomaly tables. */
export { runFleet, resolveFleetOptions, publishAll, buildReport } from './run.js';
export type { FleetOptions, FleetHooks, FleetProgress, FleetReport, MessageSource, LabelsError } from './run.js';
export { replayCsv, readReplayRows, replayMessages, SUTHAHARAN_CSV, SUTHAHARAN_MAPPING } from './replay.js';
export type { ReplayOptions, CsvMapping, TimeMapping, ReplayRow } from './replay.js';
export { generateMessages, FleetGenerator, DEFAULT_PLAN, DEFAULT_TOPIC_TEMPLATE, deviceId, roomId, renderTopic } from './fleet.js';
export type { FleetPlan, SimMessage, GeneratedFleet, InjectionCounts } from './fleet.js';
export {
  FAULT_KINDS,
  FAULT_EXPECTED_REASON,
  DEFAULT_FAULT_TOLERANCES,
  OVERSIZE_PAYLOAD_BYTES,
  faultKindsFor,
  faultTimeShiftMs,
} from './faults.js';
export type { FaultKind, FaultTolerances } from './faults.js';
export { ANOMALY_KINDS } from './anomalies.js';
export type { AnomalyKind, AnomalyLabel } from './anomalies.js';
export { writeLabels, writeTextFile, labelsToCsv, LABEL_COLUMNS } from './labels.js';
export type { TextWriter } from './labels.js';
export { QUANTITIES, expectedReading, sampleReading, roomClimate, deviceCharacter } from './signal.js';
export type { Quantity, Reading, RoomClimate, DeviceCharacter } from './signal.js';
export { Transport, CONNECTION_MODES, DEFAULT_TRANSPORT, resolveEndpoint } from './transport.js';
export type { Target, TlsFiles, ConnectionMode, TransportOptions, TransportStats, LatencySummary, PublishOutcome } from './transport.js';
export { SimulatorError, OptionError, ConnectError, CsvError, DeviceIdsError, StackOutputsError, PulumiCliError, isSimulatorError, isOptionError } from './errors.js';
export { checkDeviceIds, parseDeviceIds, readDeviceIdsFile } from './device-ids.js';
export {
  fleetStackOutputsSchema,
  identityFilesFromOutputs,
  identityFilesFromOutputsJson,
  writeIdentityFiles,
  caFile,
  readOutputsFile,
  runPulumiStackOutput,
  stackOutputArgs,
  DEVICES_FILE,
  ENDPOINT_FILE,
  CA_FILE,
} from './aws-identities.js';
export type { FleetStackOutputs, IdentityFile, IdentityBundle, PulumiCli } from './aws-identities.js';
