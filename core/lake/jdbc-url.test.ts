import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors.js';
import { jdbcCrawlerPath, parseJdbcUrl } from './jdbc-url.js';

describe.each([
  ['jdbc:postgresql://db.example.internal:5433/sensors', 'postgresql', 'db.example.internal', 5433, 'sensors'],
  ['jdbc:postgresql://db.example.internal/sensors?ssl=true', 'postgresql', 'db.example.internal', 5432, 'sensors'],
  ['jdbc:mysql://10.0.1.5:3307/readings', 'mysql', '10.0.1.5', 3307, 'readings'],
  ['jdbc:mysql://mysql.local/readings', 'mysql', 'mysql.local', 3306, 'readings'],
  ['jdbc:sqlserver://ec2-host.internal:1433;databaseName=iot', 'sqlserver', 'ec2-host.internal', 1433, 'iot'],
  ['jdbc:sqlserver://ec2-host.internal;encrypt=true;database=iot;trustServerCertificate=false', 'sqlserver', 'ec2-host.internal', 1433, 'iot'],
  ['jdbc:oracle:thin://@ora.internal:1522/ORCLPDB1', 'oracle', 'ora.internal', 1522, 'ORCLPDB1'],
  ['jdbc:oracle:thin:@ora.internal:1521:ORCL', 'oracle', 'ora.internal', 1521, 'ORCL'],
])('GIVEN %s', (url, engine, host, port, database) => {
  it(`THEN it is ${engine} on ${host}:${port}, database ${database}`, () => {
    expect(parseJdbcUrl(url)).toStrictEqual({ engine, host, port, database, url });
  });
});

describe.each([
  ['', 'empty'],
  ['postgresql://db/sensors', 'no jdbc: scheme'],
  ['jdbc:postgresql://db:5432', 'no database'],
  ['jdbc:postgresql://db:notaport/sensors', 'a port that is not a number'],
  ['jdbc:sqlserver://host:1433', 'SQL Server without databaseName'],
  ['jdbc:db2://host:50000/sample', 'an engine Glue has no built-in driver for'],
  ['jdbc:mysql://-bad-/x', 'a host starting with a hyphen'],
  ['jdbc:oracle:oci:@ora:1521:ORCL', 'the Oracle OCI driver (Glue ships the thin one)'],
])('GIVEN %j (%s)', (url) => {
  it('THEN InvalidValueError names the key, the value and the accepted forms', () => {
    const error = (() => {
      try {
        parseJdbcUrl(url, 'sensorlake:sourceDatabase.jdbcUrl');
      } catch (e) {
        return e;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(error).toMatchObject({ key: 'sensorlake:sourceDatabase.jdbcUrl', value: url });
    expect((error as Error).message).toContain('jdbc:postgresql://host[:port]/database');
    expect((error as Error).message).toContain('jdbc:sqlserver://host[:port];databaseName=database');
  });
});

describe('ports out of range', () => {
  it.each(['0', '65536', '99999'])('GIVEN port %s THEN the error says 1 to 65535', (port) => {
    expect(() => parseJdbcUrl(`jdbc:postgresql://db:${port}/x`)).toThrow(/a port from 1 to 65535 in the postgresql URL/);
  });
});

describe.each([
  ['jdbc:postgresql://db/sensors', 'sensors/public/sensor_readings'],
  ['jdbc:sqlserver://h;databaseName=iot', 'iot/public/sensor_readings'],
  ['jdbc:mysql://h/readings', 'readings/sensor_readings'],
])('jdbcCrawlerPath GIVEN %s', (url, expected) => {
  it(`THEN ${expected}`, () => {
    expect(jdbcCrawlerPath(parseJdbcUrl(url), 'public', 'sensor_readings')).toBe(expected);
  });
});
