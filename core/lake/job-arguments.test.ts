import { describe, expect, it } from 'vitest';
import { glueJobArguments, glueJobInputs, glueJobOutputs, glueJobStages, glueScriptLocation, MAX_RECORDS_PER_FILE, type GlueJobEnvironment } from './job-arguments.js';
import { LAKE_JOBS, type JobName } from './jobs.js';

const env: GlueJobEnvironment = {
  scriptsBucketUrl: 's3://scripts/',
  zoneBucketUrl: (zone) => `s3://${zone}-bucket/`,
  databaseName: (database) => `sensorlake_dev_${database}`,
  jdbc: { connectionName: 'sensorlake-dev-source', connectionType: 'sqlserver' },
};

const job = (name: JobName) => LAKE_JOBS.find((j) => j.name === name)!;

describe('Glue job arguments made from the job definitions', () => {
  it('GIVEN curate THEN the records inputs are bookmarked with their original row, and the two reference tables are read whole', () => {
    expect(glueJobInputs(job('curate'), env)).toStrictEqual([
      { view: 'raw_telemetry', database: 'sensorlake_dev_raw', table: 'telemetry', bookmark: true, add_columns: ['original'] },
      { view: 'raw_historical', database: 'sensorlake_dev_raw', table: 'historical', bookmark: true, add_columns: ['original'] },
      { view: 'raw_database', database: 'sensorlake_dev_raw', table: 'database_readings', bookmark: true, add_columns: ['original'] },
      { view: 'curated_existing', database: 'sensorlake_dev_curated', table: 'telemetry', bookmark: false, add_columns: [] },
      { view: 'quarantine_existing', database: 'sensorlake_dev_curated', table: 'quarantine', bookmark: false, add_columns: [] },
    ]);
  });

  it('GIVEN curate THEN its stages are the rendered curate_keyed.sql then curate_staged.sql, registered under their names', () => {
    expect(glueJobStages(job('curate'), env)).toStrictEqual([
      { view: 'curate_keyed', sql_path: 's3://scripts/etl/sql/curate/curate_keyed.sql' },
      { view: 'curate_staged', sql_path: 's3://scripts/etl/sql/curate/curate_staged.sql' },
    ]);
  });

  it('GIVEN curate THEN both outputs compact the partitions they touch with the rows of their reference view, quarantine dated by the run', () => {
    expect(glueJobOutputs(job('curate'), env)).toStrictEqual([
      {
        sql_path: 's3://scripts/etl/sql/curate/curate_telemetry.sql',
        path: 's3://curated-bucket/telemetry/',
        database: 'sensorlake_dev_curated',
        table: 'telemetry',
        partition_keys: ['room_id', 'date'],
        mode: 'overwrite_partitions',
        format: 'parquet',
        register_partitions: true,
        existing_view: 'curated_existing',
        run_date_partition: null,
        max_records_per_file: MAX_RECORDS_PER_FILE,
      },
      {
        sql_path: 's3://scripts/etl/sql/curate/curate_quarantine.sql',
        path: 's3://curated-bucket/quarantine/',
        database: 'sensorlake_dev_curated',
        table: 'quarantine',
        partition_keys: ['date'],
        mode: 'overwrite_partitions',
        format: 'parquet',
        register_partitions: true,
        existing_view: 'quarantine_existing',
        run_date_partition: 'date',
        max_records_per_file: MAX_RECORDS_PER_FILE,
      },
    ]);
  });

  it('GIVEN prepare-rcf THEN it reads the curated telemetry whole and replaces each room\'s headerless CSV training points and transform input, registering nothing', () => {
    expect(glueJobInputs(job('prepare-rcf'), env)).toStrictEqual([{ view: 'curated_telemetry', database: 'sensorlake_dev_curated', table: 'telemetry', bookmark: false, add_columns: [] }]);
    expect(glueJobStages(job('prepare-rcf'), env)).toStrictEqual([{ view: 'rcf_points', sql_path: 's3://scripts/etl/sql/prepare-rcf/rcf_points.sql' }]);
    expect(glueJobOutputs(job('prepare-rcf'), env).map((o) => [o.path, o.partition_keys, o.mode, o.format, o.register_partitions, o.existing_view])).toStrictEqual([
      ['s3://curated-bucket/rcf/training/', ['room_id'], 'replace_partitions', 'csv', false, null],
      ['s3://curated-bucket/rcf/transform/', ['room_id'], 'replace_partitions', 'json', false, null],
    ]);
  });

  it('GIVEN load-anomalies THEN it reads the transform output by location, bookmarked, with its columns, and replaces the anomalies partitions it touches', () => {
    expect(glueJobInputs(job('load-anomalies'), env)).toStrictEqual([
      {
        view: 'rcf_scores',
        path: 's3://curated-bucket/rcf/scores/',
        format: 'json',
        columns: [['device_id', 'string'], ['ts', 'string'], ['value', 'double'], ['features', 'array<double>'], ['prepared_at', 'string'], ['SageMakerOutput', 'struct<score:double>']],
        partition_keys: ['room_id', 'model_id'],
        bookmark: true,
        add_columns: [],
      },
    ]);
    expect(glueJobOutputs(job('load-anomalies'), env).map((o) => [o.path, o.partition_keys, o.mode, o.format, o.register_partitions])).toStrictEqual([
      ['s3://curated-bucket/anomalies/', ['room_id', 'date'], 'replace_partitions', 'parquet', true],
    ]);
  });

  it('GIVEN import-db THEN it reads the readings table through the connection, bookmarked on its primary key', () => {
    expect(glueJobInputs(job('import-db'), env)).toStrictEqual([
      {
        view: 'source_readings',
        connection_type: 'sqlserver',
        connection_name: 'sensorlake-dev-source',
        dbtable: 'public.sensor_readings',
        bookmark_keys: ['reading_id'],
        bookmark: true,
        add_columns: [],
      },
    ]);
    expect(glueJobStages(job('import-db'), env)).toStrictEqual([]);
    expect(glueJobOutputs(job('import-db'), env).map((o) => [o.sql_path, o.path, o.mode, o.existing_view, o.run_date_partition])).toStrictEqual([
      ['s3://scripts/etl/sql/import-db/import_db.sql', 's3://raw-bucket/database/sensor_readings/', 'append', null, 'dt'],
    ]);
  });

  it('GIVEN import-historical THEN it reads the landing CSV table with file and row, and appends to raw historical dated by the run', () => {
    expect(glueJobInputs(job('import-historical'), env)).toStrictEqual([
      { view: 'landing_historical', database: 'sensorlake_dev_raw', table: 'historical_csv', bookmark: true, add_columns: ['source_file', 'source_row'] },
    ]);
    expect(glueJobOutputs(job('import-historical'), env).map((o) => [o.path, o.mode, o.run_date_partition])).toStrictEqual([['s3://raw-bucket/historical/', 'append', 'dt']]);
  });

  it.each(LAKE_JOBS.map((j) => ({ name: j.name, script: j.script })))(
    'GIVEN $name THEN its script and the shared module are in the scripts bucket and the catalog and bookmarks are on',
    ({ name, script }) => {
      expect(glueScriptLocation(job(name), env)).toBe(`s3://scripts/etl/jobs/${script}`);
      const args = glueJobArguments(job(name), env);
      expect(args['--extra-py-files']).toBe('s3://scripts/etl/jobs/sensorlake_etl.py');
      expect(args['--enable-glue-datacatalog']).toBe('true');
      expect(args['--job-bookmark-option']).toBe('job-bookmark-enable');
      expect(JSON.parse(args['--inputs']!)).toStrictEqual(glueJobInputs(job(name), env));
      expect(JSON.parse(args['--stages']!)).toStrictEqual(glueJobStages(job(name), env));
      expect(JSON.parse(args['--outputs']!)).toStrictEqual(glueJobOutputs(job(name), env));
    },
  );

  it.each([
    { key: 'scriptsBucketUrl', env: { ...env, scriptsBucketUrl: 's3://scripts' }, value: 's3://scripts' },
    { key: 'zoneBucketUrl(raw)', env: { ...env, zoneBucketUrl: () => 'raw-bucket/' }, value: 'raw-bucket/' },
  ])('GIVEN a bucket URL that is not s3://bucket/ THEN the error names $key and the value', ({ key, env: bad, value }) => {
    expect(() => glueJobArguments(job('import-db'), bad)).toThrow(`Glue job environment ${key} has invalid value ${JSON.stringify(value)}: expected an s3://bucket/ URL ending with /`);
  });
});
