import type { Accumulator, Parser } from '../../core/cli/parsers.js';
import { fail, listOf, oneOf, positiveNumber } from '../../core/cli/parsers.js';
import { DEVICE_ID_EXPECTED, isDeviceId, isRoomId, ROOM_ID_EXPECTED } from '../../core/ids.js';
import type { ProfileName } from '../../core/ingestion/profiles.js';
import { PROFILE_NAMES } from '../../core/ingestion/profiles.js';
import type { AnomalyKind } from '../anomalies.js';
import { ANOMALY_KINDS } from '../anomalies.js';
import type { FaultKind } from '../faults.js';
import { FAULT_KINDS } from '../faults.js';
import type { Quantity } from '../signal.js';
import { QUANTITIES } from '../signal.js';
import type { ConnectionMode } from '../transport.js';
import { CONNECTION_MODES } from '../transport.js';

/**
 * The simulator's own option parsers; the ones every CLI shares come from the CLI kit (core/cli/parsers.ts) and are
 * re-exported here so the program reads `parse.<name>` throughout.
 */
export { brokerUrl, integer, positiveNumber, probability } from '../../core/cli/parsers.js';

/** A replay speed factor, or `max` for as fast as possible. */
export const speed: Parser<number> = (raw, option) => {
  if (raw.trim().toLowerCase() === 'max') return Infinity;
  return positiveNumber()(raw, option);
};

/** An ISO 8601 instant with a zone, e.g. 2026-11-22T10:00:00Z. */
export const instant: Parser<Date> = (raw, option) => {
  const ms = /(Z|[+-]\d{2}:?\d{2})$/.test(raw.trim()) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) fail(option, raw, 'an ISO 8601 time with a zone, e.g. 2026-11-22T10:00:00Z');
  return new Date(ms);
};

/** A payload profile name. */
export const profile: Parser<ProfileName> = oneOf(PROFILE_NAMES);
/** A connection mode: per-device or shared. */
export const connectionMode: Parser<ConnectionMode> = oneOf(CONNECTION_MODES);
/** Fault kinds, comma-separated, or all. */
export const faultKinds: Parser<FaultKind[]> = listOf(FAULT_KINDS);
/** Anomaly kinds, comma-separated, or all. */
export const anomalyKinds: Parser<AnomalyKind[]> = listOf(ANOMALY_KINDS);
/** How a replayed file's time column is written. */
export const timeKind = oneOf(['index', 'iso', 'epoch-seconds', 'epoch-ms'] as const);

/** QoS 0 or 1. */
export const qos: Parser<0 | 1> = (raw, option) => {
  if (raw !== '0' && raw !== '1') fail(option, raw, '0 or 1');
  return raw === '1' ? 1 : 0;
};

/** A host name, e.g. an AWS IoT data endpoint. */
export const hostName: Parser<string> = (raw, option) => {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(raw)) fail(option, raw, 'a host name such as abc123-ats.iot.eu-west-1.amazonaws.com');
  return raw;
};

/** A device id prefix: what it starts (prefix + number) must still be a valid device id. */
export const idPrefix: Parser<string> = (raw, option) => {
  if (raw !== '' && !isDeviceId(raw)) fail(option, raw, `a prefix of ${DEVICE_ID_EXPECTED}`);
  return raw;
};

/** A Pulumi stack name, bare (`ingestion-dev`) or qualified (`org/sensorlake/ingestion-dev`). */
export const stackName: Parser<string> = (raw, option) => {
  if (!/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+){0,2}$/.test(raw)) fail(option, raw, 'a stack name such as ingestion-dev or my-org/sensorlake/ingestion-dev');
  return raw;
};

/** A topic template containing {deviceId}. */
export const topicTemplate: Parser<string> = (raw, option) => {
  if (!raw.includes('{deviceId}') || /[+#]/.test(raw) || raw.startsWith('$')) fail(option, raw, 'a topic containing {deviceId}, without wildcards or a leading $');
  return raw;
};

/** Accumulates repeated `quantity=column` pairs. */
export const fieldColumn: Accumulator<Partial<Record<Quantity, string>>> = (raw, option, previous = {}) => {
  const m = /^([a-z]+)=(.+)$/.exec(raw.trim());
  if (m === null || !(QUANTITIES as readonly string[]).includes(m[1]!)) fail(option, raw, `quantity=column with quantity one of ${QUANTITIES.join(', ')}`);
  return { ...previous, [m[1]!]: m[2]! };
};

/** Accumulates repeated `quantity=number` constants. */
export const fieldConstant: Accumulator<Partial<Record<Quantity, number>>> = (raw, option, previous = {}) => {
  const m = /^([a-z]+)=(.+)$/.exec(raw.trim());
  const v = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !(QUANTITIES as readonly string[]).includes(m[1]!) || !Number.isFinite(v)) fail(option, raw, `quantity=number with quantity one of ${QUANTITIES.join(', ')}`);
  return { ...previous, [m[1]!]: v };
};

/** `value=room,value=room`, e.g. 1=indoor,0=outdoor. */
export const roomMap: Parser<Record<string, string>> = (raw, option) => {
  const pairs = raw.split(',').map((p) => /^([^=]+)=(.+)$/.exec(p.trim()));
  if (pairs.some((p) => p === null || !isRoomId(p[2]))) fail(option, raw, `value=room pairs separated by commas, e.g. 1=indoor,0=outdoor, each room ${ROOM_ID_EXPECTED}`);
  return Object.fromEntries(pairs.map((p) => [p![1]!, p![2]!]));
};
