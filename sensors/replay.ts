import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEVICE_ID_EXPECTED, isDeviceId, isRoomId } from '../core/ids.js';
import type { ProfileName } from '../core/ingestion/profiles.js';
import { PROFILE_NAMES } from '../core/ingestion/profiles.js';
import { PROJECT_ROOT } from '../core/settings.js';
import { CsvError, OptionError } from './errors.js';
import { parseCsv } from './csv.js';
import type { FaultKind } from './faults.js';
import { FAULT_KINDS } from './faults.js';
import type { SimMessage } from './fleet.js';
import { DEFAULT_TOPIC_TEMPLATE, DEVICE_PLACEHOLDER, renderTopic } from './fleet.js';
import { ANOMALY_KINDS } from './anomalies.js';
import type { AnomalyKind } from './anomalies.js';
import { encodeFields, PROFILE_QUANTITIES } from './payload.js';
import type { FleetHooks, FleetReport } from './run.js';
import { buildReport, publishAll } from './run.js';
import type { Quantity } from './signal.js';
import { QUANTITIES } from './signal.js';
import type { Target, TlsFiles, TransportOptions } from './transport.js';
import { DEFAULT_TRANSPORT, Transport } from './transport.js';

/** How a column becomes the event time. */
export type TimeMapping =
  /** The column counts readings; event time = start time + value × intervalSeconds. */
  | { readonly column: string; readonly kind: 'index'; readonly intervalSeconds: number }
  /** The column holds an ISO 8601 instant, epoch seconds or epoch milliseconds. */
  | { readonly column: string; readonly kind: 'iso' | 'epoch-seconds' | 'epoch-ms' };

/** How CSV columns map to message fields. */
export interface CsvMapping {
  /** Column identifying the device; numeric values become `<prefix><value padded to 4>`, others `<prefix><value>`. */
  readonly device: { readonly column: string; readonly prefix: string };
  /** Column holding the per-device sequence number (optional: otherwise rows are numbered per device from 0). */
  readonly seq?: string;
  readonly time: TimeMapping;
  /** Room from a column (optionally translated through `values`) or one constant room. */
  readonly room: { readonly column: string; readonly values?: Readonly<Record<string, string>> } | { readonly constant: string };
  /** Quantity → column. */
  readonly fields: Readonly<Partial<Record<Quantity, string>>>;
  /** Quantities the file lacks but the profile requires, as constants. */
  readonly constants?: Readonly<Partial<Record<Quantity, number>>>;
}

/** The single-hop dataset in the repository: `data/suthaharan-single-hop/data.csv` (provenance and licence in its README). */
export const SUTHAHARAN_CSV = path.resolve(PROJECT_ROOT, 'data/suthaharan-single-hop/data.csv');

/**
 * Mapping of the single-hop dataset: motes are devices (mote 1 → sensor-0001), `reading` is seq and counts 5 s
 * steps, rooms come from the indoor flag. The motes measured no pressure, so it is sent as the standard
 * atmosphere (1013.25 hPa), a constant that marks it as not measured.
 */
export const SUTHAHARAN_MAPPING: CsvMapping = {
  device: { column: 'mote_id', prefix: 'sensor-' },
  seq: 'reading',
  time: { column: 'reading', kind: 'index', intervalSeconds: 5 },
  room: { column: 'indoor', values: { '1': 'indoor', '0': 'outdoor' } },
  fields: { temperature: 'temperature', humidity: 'humidity' },
  constants: { pressure: 1013.25 },
};

/** Options of a CSV replay. Everything but `target` and `file` has a default. */
export interface ReplayOptions extends Partial<Omit<TransportOptions, 'target' | 'tls'>> {
  readonly target: Target;
  readonly tls?: TlsFiles;
  readonly file: string;
  /** Default SUTHAHARAN_MAPPING. */
  readonly mapping?: CsvMapping;
  /** Replay speed factor: 1 = the file's own pace, 60 = a minute per second, Infinity = as fast as possible (default). */
  readonly speed?: number;
  /**
   * Event time of the first reading. For `index` times the default puts the last reading at the replay's start
   * (all readings in the recent past); for absolute times the default keeps the file's times.
   */
  readonly startTime?: Date | number;
  /** Default sensorlake. */
  readonly profile?: ProfileName;
  /** Default `sensors/{deviceId}/telemetry`. */
  readonly topicTemplate?: string;
  /** How long to wait for outstanding acknowledgements at the end (default 30 s). */
  readonly drainTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** One CSV row as a reading. */
export interface ReplayRow {
  readonly line: number;
  readonly deviceId: string;
  readonly roomId: string;
  readonly seq: number;
  readonly atMs: number;
  readonly values: Readonly<Partial<Record<Quantity, number>>>;
}

function numberAt(file: string, line: number, column: string, raw: string | undefined): number {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new CsvError(file, line, `column ${column} has value ${JSON.stringify(raw)}, expected a number`);
  return value;
}

/**
 * Reads a CSV file into readings sorted by event time (stable), applying a mapping. Throws CsvError naming the line,
 * column and value of the first row that does not fit.
 */
export function readReplayRows(file: string, mapping: CsvMapping, startTimeMs?: number, nowMs: number = Date.now()): ReplayRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CsvError(file, 0, `cannot read: ${(error as Error).message}`);
  }
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new CsvError(file, 0, 'is empty');
  const index = new Map(header.fields.map((name, i) => [name.trim(), i]));
  const col = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new CsvError(file, header.line, `has no column ${JSON.stringify(name)} (columns: ${[...index.keys()].join(', ')})`);
    return i;
  };
  const deviceCol = col(mapping.device.column);
  const seqCol = mapping.seq === undefined ? undefined : col(mapping.seq);
  const timeCol = col(mapping.time.column);
  const roomCol = 'column' in mapping.room ? col(mapping.room.column) : undefined;
  const fieldCols = Object.entries(mapping.fields).map(([q, c]) => [q as Quantity, col(c)] as const);
  const constants = mapping.constants ?? {};

  const nextSeq = new Map<string, number>();
  const parsed: (Omit<ReplayRow, 'atMs'> & { t: number })[] = rows.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) throw new CsvError(file, line, `has ${fields.length} fields, the header has ${header.fields.length}`);
    const rawDevice = (fields[deviceCol] ?? '').trim();
    const deviceId = `${mapping.device.prefix}${/^\d+$/.test(rawDevice) ? rawDevice.padStart(4, '0') : rawDevice}`;
    if (rawDevice === '' || !isDeviceId(deviceId)) throw new CsvError(file, line, `column ${mapping.device.column} has value ${JSON.stringify(rawDevice)}, expected what makes (after prefix ${JSON.stringify(mapping.device.prefix)}) ${DEVICE_ID_EXPECTED}`);
    let roomId: string;
    if ('constant' in mapping.room) roomId = mapping.room.constant;
    else {
      const raw = (fields[roomCol!] ?? '').trim();
      const mapped = mapping.room.values === undefined ? raw : mapping.room.values[raw];
      if (mapped === undefined || !isRoomId(mapped)) throw new CsvError(file, line, `column ${mapping.room.column} has value ${JSON.stringify(raw)}, expected ${mapping.room.values ? Object.keys(mapping.room.values).join(' or ') : 'a room id'}`);
      roomId = mapped;
    }
    let seq: number;
    if (seqCol === undefined) {
      seq = nextSeq.get(deviceId) ?? 0;
      nextSeq.set(deviceId, seq + 1);
    } else {
      seq = numberAt(file, line, mapping.seq!, fields[seqCol]);
      if (!Number.isSafeInteger(seq) || seq < 0) throw new CsvError(file, line, `column ${mapping.seq} has value ${JSON.stringify(fields[seqCol])}, expected a non-negative integer`);
    }
    const rawTime = fields[timeCol];
    let t: number;
    if (mapping.time.kind === 'iso') {
      t = Date.parse(rawTime ?? '');
      if (!Number.isFinite(t)) throw new CsvError(file, line, `column ${mapping.time.column} has value ${JSON.stringify(rawTime)}, expected an ISO 8601 time`);
    } else {
      const v = numberAt(file, line, mapping.time.column, rawTime);
      t = mapping.time.kind === 'index' ? v * mapping.time.intervalSeconds * 1000 : mapping.time.kind === 'epoch-seconds' ? v * 1000 : v;
    }
    const values: Partial<Record<Quantity, number>> = { ...constants };
    for (const [q, c] of fieldCols) values[q] = numberAt(file, line, mapping.fields[q]!, fields[c]);
    return { line, deviceId, roomId, seq, t, values };
  });
  if (parsed.length === 0) return [];
  let minT = Infinity;
  let maxT = -Infinity;
  for (const r of parsed) {
    minT = Math.min(minT, r.t);
    maxT = Math.max(maxT, r.t);
  }
  const shift =
    startTimeMs !== undefined
      ? startTimeMs - minT
      : mapping.time.kind === 'index'
        ? Math.floor((nowMs - (maxT - minT)) / 1000) * 1000 - minT
        : 0;
  return parsed
    .map(({ t, ...r }) => ({ ...r, atMs: t + shift }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** Turns replay rows into messages of a profile, paced by `speed`. Pure. */
export function replayMessages(rows: readonly ReplayRow[], profile: ProfileName, topicTemplate: string, speed: number): { deviceIds: string[]; messages: SimMessage[] } {
  const deviceIds = [...new Set(rows.map((r) => r.deviceId))];
  const deviceIndex = new Map(deviceIds.map((id, i) => [id, i]));
  const first = rows[0]?.atMs ?? 0;
  const needed = PROFILE_QUANTITIES[profile];
  const messages = rows.map((r, index): SimMessage => {
    for (const q of needed) {
      if (r.values[q] === undefined) throw new OptionError('mapping', q, `a column or constant for ${q}, which profile ${profile} requires (row on line ${r.line})`);
    }
    const reading = Object.fromEntries(QUANTITIES.map((q) => [q, r.values[q] ?? 0])) as Record<Quantity, number>;
    const fields = encodeFields(profile, { deviceId: r.deviceId, roomId: r.roomId, atMs: r.atMs, seq: r.seq, reading });
    return {
      index,
      deviceIndex: deviceIndex.get(r.deviceId)!,
      deviceId: r.deviceId,
      roomId: r.roomId,
      topic: renderTopic(topicTemplate, r.deviceId, r.roomId),
      seq: r.seq,
      sendAtMs: Number.isFinite(speed) ? (r.atMs - first) / speed : 0,
      payload: Buffer.from(JSON.stringify(fields), 'utf8'),
      fault: null,
    };
  });
  return { deviceIds, messages };
}

/** Replays a CSV file through the same transport as a simulated fleet and reports like runFleet. */
export async function replayCsv(options: ReplayOptions, hooks: FleetHooks = {}): Promise<FleetReport> {
  const speed = options.speed ?? Infinity;
  if (!(speed > 0)) throw new OptionError('speed', speed, 'a positive factor (Infinity for as fast as possible)');
  const profile = options.profile ?? 'sensorlake';
  if (!PROFILE_NAMES.includes(profile)) throw new OptionError('profile', profile, `one of ${PROFILE_NAMES.join(', ')}`);
  const topicTemplate = options.topicTemplate ?? DEFAULT_TOPIC_TEMPLATE;
  if (!topicTemplate.includes(DEVICE_PLACEHOLDER)) throw new OptionError('topicTemplate', topicTemplate, `a topic containing ${DEVICE_PLACEHOLDER}`);
  const start = options.startTime === undefined ? undefined : typeof options.startTime === 'number' ? options.startTime : options.startTime.getTime();
  const rows = readReplayRows(options.file, options.mapping ?? SUTHAHARAN_MAPPING, start);
  const { deviceIds, messages } = replayMessages(rows, profile, topicTemplate, speed);
  let i = 0;
  const source = { deviceIds, total: messages.length, next: () => messages[i++] };
  const { file: _f, mapping: _m, speed: _s, startTime: _t, profile: _p, topicTemplate: _tt, drainTimeoutMs, signal, ...rest } = options;
  const transportOptions = { ...DEFAULT_TRANSPORT, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as TransportOptions;
  if (transportOptions.mode === 'shared' && transportOptions.target.kind === 'aws-iot') throw new OptionError('mode', 'shared', 'per-device for AWS IoT');
  const transport = new Transport(transportOptions);
  try {
    await transport.connect(deviceIds);
    hooks.onConnected?.({ target: transport.target, connections: transport.connections });
    const result = await publishAll(source, transport, { maxSpeed: !Number.isFinite(speed), drainTimeoutMs: drainTimeoutMs ?? 30_000, signal }, hooks);
    const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    return buildReport(
      {
        mode: transportOptions.mode,
        profile,
        seed: null,
        startTime: new Date(rows[0]?.atMs ?? 0).toISOString(),
        devices: deviceIds.length,
        labelsFile: null,
        anomalies: zero<AnomalyKind>(ANOMALY_KINDS),
        faultsInjected: zero<FaultKind>(FAULT_KINDS),
      },
      transport,
      signal?.aborted ? i : messages.length,
      result,
    );
  } finally {
    await transport.close();
  }
}
