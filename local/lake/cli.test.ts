import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, captureIo } from '../../core/cli/index.js';
import { main } from './cli.js';
import { startSourceDatabase, type SourceDatabase } from './source-db.js';
import { memorySourceReader, telemetry, tempDataDir, writeRawTelemetry } from './testing.js';

describe('npm run etl', () => {
  it('GIVEN an unknown job WHEN run THEN it exits 2 naming the job and the known ones', async () => {
    const io = captureIo();
    expect(await main(['curated'], io.io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('argument job has invalid value "curated": expected one of import-historical, import-db, curate');
  });

  it('GIVEN a raw zone WHEN curate runs THEN it prints the counts per input and output, and that they add up', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, '2026-11-22T10:00:00.000Z'), telemetry('dev-1', 1, '2026-11-22T10:00:00.000Z')]);
    const io = captureIo();
    expect(await main(['curate', '--data-dir', dir], io.io)).toBe(ExitCode.Ok);
    expect(io.out()).toContain('read:        raw_telemetry 2, raw_historical 0, raw_database 0');
    expect(io.out()).toContain('written:     curated.telemetry 1, curated.quarantine 0');
    expect(io.out()).toContain('duplicates:  in-run 1, already-curated 0, already-quarantined 0');
    expect(io.out()).toContain('accounted:   2 of 2 rows read');
  });

  it('GIVEN a curated raw zone WHEN curate runs again THEN its bookmarks read nothing; with --bookmarks disable it reads every row again', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, '2026-11-22T10:00:00.000Z')]);
    expect(await main(['curate', '--data-dir', dir], captureIo().io)).toBe(ExitCode.Ok);
    const again = captureIo();
    expect(await main(['curate', '--data-dir', dir], again.io)).toBe(ExitCode.Ok);
    expect(again.out()).toContain('read:        raw_telemetry 0, raw_historical 0, raw_database 0');
    expect(again.out()).toContain('bookmarks:   raw_telemetry 1 objects read before, raw_historical 0 objects read before, raw_database 0 objects read before');
    const disabled = captureIo();
    expect(await main(['curate', '--data-dir', dir, '--bookmarks', 'disable'], disabled.io)).toBe(ExitCode.Ok);
    expect(disabled.out()).toContain('read:        raw_telemetry 1, raw_historical 0, raw_database 0');
    expect(disabled.out()).toContain('duplicates:  in-run 0, already-curated 1, already-quarantined 0');
    expect(disabled.out()).toContain('bookmarks:   disabled');
  });

  it('GIVEN --bookmarks with another value WHEN run THEN it exits 2 naming the value', async () => {
    const io = captureIo();
    expect(await main(['curate', '--bookmarks', 'off'], io.io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain("argument 'off' is invalid. expected one of enable, disable");
  });

  it('GIVEN import-db without --source-url WHEN run THEN it exits 2 naming the option', async () => {
    const io = captureIo();
    expect(await main(['import-db', '--data-dir', tempDataDir()], io.io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('option --source-url is missing');
  });

  it('GIVEN import-db with a URL and a reader WHEN run THEN it reads through the reader, closes it and prints JSON counts', async () => {
    const reader = memorySourceReader([{ reading_id: 1, mote_id: 'm', room_id: 'r', recorded_at: new Date(0), temperature_f: 50, humidity: null }]);
    const io = captureIo();
    const urls: string[] = [];
    const code = await main(['import-db', '--data-dir', tempDataDir(), '--source-url', 'postgres://h/db', '--json'], io.io, {
      openSourceReader: async (url) => (urls.push(url), reader),
    });
    expect(code).toBe(ExitCode.Ok);
    expect(urls).toEqual(['postgres://h/db']);
    expect(reader.closed).toBe(true);
    expect(JSON.parse(io.out())).toMatchObject({ job: 'import-db', read: { source_readings: 1 }, written: { 'raw.database_readings': 1 } });
  });
});

describe('npm run etl -- import-db against a Postgres source by URL (no reader passed in)', () => {
  let source: SourceDatabase;
  const readings = [1, 2, 3].map((id) => ({ reading_id: id, mote_id: 'mote-0001', room_id: 'indoor', recorded_at: new Date(Date.UTC(2010, 4, 9, 0, 0, id * 5)), temperature_f: 70 + id, humidity: 40 }));
  beforeAll(async () => {
    source = await startSourceDatabase({ readings });
  });
  afterAll(async () => {
    await source?.close();
  });

  it('GIVEN a PGlite source on the wire WHEN import-db runs with --source-url THEN it reads every row through the Postgres reader', async () => {
    const dir = tempDataDir();
    const io = captureIo();
    expect(await main(['import-db', '--data-dir', dir, '--source-url', source.url, '--json'], io.io), io.err()).toBe(ExitCode.Ok);
    expect(JSON.parse(io.out())).toMatchObject({ job: 'import-db', read: { source_readings: 3 }, written: { 'raw.database_readings': 3 } });
  });

  it('GIVEN a --source-url that is not a Postgres URL WHEN import-db runs THEN it exits 2 naming the URL', async () => {
    const io = captureIo();
    expect(await main(['import-db', '--data-dir', tempDataDir(), '--source-url', 'mysql://h/db'], io.io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('source database url has invalid value "mysql://h/db"');
  });
});
