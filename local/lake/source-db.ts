import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { InvalidValueError, SensorlakeError } from '../../core/errors.js';
import {
  SOURCE_COLUMNS,
  SOURCE_PAGE_SELECT,
  SOURCE_TABLE_DDL,
  SOURCE_TABLE_NAME,
  type SourceReadingRow,
  type SourceReadingsReader,
} from '../../core/lake/source-database.js';
import { readReplayRows, SUTHAHARAN_CSV, SUTHAHARAN_MAPPING, type CsvMapping } from '../../sensors/index.js';

/**
 * The twin's external database: PGlite served on the Postgres wire protocol, so the import reads it through a
 * Postgres client exactly as it would read a real PostgreSQL given by URL (pgSourceReader).
 */

/** A source database problem: the message names the database (its URL without the password). */
export class SourceDatabaseError extends SensorlakeError {
  override name = 'SourceDatabaseError';
}

/** Time of each mote's reading 1 in the seeded history: the dataset was recorded on 2010-05-09 (its README), one reading every 5 s. */
export const SOURCE_HISTORY_START = Date.UTC(2010, 4, 9, 0, 0, 0);

/**
 * The single-hop dataset as the source database's motes: `mote-0001` to `mote-0004` (not the simulator's
 * `sensor-` ids: the database is another system), rooms `indoor` and `outdoor` from the indoor flag.
 */
export const SOURCE_MAPPING: CsvMapping = { ...SUTHAHARAN_MAPPING, device: { column: 'mote_id', prefix: 'mote-' } };

/**
 * Rows of the readings table made from the single-hop dataset (or another file with the same columns): one per CSV
 * row, numbered from 1 in event-time order, Celsius converted to Fahrenheit (the source stores Fahrenheit). The
 * dataset's `label` column is not part of the table. Throws CsvError naming the line of a row that does not fit.
 */
export function historyReadings(file: string = SUTHAHARAN_CSV, startMs: number = SOURCE_HISTORY_START): SourceReadingRow[] {
  return readReplayRows(file, SOURCE_MAPPING, startMs).map((row, index) => ({
    reading_id: index + 1,
    mote_id: row.deviceId,
    room_id: row.roomId,
    recorded_at: new Date(row.atMs),
    temperature_f: (row.values.temperature! * 9) / 5 + 32,
    humidity: row.values.humidity ?? null,
  }));
}

/** What seeding needs of a database: PGlite and `pg.Client` both have it. */
export interface SqlRunner {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** Rows per INSERT: 6 parameters each, well under Postgres' 65,535 parameters per statement. */
const INSERT_BATCH = 1000;

/**
 * Creates the readings table (SOURCE_TABLE_DDL) and inserts the rows; a row whose reading_id is already there is
 * kept as it is, so seeding a persistent database again adds nothing.
 */
export async function seedSourceDatabase(db: SqlRunner, rows: readonly SourceReadingRow[]): Promise<void> {
  await db.query(SOURCE_TABLE_DDL);
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    const values = batch.map((_, i) => `(${SOURCE_COLUMNS.map((_c, j) => `$${i * SOURCE_COLUMNS.length + j + 1}`).join(', ')})`);
    const params = batch.flatMap((row) => SOURCE_COLUMNS.map((c) => row[c]));
    await db.query(`INSERT INTO ${SOURCE_TABLE_NAME} (${SOURCE_COLUMNS.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT (reading_id) DO NOTHING`, params);
  }
}

/** Options of the twin's source database. */
export interface SourceDatabaseOptions {
  /** PGlite data directory; in memory when absent (the first initialisation of a directory takes about 6 s). */
  readonly dataDir?: string;
  /** Port on 127.0.0.1; 0 (the default) takes a free one. */
  readonly port?: number;
  /** Rows to seed; default historyReadings() (the single-hop dataset). */
  readonly readings?: readonly SourceReadingRow[];
  /** Simultaneous client connections the socket server accepts (pglite-socket's default is 1). */
  readonly maxConnections?: number;
}

/** A running source database. */
export interface SourceDatabase {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (no password, no SSL: pglite-socket answers SSL requests with no). */
  readonly url: string;
  /** Rows in the readings table after seeding. */
  readonly rows: number;
  close(): Promise<void>;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidValueError('port', port, 'an integer from 0 (any free port) to 65535', 'source database option');
  return port;
}

/** Starts PGlite, creates and seeds the readings table and serves it on the Postgres wire protocol. */
export async function startSourceDatabase(options: SourceDatabaseOptions = {}): Promise<SourceDatabase> {
  const port = checkPort(options.port ?? 0);
  const maxConnections = options.maxConnections ?? 1;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new InvalidValueError('maxConnections', maxConnections, 'a positive integer', 'source database option');
  const db = await PGlite.create(options.dataDir);
  let server: PGLiteSocketServer | undefined;
  try {
    await seedSourceDatabase(db, options.readings ?? historyReadings());
    const counted = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SOURCE_TABLE_NAME}`);
    server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections });
    await server.start();
    const started = server;
    return {
      url: `postgresql://postgres@${started.getServerConn()}/postgres`,
      rows: counted.rows[0]!.n,
      close: async () => {
        await started.stop();
        await db.close();
      },
    };
  } catch (error) {
    await server?.stop();
    await db.close();
    throw error;
  }
}

/** The URL without its password, for messages; `(not a URL)` when it does not parse. */
export function redactUrl(url: URL | string): string {
  let copy: URL;
  try {
    copy = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    return '(not a URL)';
  }
  if (copy.password !== '') copy.password = '***';
  return copy.href;
}

/** Parses a source database URL: postgres:// or postgresql:// with a host; InvalidValueError otherwise (password hidden). */
export function parseSourceUrl(url: string): URL {
  const expected = 'a postgres:// or postgresql:// URL, e.g. postgresql://user:password@host:5432/database';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidValueError('url', url.replace(/:[^:@/]*@/, ':***@'), expected, 'source database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new InvalidValueError('url', redactUrl(parsed), expected, 'source database');
  if (parsed.hostname === '') throw new InvalidValueError('url', redactUrl(parsed), `${expected} (with a host)`, 'source database');
  return parsed;
}

/** Smallest BIGINT: the key before every row. */
const BEFORE_FIRST_KEY = '-9223372036854775808';

/**
 * Reads the readings table of the PostgreSQL database at `url` (PGlite behind pglite-socket, or a real server) in
 * primary-key order by keyset pagination (SOURCE_PAGE_SELECT). Throws InvalidValueError for a URL that is not a
 * Postgres URL; connection and query failures are SourceDatabaseErrors naming the URL (password hidden).
 */
export function pgSourceReader(url: string): SourceReadingsReader {
  const parsed = parseSourceUrl(url);
  const shown = redactUrl(parsed);
  let client: pg.Client | undefined;
  let closed = false;
  const connect = async (): Promise<pg.Client> => {
    if (client !== undefined) return client;
    const created = new pg.Client({ connectionString: url });
    try {
      await created.connect();
    } catch (error) {
      await created.end().catch(() => undefined);
      throw new SourceDatabaseError(`source database ${shown}: cannot connect: ${(error as Error).message}`);
    }
    client = created;
    return created;
  };
  return {
    async *batches(batchSize: number, afterKey?: string): AsyncIterable<readonly SourceReadingRow[]> {
      if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidValueError('batchSize', batchSize, 'a positive integer', 'source reader');
      if (afterKey !== undefined && !/^-?\d+$/.test(afterKey)) throw new InvalidValueError('afterKey', afterKey, 'a decimal integer reading_id', 'source reader');
      if (closed) throw new SourceDatabaseError(`source database ${shown}: the reader is closed`);
      const db = await connect();
      let after: string = afterKey ?? BEFORE_FIRST_KEY;
      for (;;) {
        let page: pg.QueryResult<SourceReadingRow>;
        try {
          page = await db.query<SourceReadingRow>(SOURCE_PAGE_SELECT, [after, batchSize]);
        } catch (error) {
          throw new SourceDatabaseError(`source database ${shown}: reading ${SOURCE_TABLE_NAME} after reading_id ${after}: ${(error as Error).message}`);
        }
        if (page.rows.length === 0) return;
        yield page.rows;
        after = String(page.rows[page.rows.length - 1]!.reading_id);
        if (page.rows.length < batchSize) return;
      }
    },
    async close(): Promise<void> {
      closed = true;
      const open = client;
      client = undefined;
      await open?.end();
    },
  };
}
