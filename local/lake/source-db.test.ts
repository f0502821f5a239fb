import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_TABLE_NAME, type SourceReadingRow } from '../../core/lake/source-database.js';
import { SUTHAHARAN_CSV } from '../../sensors/index.js';
import { freePort } from './source-db.testing.js';
import { historyReadings, pgSourceReader, seedSourceDatabase, startSourceDatabase, type SourceDatabase } from './source-db.js';

/** The dataset's rows as the file has them, for checking what went through the database against the source. */
function csvRows(): { mote: string; indoor: string; reading: number; humidity: number; celsius: number }[] {
  const [, ...lines] = readFileSync(SUTHAHARAN_CSV, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [reading, mote, indoor, humidity, temperature] = line.split(',');
    return { mote: mote!, indoor: indoor!, reading: Number(reading), humidity: Number(humidity), celsius: Number(temperature) };
  });
}

async function readAll(url: string, batchSize: number): Promise<{ rows: SourceReadingRow[]; batchSizes: number[] }> {
  const reader = pgSourceReader(url);
  const rows: SourceReadingRow[] = [];
  const batchSizes: number[] = [];
  try {
    for await (const batch of reader.batches(batchSize)) {
      batchSizes.push(batch.length);
      rows.push(...batch);
    }
  } finally {
    await reader.close();
  }
  return { rows, batchSizes };
}

describe('the seeded history (single-hop dataset as the source table)', () => {
  const csv = csvRows();
  const history = historyReadings();

  it('GIVEN the dataset THEN every CSV row is one reading, numbered from 1, motes and rooms mapped, Celsius as Fahrenheit', () => {
    expect(history).toHaveLength(csv.length);
    expect(history.map((r) => r.reading_id)).toStrictEqual(history.map((_, i) => i + 1));
    expect(new Set(history.map((r) => r.mote_id))).toStrictEqual(new Set(['mote-0001', 'mote-0002', 'mote-0003', 'mote-0004']));
    const byKey = new Map(history.map((r) => [`${r.mote_id}/${(r.recorded_at as Date).getTime()}`, r]));
    for (const row of csv) {
      const at = Date.UTC(2010, 4, 9) + (row.reading - 1) * 5000;
      const reading = byKey.get(`mote-${row.mote.padStart(4, '0')}/${at}`);
      expect(reading, `mote ${row.mote} reading ${row.reading}`).toBeDefined();
      expect(reading!.room_id).toBe(row.indoor === '1' ? 'indoor' : 'outdoor');
      expect(reading!.humidity).toBe(row.humidity);
      expect(((reading!.temperature_f! - 32) * 5) / 9).toBeCloseTo(row.celsius, 9);
    }
  });

  it('GIVEN the first CSV row (mote 1, 27.97 °C) THEN it is 82.346 °F at 2010-05-09T00:00:00Z (reading 1 starts the history)', () => {
    const first = history.find((r) => r.mote_id === 'mote-0001' && (r.recorded_at as Date).toISOString() === '2010-05-09T00:00:00.000Z');
    expect(first?.temperature_f).toBeCloseTo(82.346, 9);
  });
});

describe('the twin source database (PGlite over the Postgres wire protocol)', () => {
  let source: SourceDatabase;
  beforeAll(async () => {
    source = await startSourceDatabase();
  });
  afterAll(async () => {
    await source?.close();
  });

  it('GIVEN the seeded database WHEN pgSourceReader reads it in batches THEN every row arrives once, in key order, equal to the history', async () => {
    const history = historyReadings();
    expect(source.rows).toBe(history.length);
    const { rows, batchSizes } = await readAll(source.url, 5000);
    expect(batchSizes).toStrictEqual([5000, 5000, 5000, history.length - 15000]);
    expect(rows).toHaveLength(history.length);
    rows.forEach((row, i) => {
      const expected = history[i]!;
      expect(Number(row.reading_id)).toBe(expected.reading_id);
      expect(row.mote_id).toBe(expected.mote_id);
      expect(row.room_id).toBe(expected.room_id);
      expect(new Date(row.recorded_at).getTime()).toBe((expected.recorded_at as Date).getTime());
      expect(row.temperature_f).toBe(expected.temperature_f);
      expect(row.humidity).toBe(expected.humidity);
    });
  });

  it('GIVEN a batch size that divides the table exactly THEN the reader stops after the last full page', async () => {
    const { rows, batchSizes } = await readAll(source.url, source.rows);
    expect(batchSizes).toStrictEqual([source.rows]);
    expect(rows).toHaveLength(source.rows);
  });

  it('GIVEN the database is seeded again THEN no row is added (seeding is idempotent)', async () => {
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    try {
      await seedSourceDatabase(client, historyReadings().slice(0, 10));
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SOURCE_TABLE_NAME}`);
      expect(rows[0]!.n).toBe(source.rows);
    } finally {
      await client.end();
    }
  });

  it.each([0, -1, 1.5])('GIVEN batch size %s THEN the reader refuses it naming the value', async (size) => {
    const reader = pgSourceReader(source.url);
    await expect(reader.batches(size)[Symbol.asyncIterator]().next()).rejects.toThrow(`source reader batchSize has invalid value ${size}: expected a positive integer`);
    await reader.close();
  });
});

describe('the twin source database options', () => {
  it.each([
    { options: { port: 70000 }, message: 'source database option port has invalid value 70000: expected an integer from 0 (any free port) to 65535' },
    { options: { port: -1 }, message: 'source database option port has invalid value -1' },
    { options: { maxConnections: 0 }, message: 'source database option maxConnections has invalid value 0: expected a positive integer' },
  ])('GIVEN $options THEN starting refuses it naming the option and value', async ({ options, message }) => {
    await expect(startSourceDatabase(options)).rejects.toThrow(message);
  });
});

describe('pgSourceReader given a bad URL', () => {
  it.each([
    { url: 'not a url', shown: '"not a url"' },
    { url: 'mysql://user:secret@db.example:3306/readings', shown: '"mysql://user:***@db.example:3306/readings"' },
    { url: 'postgresql:///postgres', shown: '"postgresql:///postgres"' },
  ])('GIVEN $url THEN it is refused naming the URL (password hidden)', ({ url, shown }) => {
    expect(() => pgSourceReader(url)).toThrow(`source database url has invalid value ${shown}: expected a postgres:// or postgresql:// URL`);
  });

  it('GIVEN a URL where nothing listens THEN reading fails naming the URL without its password', async () => {
    const port = await freePort();
    const reader = pgSourceReader(`postgresql://reader:hunter2@127.0.0.1:${port}/readings`);
    const failure = reader.batches(100)[Symbol.asyncIterator]().next();
    await expect(failure).rejects.toThrow(`source database postgresql://reader:***@127.0.0.1:${port}/readings: cannot connect: connect ECONNREFUSED`);
    await expect(failure).rejects.not.toThrow('hunter2');
    await reader.close();
  });
});
