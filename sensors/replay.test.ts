import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorlakeMessage } from '../core/ingestion/profiles.js';
import { parseCsv } from './csv.js';
import { CsvError } from './errors.js';
import type { CsvMapping } from './replay.js';
import { readReplayRows, replayCsv, replayMessages, SUTHAHARAN_CSV, SUTHAHARAN_MAPPING } from './replay.js';
import type { TestBroker } from './test-broker.js';
import { startTestBroker } from './test-broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, CRLF and blank lines', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\n\n3,\n')).toStrictEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x,1', 'say "hi"'] },
      { line: 4, fields: ['3', ''] },
    ]);
  });
});

describe('readReplayRows', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'replay-'));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('maps the single-hop columns: motes to devices, reading to seq and 5 s steps, indoor flag to room', () => {
    const f = file('ok.csv', 'reading,mote_id,indoor,humidity,temperature,label\n1,1,1,45.93,27.97,0\n2,3,0,40.1,22.5,1\n');
    const rows = readReplayRows(f, SUTHAHARAN_MAPPING, Date.UTC(2026, 0, 1));
    expect(rows).toStrictEqual([
      { line: 2, deviceId: 'sensor-0001', roomId: 'indoor', seq: 1, atMs: Date.UTC(2026, 0, 1), values: { pressure: 1013.25, temperature: 27.97, humidity: 45.93 } },
      { line: 3, deviceId: 'sensor-0003', roomId: 'outdoor', seq: 2, atMs: Date.UTC(2026, 0, 1) + 5000, values: { pressure: 1013.25, temperature: 22.5, humidity: 40.1 } },
    ]);
  });

  it.each([
    ['a missing column', 'reading,mote_id,indoor,humidity\n1,1,1,45\n', 'no column "temperature"'],
    ['a non-numeric value', 'reading,mote_id,indoor,humidity,temperature\n1,1,1,45,warm\n', 'ok.csv:2: column temperature has value "warm"'],
    ['an unknown room flag', 'reading,mote_id,indoor,humidity,temperature\n1,1,2,45,20\n', 'column indoor has value "2", expected 0 or 1'],
    ['a device id AWS IoT refuses (a dot)', 'reading,mote_id,indoor,humidity,temperature\n1,mote.1,1,45,20\n', 'ok.csv:2: column mote_id has value "mote.1"'],
    ['a room id outside the room charset', 'reading,mote_id,indoor,humidity,temperature\n1,1,a/b,45,20\n', 'ok.csv:2: column indoor has value "a/b"'],
    ['a short row', 'reading,mote_id,indoor,humidity,temperature\n1,1,1\n', 'has 3 fields, the header has 5'],
  ])('rejects %s with the line, column and value', (_name, text, message) => {
    const f = file('ok.csv', text);
    expect(() => readReplayRows(f, SUTHAHARAN_MAPPING)).toThrow(CsvError);
    expect(() => readReplayRows(f, SUTHAHARAN_MAPPING)).toThrow(message);
  });

  it('without a start time, shifts index times so the last reading is at the current second', () => {
    const f = file('index.csv', 'reading,mote_id,indoor,humidity,temperature\n3,1,1,45,20\n1,2,0,40,21\n');
    const now = Date.UTC(2026, 5, 1, 12, 0, 0, 750);
    const rows = readReplayRows(f, SUTHAHARAN_MAPPING, undefined, now);
    expect(rows.map((r) => [r.deviceId, r.seq, r.atMs])).toStrictEqual([
      ['sensor-0002', 1, Date.UTC(2026, 5, 1, 11, 59, 50)],
      ['sensor-0001', 3, Date.UTC(2026, 5, 1, 12, 0, 0)],
    ]);
  });

  it('paces messages by event time divided by the speed factor', () => {
    const mapping: CsvMapping = { device: { column: 'id', prefix: 'dev-' }, time: { column: 't', kind: 'iso' }, room: { constant: 'lab' }, fields: { temperature: 'c' } };
    const f = file('iso.csv', 'id,t,c\na,2026-01-01T00:00:10Z,20\nb,2026-01-01T00:00:00Z,21\n');
    const rows = readReplayRows(f, mapping);
    const { deviceIds, messages } = replayMessages(rows, 'room-reading', 'sensors/{deviceId}/telemetry', 10);
    expect(deviceIds).toStrictEqual(['dev-b', 'dev-a']);
    expect(messages.map((m) => [m.topic, m.sendAtMs, m.payload.toString()])).toStrictEqual([
      ['sensors/dev-b/telemetry', 0, '{"timestamp":"2026-01-01 00:00:00","room_id":"lab","temperature":21}'],
      ['sensors/dev-a/telemetry', 1000, '{"timestamp":"2026-01-01 00:00:10","room_id":"lab","temperature":20}'],
    ]);
  });
});

describe('replay of the shared single-hop dataset', () => {
  it('lands every one of the 18,914 rows on the broker, as valid sensorlake messages', async () => {
    broker.received.length = 0;
    const start = Date.UTC(2026, 0, 1);
    const report = await replayCsv({ target: { kind: 'broker', url: broker.url }, file: SUTHAHARAN_CSV, startTime: start });
    expect(report.messages).toStrictEqual({ planned: 18_914, sent: 18_914, acknowledged: 18_914, failed: 0, offlineDropped: 0 });
    expect(report.devices).toBe(4);
    expect(report.startTime).toBe('2026-01-01T00:00:00.000Z');
    expect(broker.received).toHaveLength(18_914);

    const seen = new Set<string>();
    for (const r of broker.received) {
      const body = sensorlakeMessage.parse(JSON.parse(r.payload.toString()));
      expect(r.topic).toBe(`sensors/${body.device_id}/telemetry`);
      expect(r.clientId).toBe(body.device_id);
      expect(body.room_id).toBe(body.device_id === 'sensor-0001' || body.device_id === 'sensor-0002' ? 'indoor' : 'outdoor');
      // The file's readings start at 1 and count 5 s steps, so reading n happened (n - 1) * 5 s after the start.
      expect(body.ts).toBe(new Date(start + (body.seq - 1) * 5000).toISOString());
      seen.add(`${body.device_id}/${body.seq}`);
    }
    expect(seen.size).toBe(18_914);
    const perDevice = (id: string) => [...seen].filter((k) => k.startsWith(`${id}/`)).length;
    expect([1, 2, 3, 4].map((i) => perDevice(`sensor-000${i}`))).toStrictEqual([4417, 4417, 5039, 5041]);
  });
});
