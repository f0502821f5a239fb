import { writeRawTelemetry, type TelemetryFixture } from '../local/lake/testing.js';
import { mulberry32 } from '../sensors/prng.js';

/** The shape of the raw-zone workload of the lake figures. */
export interface LakeWorkload {
  /** Raw records written in all, duplicates and bad rows included. */
  readonly records: number;
  readonly devices: number;
  readonly rooms: number;
  /** Seconds between two readings of a device. */
  readonly intervalSeconds: number;
  /** Readings of every device per raw object (a Firehose buffer's worth). */
  readonly readingsPerObject: number;
  /** UTC midnight the readings start at. */
  readonly start: Date;
  /** Every how many records one is a QoS 1 redelivery (the same record again, in the next object). */
  readonly duplicateEvery: number;
  /** Every how many records one is refused by curate (temperature out of range, or no room). */
  readonly badEvery: number;
}

/** What the generator wrote. */
export interface WrittenWorkload {
  readonly records: number;
  readonly duplicates: number;
  readonly bad: number;
  readonly objects: number;
  /** `dt` folders written, sorted. */
  readonly days: string[];
  /** Room ids, sorted. */
  readonly rooms: string[];
}

/** 50 devices in 5 rooms reading every 10 s, objects of 90 readings per device (15 minutes), 1% redelivered, 0.2% bad. */
export function defaultWorkload(records: number, now: Date): LakeWorkload {
  const devices = 50;
  const intervalSeconds = 10;
  const days = Math.ceil(records / devices / (86_400 / intervalSeconds));
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days - 1));
  return { records, devices, rooms: 5, intervalSeconds, readingsPerObject: 90, start, duplicateEvery: 100, badEvery: 500 };
}


const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Room id of a device: devices are spread evenly over the rooms. */
export function roomOf(device: number, rooms: number): string {
  return `room-${pad((device % rooms) + 1, 2)}`;
}

/**
 * Writes the workload into `dataDir`'s raw zone as the processor lands it: gzip NDJSON objects under
 * `raw/telemetry/dt=<event date>/`, each holding every device's readings of one buffer interval, the redeliveries
 * of the previous object, and the occasional bad row; exactly `records` records in all.
 */
export function writeRawWorkload(dataDir: string, w: LakeWorkload): WrittenWorkload {
  if (w.records < w.devices) throw new Error(`lake workload of ${w.records} records for ${w.devices} devices: expected at least one record per device`);
  const next = mulberry32(42); // seeded: every run writes the same files
  const seq = new Array<number>(w.devices).fill(0);
  const days = new Set<string>();
  let written = 0;
  let duplicates = 0;
  let bad = 0;
  let objects = 0;
  let redeliver: TelemetryFixture[] = [];
  for (let step = 0; written < w.records; step += w.readingsPerObject) {
    const batch: TelemetryFixture[] = [];
    const push = (record: TelemetryFixture): boolean => {
      if (written >= w.records) return false;
      batch.push(record);
      written++;
      return true;
    };
    for (const copy of redeliver) {
      if (push({ ...copy, ingest_ts: new Date(Date.parse(copy.ingest_ts) + 60_000).toISOString() })) duplicates++;
    }
    redeliver = [];
    const objectTime = w.start.getTime() + step * w.intervalSeconds * 1000;
    for (let i = 0; i < w.readingsPerObject; i++) {
      const at = objectTime + i * w.intervalSeconds * 1000;
      const hour = new Date(at).getUTCHours();
      for (let device = 0; device < w.devices; device++) {
        const room = roomOf(device, w.rooms);
        const ts = new Date(at + device * 37).toISOString();
        const record: TelemetryFixture = {
          device_id: `sensor-${pad(device + 1, 3)}`,
          room_id: room,
          ts,
          seq: ++seq[device]!,
          temperature: Math.round((19 + (device % w.rooms) + 2 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) + next() - 0.5) * 100) / 100,
          humidity: Math.round((40 + 10 * next()) * 10) / 10,
          pressure: Math.round((1005 + 10 * next()) * 10) / 10,
          profile: 'sensorlake',
          ingest_ts: new Date(at + device * 37 + 150).toISOString(),
        };
        const n = written + 1;
        if (n % w.badEvery === 0) {
          if (push(n % (2 * w.badEvery) === 0 ? { ...record, room_id: null } : { ...record, temperature: 150 })) bad++;
        } else if (push(record) && n % w.duplicateEvery === 0) {
          redeliver.push(record);
        }
      }
    }
    if (batch.length === 0) break;
    const dt = batch[batch.length - 1]!.ts.slice(0, 10);
    days.add(dt);
    writeRawTelemetry(dataDir, dt, `sensorlake-${pad(objects, 6)}`, batch);
    objects++;
  }
  const rooms = Array.from({ length: Math.min(w.rooms, w.devices) }, (_, i) => roomOf(i, w.rooms)).sort();
  return { records: written, duplicates, bad, objects, days: [...days].sort(), rooms };
}
