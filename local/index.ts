/**
 * The local twin of ingestion: an embedded MQTT broker (or an external one), the topic rule, a write-ahead log
 * and a delivery stream that writes the raw zone with the same key layout as S3, running the same processor core
 * as the Firehose Lambda.
 */
export { startTwin } from './twin.js';
export type { Twin, TwinOptions, TwinStats } from './twin.js';
export { openPki } from './pki.js';
export type { DeviceIdentity, Pki } from './pki.js';
export { IOT_MAX_PAYLOAD_BYTES, REFUSAL_REASONS, startEmbeddedBroker } from './broker.js';
export type { EmbeddedBroker, EmbeddedBrokerOptions, Refusal, RefusalReason } from './broker.js';
export { DeliveryStream, PROCESSING_FAILED } from './delivery-stream.js';
export type { BufferHints, DeliveryCounters, DeliveryEntry, DeliveryStreamOptions } from './delivery-stream.js';
export { WriteAheadLog } from './wal.js';
export type { WalCheckpoint, WalOptions, WalPosition, RecoveredEntry } from './wal.js';
export { readRawZone } from './raw-zone.js';
export type { RawObject } from './raw-zone.js';
export { LocalTwinError, TwinOptionError, WalError, isLocalTwinError } from './errors.js';
