import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors.js';
import { applyTopicRule, telemetryTopic } from '../ingestion/definitions.js';
import { outcomeLine, processEnvelope } from '../ingestion/processor.js';
import type { ProfileName } from '../ingestion/profiles.js';
import type { ColumnType, TableDefinition } from './tables.js';
import { CURATED_TELEMETRY, LAKE_TABLES, RAW_TELEMETRY, glueTableParameters, isProjected, lakeTable } from './tables.js';

const DEVICE = 'sensor-0001';
const INGEST_MS = Date.parse('2026-11-22T10:00:05.000Z');

/** One valid payload of each profile, so every column is seen filled and, where a profile lacks it, null. */
const PAYLOADS: Record<ProfileName, object> = {
  sensorlake: { device_id: DEVICE, room_id: 'room-1', ts: '2026-11-22T10:00:00.000Z', seq: 7, temperature: 21.5, humidity: 40, pressure: 1013 },
  'room-reading': { timestamp: '2026-11-22 10:00:00', room_id: 3, temperature: 21.5 },
  'sense-hat': {
    client_id: DEVICE,
    timestamp: '2026-11-22 10:00:00',
    humidity: 39.3,
    temperature: 30.1,
    pressure: 1020.4,
    pitch: 4,
    roll: 7.5,
    yaw: 77,
    count: 104,
  },
};

/** The NDJSON line the processor writes for an accepted message of the profile, parsed. */
function acceptedLine(profile: ProfileName): Record<string, unknown> {
  const envelope = applyTopicRule({ topic: telemetryTopic(DEVICE), payload: Buffer.from(JSON.stringify(PAYLOADS[profile])), receivedAtMs: INGEST_MS });
  const outcome = processEnvelope(envelope, { settings: { maxClockSkewSeconds: 300, maxLatenessHours: 72 } });
  if (outcome.kind !== 'accepted') throw new Error(`fixture of ${profile} was quarantined: ${outcome.record.detail}`);
  return JSON.parse(outcomeLine(outcome)) as Record<string, unknown>;
}

const FITS: Record<ColumnType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  bigint: (v) => Number.isSafeInteger(v),
  double: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  'array<double>': (v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)),
  'struct<score:double>': (v) => typeof v === 'object' && v !== null && typeof (v as { score?: unknown }).score === 'number',
};

describe('RAW_TELEMETRY columns are the NDJSON line the processor writes', () => {
  describe.each(Object.keys(PAYLOADS) as ProfileName[])('an accepted %s record', (profile) => {
    const line = acceptedLine(profile);

    it('GIVEN its line THEN its keys are the column names, in column order', () => {
      expect(Object.keys(line)).toStrictEqual(RAW_TELEMETRY.columns.map((c) => c.name));
    });

    it.each(RAW_TELEMETRY.columns.map((c) => [c.name, c.type] as const))('column %s (%s) fits its value, or the value is null', (name, type) => {
      const value = line[name];
      expect(value === null || FITS[type](value), `${name} = ${JSON.stringify(value)}`).toBe(true);
    });
  });

  it('every column is filled (not null) by at least one profile', () => {
    const lines = (Object.keys(PAYLOADS) as ProfileName[]).map(acceptedLine);
    expect(RAW_TELEMETRY.columns.filter((c) => lines.every((line) => line[c.name] === null)).map((c) => c.name)).toStrictEqual([]);
  });
});

describe('glueTableParameters', () => {
  it('GIVEN the projected raw telemetry table THEN it has the format, projection and location template parameters', () => {
    expect(glueTableParameters(RAW_TELEMETRY, 's3://raw-bucket/telemetry/')).toStrictEqual({
      classification: 'json',
      EXTERNAL: 'TRUE',
      compressionType: 'gzip',
      typeOfData: 'file',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': 'NOW-5YEARS,NOW+1DAYS',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': 's3://raw-bucket/telemetry/dt=${dt}/',
    });
  });

  it('GIVEN a location without a trailing slash THEN the template has exactly one slash before the partition folder', () => {
    expect(glueTableParameters(RAW_TELEMETRY, 's3://raw-bucket/telemetry')['storage.location.template']).toBe('s3://raw-bucket/telemetry/dt=${dt}/');
  });

  it('GIVEN a projected table of two keys THEN the template has both folders in key order', () => {
    const table: TableDefinition = {
      ...CURATED_TELEMETRY,
      projection: { room_id: RAW_TELEMETRY.projection!.dt!, date: RAW_TELEMETRY.projection!.dt! },
    };
    expect(glueTableParameters(table, 's3://b/t/')['storage.location.template']).toBe('s3://b/t/room_id=${room_id}/date=${date}/');
  });

  it('GIVEN the curated telemetry table (not projected) THEN it has no projection parameter and no location template', () => {
    const parameters = glueTableParameters(CURATED_TELEMETRY, 's3://curated-bucket/telemetry/');
    expect(parameters).toStrictEqual({ classification: 'parquet', EXTERNAL: 'TRUE', compressionType: 'snappy', typeOfData: 'file' });
  });
});

describe('isProjected', () => {
  const dt = RAW_TELEMETRY.partitionKeys[0]!;
  const projection = RAW_TELEMETRY.projection!.dt!;
  it.each<[string, TableDefinition, boolean]>([
    ['raw telemetry (dt projected)', RAW_TELEMETRY, true],
    ['curated telemetry (room_id and date, no projection)', CURATED_TELEMETRY, false],
    ['a table without partition keys', { ...RAW_TELEMETRY, partitionKeys: [], projection: {} }, false],
    ['a table projecting only one of its two keys', { ...RAW_TELEMETRY, partitionKeys: [dt, { ...dt, name: 'hour' }], projection: { dt: projection } }, false],
  ])('%s: %s', (_name, table, projected) => {
    expect(isProjected(table)).toBe(projected);
  });
});

describe('lakeTable', () => {
  it('finds every table by its database and name', () => {
    for (const table of LAKE_TABLES) expect(lakeTable(table.database, table.name)).toBe(table);
  });

  it('GIVEN an unknown table THEN the error names the value and the known tables', () => {
    const attempt = () => lakeTable('curated', 'nope');
    expect(attempt).toThrow(InvalidValueError);
    expect(attempt).toThrow(
      `lake table name has invalid value "curated.nope": expected one of ${LAKE_TABLES.map((t) => `${t.database}.${t.name}`).join(', ')}`,
    );
  });
});
