/**
 * The ingestion layer's twin: an embedded MQTT broker deciding by the deployed device policy (or an external
 * broker), the topic rule, a write-ahead log appended before every acknowledgement, and the delivery stream writing
 * the raw zone with the raw bucket's key layout, running the same processor core as the Firehose Lambda. One
 * runner, `startIngestionTwin`; the next layers subscribe to `onObjectsLanded`.
 */
export { startIngestionTwin } from './twin.js';
export type { ObjectsLanded, Twin, TwinFailure, TwinOptions, TwinStats } from './twin.js';
export { openPki } from './pki.js';
export type { DeviceIdentity, Pki } from './pki.js';
export { IOT_MAX_PAYLOAD_BYTES, LOCAL_ACCOUNT, REFUSAL_REASONS, startEmbeddedBroker } from './broker.js';
export type { EmbeddedBroker, EmbeddedBrokerOptions, Refusal, RefusalReason } from './broker.js';
export { DeliveryStream, PROCESSING_FAILED } from './delivery-stream.js';
export type { BufferHints, DeliveryCounters, DeliveryEntry, DeliveryStreamOptions } from './delivery-stream.js';
export { WriteAheadLog } from './wal.js';
export type { WalCheckpoint, WalOptions, WalPosition, RecoveredEntry } from './wal.js';
export { nodeFs, isDiskFull } from './fs.js';
export type { TwinFs } from './fs.js';
export { readRawZone } from './raw-zone.js';
export type { RawObject } from './raw-zone.js';
export { DeliveryFailedError, ExternalBrokerError, LocalTwinError, TwinOptionError, WalError, isLocalTwinError } from './errors.js';
