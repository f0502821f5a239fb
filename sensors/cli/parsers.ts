import { InvalidArgumentError } from 'commander';
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
 * Pure argument parsers: each takes the raw string and returns the typed value or throws commander's
 * InvalidArgumentError, which commander reports with the option's name and the value.
 */

function fail(expected: string): never {
  throw new InvalidArgumentError(`expected ${expected}.`);
}

/** An integer from min to max. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => {
    const v = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) fail(max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`);
    return v;
  };
}

/** A finite number above 0 (and at most max). */
export function positiveNumber(max: number = Number.MAX_VALUE): (raw: string) => number {
  return (raw) => {
    const v = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v > max) fail(max === Number.MAX_VALUE ? 'a number above 0' : `a number above 0 and at most ${max}`);
    return v;
  };
}

/** A probability from 0 to 1. */
export function probability(raw: string): number {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1) fail('a probability from 0 to 1, e.g. 0.01');
  return v;
}

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

function oneOf<T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(allowed as readonly string[]).includes(raw)) fail(`one of ${allowed.join(', ')}`);
    return raw as T;
  };
}

/** A comma-separated list of allowed names; `all` means every one. */
function listOf<T extends string>(allowed: readonly T[]): (raw: string) => T[] {
  return (raw) => {
    if (raw.trim() === 'all') return [...allowed];
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
    if (items.length === 0 || bad.length > 0) fail(`a comma-separated list of ${allowed.join(', ')} (or all)${bad.length > 0 ? `; unknown: ${bad.join(', ')}` : ''}`);
    return [...new Set(items)] as T[];
  };
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

/** A broker URL: mqtt://host[:port] or mqtts://host[:port]. */
export function brokerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail('a URL such as mqtt://localhost:1883 or mqtts://localhost:8883');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') fail('scheme mqtt:// or mqtts://');
  if (url.hostname === '') fail('a host name in the URL');
  return raw;
}

/** A host name, e.g. an AWS IoT data endpoint. */
export function hostName(raw: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(raw)) fail('a host name such as abc123-ats.iot.eu-west-1.amazonaws.com');
  return raw;
}

/** A device id prefix usable in client ids and topics. */
export function idPrefix(raw: string): string {
  if (!/^[A-Za-z0-9_.:-]*$/.test(raw)) fail('letters, digits, _ . : - only');
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
  const pairs = raw.split(',').map((p) => /^([^=]+)=([A-Za-z0-9_.:-]+)$/.exec(p.trim()));
  if (pairs.length === 0 || pairs.some((p) => p === null)) fail('value=room pairs separated by commas, e.g. 1=indoor,0=outdoor');
  return Object.fromEntries(pairs.map((p) => [p![1]!, p![2]!]));
}
