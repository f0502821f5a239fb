import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SUTHAHARAN_CSV, replayCsv } from '../../sensors/index.js';
import { readRawZone } from './raw-zone.js';
import { DEFAULT_CONFIG, silentLogger, tempDir } from './testing.js';
import { startIngestionTwin } from './twin.js';

interface LandedRecord {
  readonly device_id: string;
  readonly seq: number;
  readonly temperature: number;
  readonly humidity: number;
}

describe('replay of the shared dataset through the twin', () => {
  const dir = tempDir('sensorlake-replay-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN the 18,914 real readings WHEN replayed at full speed THEN every row lands in the raw zone with its values', async () => {
    const rows = readFileSync(SUTHAHARAN_CSV, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(18_914);

    // Per-device connections: the twin, like AWS IoT, lets a client publish only as the device its client id names.
    const twin = await startIngestionTwin({ dataDir: dir, config: DEFAULT_CONFIG, tcpPort: 0, logger: silentLogger });
    const report = await replayCsv({ target: { kind: 'broker', url: twin.brokerUrl }, file: SUTHAHARAN_CSV, mode: 'per-device' });
    await twin.stop();

    expect(report.messages.acknowledged).toBe(18_914);
    const stats = twin.stats();
    expect(stats).toMatchObject({ received: 18_914, landed: 18_914, quarantined: 0, pendingInBuffer: 0 });

    const landed = readRawZone(twin.rawDir)
      .filter((o) => o.zone === 'telemetry')
      .flatMap((o) => o.records as LandedRecord[]);
    expect(landed).toHaveLength(18_914);
    // Each CSV row (reading, mote) is one record carrying the row's own temperature and humidity.
    const byKey = new Map(landed.map((r) => [`${r.device_id}#${r.seq}`, r]));
    expect(byKey.size).toBe(18_914);
    const motes = new Set<string>();
    for (const [reading, mote, , humidity, temperature] of rows) {
      // SUTHAHARAN_MAPPING: mote 1 is device sensor-0001, `reading` is its seq.
      const record = byKey.get(`sensor-${mote!.padStart(4, '0')}#${reading}`);
      expect(record, `row reading=${reading} mote=${mote}`).toBeDefined();
      expect(record!.temperature).toBe(Number(temperature));
      expect(record!.humidity).toBe(Number(humidity));
      motes.add(record!.device_id);
    }
    expect(motes.size).toBe(4);
  });
});
