/**
 * Storage formats of the lake's tables, each defined once with what both runtimes need: the Glue catalog's input
 * and output formats and SerDe (AWS), and the DuckDB reader and its options (the local twin).
 */

/** The formats sensorlake tables use. */
export const STORAGE_FORMATS = ['ndjson-gzip', 'csv', 'parquet', 'csv-headerless', 'transform-output'] as const;
export type StorageFormat = (typeof STORAGE_FORMATS)[number];

/** How Glue and Athena read a format. */
export interface GlueFormat {
  /** Table parameter `classification`, which crawlers and Glue jobs read. */
  readonly classification: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serializationLibrary: string;
  readonly serdeParameters: Readonly<Record<string, string>>;
  /** Extra table parameters (compression, header lines). */
  readonly tableParameters: Readonly<Record<string, string>>;
}

/** How the twin's DuckDB reads a format. */
export interface DuckdbFormat {
  /** Table function reading files of this format. */
  readonly reader: 'read_json' | 'read_csv' | 'read_parquet';
  /** Options passed to the reader, as DuckDB SQL literals. */
  readonly options: Readonly<Record<string, string>>;
  /** Suffix of the data files of this format. */
  readonly fileSuffix: string;
}

/** A storage format in both runtimes. */
export interface FormatDefinition {
  readonly glue: GlueFormat;
  readonly duckdb: DuckdbFormat;
}

/** Glue's view of a CSV file without a header line (LazySimpleSerDe, comma-separated). */
const HEADERLESS_CSV_GLUE: GlueFormat = {
  classification: 'csv',
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  serdeParameters: { 'field.delim': ',', 'serialization.format': ',' },
  tableParameters: { typeOfData: 'file' },
};

/** Every storage format, in both runtimes. */
export const FORMATS: Readonly<Record<StorageFormat, FormatDefinition>> = {
  'ndjson-gzip': {
    glue: {
      classification: 'json',
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      // A reading that is not valid JSON must fail the query, not become a row of nulls.
      serdeParameters: { 'ignore.malformed.json': 'false' },
      tableParameters: { compressionType: 'gzip', typeOfData: 'file' },
    },
    duckdb: { reader: 'read_json', options: { format: "'newline_delimited'", compression: "'gzip'" }, fileSuffix: '.ndjson.gz' },
  },
  csv: {
    glue: {
      classification: 'csv',
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
      serdeParameters: { 'field.delim': ',', 'serialization.format': ',' },
      tableParameters: { 'skip.header.line.count': '1', typeOfData: 'file' },
    },
    duckdb: { reader: 'read_csv', options: { header: 'true', delim: "','" }, fileSuffix: '.csv' },
  },
  // SageMaker's built-in RCF reads CSV without a header (text/csv;label_size=0 for training, text/csv to transform).
  'csv-headerless': {
    glue: HEADERLESS_CSV_GLUE,
    duckdb: { reader: 'read_csv', options: { header: 'false', delim: "','" }, fileSuffix: '.csv' },
  },
  // A batch transform writes one `<input object name>.out` per input object: headerless CSV, the input line then the score.
  'transform-output': {
    glue: HEADERLESS_CSV_GLUE,
    duckdb: { reader: 'read_csv', options: { header: 'false', delim: "','" }, fileSuffix: '.out' },
  },
  parquet: {
    glue: {
      classification: 'parquet',
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      serdeParameters: { 'serialization.format': '1' },
      tableParameters: { compressionType: 'snappy', typeOfData: 'file' },
    },
    duckdb: { reader: 'read_parquet', options: {}, fileSuffix: '.parquet' },
  },
};
