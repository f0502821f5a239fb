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
export function speed(raw: string): number {
  if (raw.trim().toLowerCase() === 'max') return Infinity;
  return positiveNumber()(raw);
}

/** An ISO 8601 instant with a zone, e.g. 2026-11-22T10:00:00Z. */
export function instant(raw: string): Date {
  const ms = /(Z|[+-]\d{2}:?\d{2})$/.test(raw.trim()) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) fail('an ISO 8601 time with a zone, e.g. 2026-11-22T10:00:00Z');
  return new Date(ms);
}

export const profile: (raw: string) => ProfileName = oneOf(PROFILE_NAMES);
export const connectionMode: (raw: string) => ConnectionMode = oneOf(CONNECTION_MODES);
export const faultKinds: (raw: string) => FaultKind[] = listOf(FAULT_KINDS);
export const anomalyKinds: (raw: string) => AnomalyKind[] = listOf(ANOMALY_KINDS);
export const timeKind = oneOf(['index', 'iso', 'epoch-seconds', 'epoch-ms'] as const);

/** QoS 0 or 1. */
export function qos(raw: string): 0 | 1 {
  if (raw !== '0' && raw !== '1') fail('0 or 1');
  return raw === '1' ? 1 : 0;
}

/** A host name, e.g. an AWS IoT data endpoint. */
export function hostName(raw: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(raw)) fail('a host name such as abc123-ats.iot.eu-west-1.amazonaws.com');
  return raw;
}

/** A device id prefix: what it starts (prefix + number) must still be a valid device id. */
export function idPrefix(raw: string): string {
  if (raw !== '' && !isDeviceId(raw)) fail(`a prefix of ${DEVICE_ID_EXPECTED}`);
  return raw;
}

/** A Pulumi stack name, bare (`ingestion-dev`) or qualified (`org/sensorlake/ingestion-dev`). */
export function stackName(raw: string): string {
  if (!/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+){0,2}$/.test(raw)) fail('a stack name such as ingestion-dev or my-org/sensorlake/ingestion-dev');
  return raw;
}

/** A topic template containing {deviceId}. */
export function topicTemplate(raw: string): string {
  if (!raw.includes('{deviceId}') || /[+#]/.test(raw) || raw.startsWith('$')) fail('a topic containing {deviceId}, without wildcards or a leading $');
  return raw;
}

/** Accumulates repeated `quantity=column` pairs. */
export function fieldColumn(raw: string, previous: Partial<Record<Quantity, string>> = {}): Partial<Record<Quantity, string>> {
  const m = /^([a-z]+)=(.+)$/.exec(raw.trim());
  if (m === null || !(QUANTITIES as readonly string[]).includes(m[1]!)) fail(`quantity=column with quantity one of ${QUANTITIES.join(', ')}`);
  return { ...previous, [m[1]!]: m[2]! };
}

/** Accumulates repeated `quantity=number` constants. */
export function fieldConstant(raw: string, previous: Partial<Record<Quantity, number>> = {}): Partial<Record<Quantity, number>> {
  const m = /^([a-z]+)=(.+)$/.exec(raw.trim());
  const v = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !(QUANTITIES as readonly string[]).includes(m[1]!) || !Number.isFinite(v)) fail(`quantity=number with quantity one of ${QUANTITIES.join(', ')}`);
  return { ...previous, [m[1]!]: v };
}

/** `value=room,value=room`, e.g. 1=indoor,0=outdoor. */
export function roomMap(raw: string): Record<string, string> {
  const pairs = raw.split(',').map((p) => /^([^=]+)=(.+)$/.exec(p.trim()));
  if (pairs.some((p) => p === null || !isRoomId(p[2]))) fail(`value=room pairs separated by commas, e.g. 1=indoor,0=outdoor, each room ${ROOM_ID_EXPECTED}`);
  return Object.fromEntries(pairs.map((p) => [p![1]!, p![2]!]));
}
