import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceReadingRow } from '../../core/lake/source-database.js';
import { freePort } from './source-db.testing.js';
import { historyReadings, pgSourceReader, seedSourceDatabase } from './source-db.js';

/** Debian's PostgreSQL 15 server binaries (package postgresql), kept off PATH. */
const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Runs a server binary; as root through `runuser -u postgres` (initdb and postgres refuse to run as root; the
 * Debian package creates the postgres user).
 */
function pgTool(tool: string, args: readonly string[]): void {
  const command = path.join(PG_BIN, tool);
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : [...args], { stdio: 'pipe' });
}

describe('pgSourceReader against a real PostgreSQL 15 (a throwaway cluster)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-pg-'));
  const data = path.join(dir, 'data');
  let url = '';
  let started = false;

  beforeAll(async () => {
    if (process.getuid?.() === 0) {
      const postgres = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
      const group = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
      chownSync(dir, Number(postgres), Number(group));
    }
    const port = await freePort();
    pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    pgTool('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    started = true;
    url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  });

  afterAll(() => {
    if (started) pgTool('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN the history seeded through pg WHEN pgSourceReader reads it in batches THEN every row arrives once, in key order, equal to the history', async () => {
    const history = historyReadings();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedSourceDatabase(client, history);
      await seedSourceDatabase(client, history.slice(0, 100));
    } finally {
      await client.end();
    }

    const reader = pgSourceReader(url);
    const rows: SourceReadingRow[] = [];
    const sizes: number[] = [];
    try {
      for await (const batch of reader.batches(7000)) {
        sizes.push(batch.length);
        rows.push(...batch);
      }
    } finally {
      await reader.close();
    }
    expect(sizes).toStrictEqual([7000, 7000, history.length - 14000]);
    expect(rows.map((r) => Number(r.reading_id))).toStrictEqual(history.map((r) => r.reading_id));
    rows.forEach((row, i) => {
      const expected = history[i]!;
      expect([row.mote_id, row.room_id, new Date(row.recorded_at).getTime(), row.temperature_f, row.humidity]).toStrictEqual([
        expected.mote_id,
        expected.room_id,
        (expected.recorded_at as Date).getTime(),
        expected.temperature_f,
        expected.humidity,
      ]);
    });
  });

  it('GIVEN a database that does not exist THEN reading fails naming the URL', async () => {
    const missing = url.replace(/\/postgres$/, '/no_such_db');
    const reader = pgSourceReader(missing);
    await expect(reader.batches(10)[Symbol.asyncIterator]().next()).rejects.toThrow(`source database ${missing}: cannot connect: database "no_such_db" does not exist`);
    await reader.close();
  });
});
