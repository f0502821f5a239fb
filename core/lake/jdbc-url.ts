import { InvalidValueError } from '../errors.js';

/**
 * JDBC URLs of the external database, parsed once: the lake stack validates the configured URL with it (and takes
 * the port for the database security group rule), the crawler path is built from its database name. Pure: no I/O.
 */

/** Database engines a Glue JDBC connection reaches with its built-in drivers, with their default port. */
export const JDBC_ENGINES = {
  postgresql: { defaultPort: 5432, form: 'jdbc:postgresql://host[:port]/database' },
  mysql: { defaultPort: 3306, form: 'jdbc:mysql://host[:port]/database' },
  sqlserver: { defaultPort: 1433, form: 'jdbc:sqlserver://host[:port];databaseName=database' },
  oracle: { defaultPort: 1521, form: 'jdbc:oracle:thin://@host[:port]/service (or jdbc:oracle:thin:@host:port:SID)' },
} as const;
export type JdbcEngine = keyof typeof JDBC_ENGINES;

/** A JDBC URL taken apart. */
export interface JdbcUrl {
  readonly engine: JdbcEngine;
  readonly host: string;
  /** The URL's port, or the engine's default. */
  readonly port: number;
  /** Database (PostgreSQL, MySQL, SQL Server) or service name / SID (Oracle). */
  readonly database: string;
  /** The URL as given. */
  readonly url: string;
}

const EXPECTED = `a JDBC URL of one of the forms ${Object.values(JDBC_ENGINES)
  .map((e) => e.form)
  .join(', ')}`;

const HOST = String.raw`(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])`;
const PORT = String.raw`(?::(?<port>\d{1,5}))?`;
const NAME = String.raw`(?<database>[A-Za-z0-9_$.-]+)`;

/** One pattern per engine; the rest of the URL (`?...` or `;...` properties) is the driver's business. */
const PATTERNS: readonly [JdbcEngine, RegExp][] = [
  ['postgresql', new RegExp(String.raw`^jdbc:postgresql://${HOST}${PORT}/${NAME}(?:\?.*)?$`)],
  ['mysql', new RegExp(String.raw`^jdbc:mysql://${HOST}${PORT}/${NAME}(?:\?.*)?$`)],
  ['sqlserver', new RegExp(String.raw`^jdbc:sqlserver://${HOST}${PORT}(?:;[^;=]+=[^;]*)*;database(?:Name)?=${NAME}(?:;[^;=]+=[^;]*)*;?$`, 'i')],
  ['oracle', new RegExp(String.raw`^jdbc:oracle:thin:(?://)?@(?://)?${HOST}${PORT}[/:]${NAME}$`)],
];

/**
 * Parses a JDBC URL of a PostgreSQL, MySQL, SQL Server or Oracle database. Throws InvalidValueError naming `key`,
 * the value and the accepted forms when it is none of them, or when the port is not 1 to 65535.
 */
export function parseJdbcUrl(url: string, key = 'jdbcUrl'): JdbcUrl {
  for (const [engine, pattern] of PATTERNS) {
    const match = pattern.exec(url);
    if (match?.groups === undefined) continue;
    const { host = '', port, database = '' } = match.groups;
    const number = port === undefined ? JDBC_ENGINES[engine].defaultPort : Number(port);
    if (number < 1 || number > 65_535) {
      throw new InvalidValueError(key, url, `a port from 1 to 65535 in the ${engine} URL (got ${port})`, 'config');
    }
    return { engine, host, port: number, database, url };
  }
  throw new InvalidValueError(key, url, EXPECTED, 'config');
}

/**
 * Include path of a Glue JDBC crawler target for one table: `database/table` on MySQL (no schemas), otherwise
 * `database/schema/table`.
 */
export function jdbcCrawlerPath(url: JdbcUrl, schema: string, table: string): string {
  return url.engine === 'mysql' ? `${url.database}/${table}` : `${url.database}/${schema}/${table}`;
}
