/**
 * The local twin of ingestion: an embedded MQTT broker (or an external one), the topic rule, a write-ahead log
 * and a delivery stream that writes the raw zone with the same key layout as S3, running the same processor core
 * as the Firehose Lambda.
 */
export { startTwin } from './ingestion/twin.js';
export type { Twin, TwinOptions, TwinStats } from './ingestion/twin.js';
export { openPki } from './ingestion/pki.js';
export type { DeviceIdentity, Pki } from './ingestion/pki.js';
export { IOT_MAX_PAYLOAD_BYTES, REFUSAL_REASONS, startEmbeddedBroker } from './ingestion/broker.js';
export type { EmbeddedBroker, EmbeddedBrokerOptions, Refusal, RefusalReason } from './ingestion/broker.js';
export { DeliveryStream, PROCESSING_FAILED } from './ingestion/delivery-stream.js';
export type { BufferHints, DeliveryCounters, DeliveryEntry, DeliveryStreamOptions } from './ingestion/delivery-stream.js';
export { WriteAheadLog } from './ingestion/wal.js';
export type { WalCheckpoint, WalOptions, WalPosition, RecoveredEntry } from './ingestion/wal.js';
export { readRawZone } from './ingestion/raw-zone.js';
export type { RawObject } from './ingestion/raw-zone.js';
export { LocalTwinError, TwinOptionError, WalError, isLocalTwinError } from './ingestion/errors.js';
