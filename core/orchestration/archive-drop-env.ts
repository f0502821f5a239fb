import { ConfigError, ConfigErrors } from '../errors.js';
import type { ArchiveLimits } from './archive-drop.js';
import { tableListProblems } from './archive-drop-tables.js';

/**
 * The archive-drop Lambda's contract with its deployment, defined once: the orchestration stack sets these variables
 * and the handler (functions/archive-drop) reads them with readArchiveDropSettings.
 */
export const ARCHIVE_DROP_ENV = {
  /** The staging bucket drops arrive in; records of any other bucket are refused. */
  stagingBucket: 'SENSORLAKE_STAGING_BUCKET',
  /** The raw-zone bucket entries are written to. */
  rawBucket: 'SENSORLAKE_RAW_BUCKET',
  /** ARN of the pipeline state machine a drop starts. */
  stateMachineArn: 'SENSORLAKE_PIPELINE_ARN',
  /** Comma-separated drop tables. */
  tables: 'SENSORLAKE_DROP_TABLES',
  maxEntries: 'SENSORLAKE_ARCHIVE_MAX_ENTRIES',
  maxEntryBytes: 'SENSORLAKE_ARCHIVE_MAX_ENTRY_BYTES',
  maxTotalBytes: 'SENSORLAKE_ARCHIVE_MAX_TOTAL_BYTES',
  maxCompressionRatio: 'SENSORLAKE_ARCHIVE_MAX_RATIO',
  logLevel: 'SENSORLAKE_LOG_LEVEL',
} as const;

/** Validated settings of the archive-drop handler. */
export interface ArchiveDropSettings {
  readonly stagingBucket: string;
  readonly rawBucket: string;
  readonly stateMachineArn: string;
  readonly tables: readonly string[];
  readonly limits: ArchiveLimits;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the handler's variables; every problem is reported together, naming the variable and value. */
export function readArchiveDropSettings(env: Env): ArchiveDropSettings {
  const errors: ConfigError[] = [];
  const text = (name: string, pattern: RegExp, expected: string): string => {
    const value = env[name]?.trim() ?? '';
    if (!pattern.test(value)) errors.push(new ConfigError(name, env[name], expected));
    return value;
  };
  const count = (name: string, min: number): number => {
    const raw = env[name]?.trim() ?? '';
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min) errors.push(new ConfigError(name, env[name], `an integer of at least ${min}`));
    return value;
  };
  const stagingBucket = text(ARCHIVE_DROP_ENV.stagingBucket, BUCKET, 'an S3 bucket name');
  const rawBucket = text(ARCHIVE_DROP_ENV.rawBucket, BUCKET, 'an S3 bucket name');
  const stateMachineArn = text(ARCHIVE_DROP_ENV.stateMachineArn, STATE_MACHINE_ARN, 'a state machine ARN arn:aws:states:<region>:<account>:stateMachine:<name>');
  const tables = (env[ARCHIVE_DROP_ENV.tables] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const tableProblems = tableListProblems(tables);
  if (tableProblems.length > 0) errors.push(new ConfigError(ARCHIVE_DROP_ENV.tables, env[ARCHIVE_DROP_ENV.tables], tableProblems.join('; ')));
  const limits: ArchiveLimits = {
    maxEntries: count(ARCHIVE_DROP_ENV.maxEntries, 1),
    maxEntryBytes: count(ARCHIVE_DROP_ENV.maxEntryBytes, 1),
    maxTotalBytes: count(ARCHIVE_DROP_ENV.maxTotalBytes, 1),
    maxCompressionRatio: count(ARCHIVE_DROP_ENV.maxCompressionRatio, 2),
  };
  const level = env[ARCHIVE_DROP_ENV.logLevel] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) errors.push(new ConfigError(ARCHIVE_DROP_ENV.logLevel, level, `one of ${LOG_LEVELS.join(', ')}`));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return { stagingBucket, rawBucket, stateMachineArn, tables, limits, logLevel: level as ArchiveDropSettings['logLevel'] };
}

/** The variables for these settings, as the stack sets them. */
export function archiveDropEnvironment(settings: Omit<ArchiveDropSettings, 'tables'> & { tables: readonly string[] }): Record<string, string> {
  return {
    [ARCHIVE_DROP_ENV.stagingBucket]: settings.stagingBucket,
    [ARCHIVE_DROP_ENV.rawBucket]: settings.rawBucket,
    [ARCHIVE_DROP_ENV.stateMachineArn]: settings.stateMachineArn,
    [ARCHIVE_DROP_ENV.tables]: settings.tables.join(','),
    [ARCHIVE_DROP_ENV.maxEntries]: String(settings.limits.maxEntries),
    [ARCHIVE_DROP_ENV.maxEntryBytes]: String(settings.limits.maxEntryBytes),
    [ARCHIVE_DROP_ENV.maxTotalBytes]: String(settings.limits.maxTotalBytes),
    [ARCHIVE_DROP_ENV.maxCompressionRatio]: String(settings.limits.maxCompressionRatio),
    [ARCHIVE_DROP_ENV.logLevel]: settings.logLevel,
  };
}
