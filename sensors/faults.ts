import type { ProfileName, QuarantineReason } from '../core/ingestion/profiles.js';
import { RANGES } from '../core/ingestion/profiles.js';
import { MAX_TELEMETRY_PAYLOAD_BYTES } from '../core/ingestion/definitions.js';
import { SETTINGS } from '../core/settings.js';
import { PROFILES_WITH_SEQ } from './payload.js';

/** Kinds of bad message the simulator can inject on purpose. */
export const FAULT_KINDS = [
  'malformed-json',
  'missing-field',
  'wrong-type',
  'out-of-range',
  'oversize',
  'duplicate-seq',
  'clock-skew',
  'late',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The quarantine reason the telemetry processor gives each injected fault, so a run can reconcile faults injected
 * against records quarantined, reason by reason.
 */
export const FAULT_EXPECTED_REASON = {
  'malformed-json': 'malformed-json',
  'missing-field': 'missing-field',
  'wrong-type': 'wrong-type',
  'out-of-range': 'out-of-range',
  oversize: 'oversize',
  'duplicate-seq': 'duplicate',
  'clock-skew': 'clock-skew',
  late: 'late',
} as const satisfies Record<FaultKind, QuarantineReason>;

/** Fault kinds that make sense for a profile: a duplicate needs a `seq` to be recognisable. */
export function faultKindsFor(profile: ProfileName): FaultKind[] {
  return FAULT_KINDS.filter((k) => k !== 'duplicate-seq' || PROFILES_WITH_SEQ.includes(profile));
}

/** The processor's timeliness limits the time faults must exceed (defaults: the environment settings' defaults). */
export interface FaultTolerances {
  /** Readings stamped further than this in the future are clock-skewed. */
  readonly maxClockSkewSeconds: number;
  /** Readings stamped further than this in the past are late. */
  readonly maxLatenessHours: number;
}

/** The processor's defaults, from the environment settings. */
export const DEFAULT_FAULT_TOLERANCES: FaultTolerances = {
  maxClockSkewSeconds: SETTINGS.telemetryMaxClockSkewSeconds.default,
  maxLatenessHours: SETTINGS.telemetryMaxLatenessHours.default,
};

/**
 * How far a clock-skew or late fault moves the event time. Ten times the tolerance (at least an hour) keeps the
 * fault unambiguous even when publishing takes long.
 */
export function faultTimeShiftMs(kind: 'clock-skew' | 'late', tolerances: FaultTolerances): number {
  return kind === 'clock-skew'
    ? Math.max(3_600_000, tolerances.maxClockSkewSeconds * 10_000)
    : -Math.max(3_600_000, tolerances.maxLatenessHours * 36_000_000);
}

/** Size an oversize payload is padded to: twice the accepted maximum, far below IoT Core's 128 KiB limit. */
export const OVERSIZE_PAYLOAD_BYTES = 2 * MAX_TELEMETRY_PAYLOAD_BYTES;

/** The field every profile requires, which the field faults break. */
const TARGET_FIELD = 'temperature';

/**
 * Breaks an encoded message the way `kind` says (except the time and duplicate faults, which act before encoding
 * or replay an earlier payload). Returns the payload bytes.
 */
export function corruptPayload(kind: FaultKind, fields: Record<string, unknown>): Buffer {
  switch (kind) {
    case 'malformed-json': {
      const text = JSON.stringify(fields);
      return Buffer.from(text.slice(0, Math.max(1, text.length - 1)), 'utf8');
    }
    case 'missing-field': {
      const copy = { ...fields };
      delete copy[TARGET_FIELD];
      return Buffer.from(JSON.stringify(copy), 'utf8');
    }
    case 'wrong-type':
      return Buffer.from(JSON.stringify({ ...fields, [TARGET_FIELD]: String(fields[TARGET_FIELD]) }), 'utf8');
    case 'out-of-range':
      return Buffer.from(JSON.stringify({ ...fields, [TARGET_FIELD]: RANGES.temperature.max + 50 }), 'utf8');
    case 'oversize': {
      const base = JSON.stringify({ ...fields, padding: '' });
      const padding = 'x'.repeat(OVERSIZE_PAYLOAD_BYTES - Buffer.byteLength(base, 'utf8'));
      return Buffer.from(JSON.stringify({ ...fields, padding }), 'utf8');
    }
    case 'duplicate-seq':
    case 'clock-skew':
    case 'late':
      return Buffer.from(JSON.stringify(fields), 'utf8');
  }
}
