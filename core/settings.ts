import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigErrors } from './errors.js';

/** The Pulumi project name, also the config namespace. */
export const PROJECT = 'sensorlake';

/** Deployment environments; each has a `Pulumi.<env>.yaml`. */
export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

type SettingType = 'integer' | 'string' | 'boolean';

interface Setting<T> {
  /** Pulumi project-config type. */
  readonly type: SettingType;
  /** One line for Pulumi.yaml and the README. */
  readonly description: string;
  /** Value used when neither the environment file nor the stack sets it. */
  readonly default: T;
  /** What a valid value looks like, for error messages. */
  readonly expected: string;
  readonly schema: z.ZodType<T>;
}

function integer(min: number, max: number, description: string, def: number): Setting<number> {
  return {
    type: 'integer',
    description,
    default: def,
    expected: `an integer from ${min} to ${max}`,
    schema: z.number().int().min(min).max(max),
  };
}

/**
 * Every environment setting, defined once: Pulumi.yaml declares these keys with the same types, descriptions
 * and defaults (a test checks), the stacks read them through `parseEnvironmentConfig`, and the local twin reads
 * the same `Pulumi.<env>.yaml` through `readEnvironmentConfig`.
 */
export const SETTINGS = {
  logLevel: {
    type: 'string',
    description: 'Log level of Lambda functions, the Firehose processor and the local twin (debug, info, warn, error).',
    default: 'info',
    expected: 'one of debug, info, warn, error',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
  } satisfies Setting<'debug' | 'info' | 'warn' | 'error'>,
  logRetentionDays: {
    type: 'integer',
    description: 'CloudWatch Logs retention in days (a value CloudWatch accepts, such as 14, 30, 365).',
    default: 30,
    expected: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    schema: z.number().refine((v): v is number => (LOG_RETENTION_DAYS as readonly number[]).includes(v)),
  } satisfies Setting<number>,
  deletionProtection: {
    type: 'boolean',
    description: 'Protect data resources from deletion: no force-destroy of buckets, resources retained on delete.',
    default: true,
    expected: 'true or false',
    schema: z.boolean(),
  } satisfies Setting<boolean>,
  rawGlacierTransitionDays: integer(1, 3650, 'Days after which raw-zone objects move to S3 Glacier Flexible Retrieval.', 90),
  rawNoncurrentVersionExpirationDays: integer(1, 3650, 'Days after which noncurrent raw-zone object versions expire.', 30),
  firehoseBufferSizeMiB: integer(
    64,
    128,
    'Firehose buffer size in MiB (64 to 128: dynamic partitioning needs at least 64).',
    128,
  ),
  firehoseBufferIntervalSeconds: integer(
    60,
    900,
    'Firehose buffer interval in seconds (60 to 900: dynamic partitioning needs at least 60).',
    300,
  ),
  kmsDeletionWindowDays: integer(7, 30, 'Waiting period in days before a scheduled KMS key deletion.', 30),
  simulatorThingCount: integer(0, 1000, 'Number of simulator IoT things, each with its own certificate.', 3),
  telemetryMaxClockSkewSeconds: integer(
    0,
    86_400,
    'A reading stamped further than this in the future of its ingest time is quarantined as clock-skew.',
    300,
  ),
  telemetryMaxLatenessHours: integer(
    1,
    8_760,
    'A reading stamped further than this in the past of its ingest time is quarantined as late.',
    72,
  ),
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The validated, typed configuration of one environment. */
export type EnvironmentConfig = {
  readonly [K in SettingName]: z.infer<(typeof SETTINGS)[K]['schema']>;
};

/** Fully qualified key of a setting, as written in Pulumi.<env>.yaml. */
export function configKey(name: SettingName): string {
  return `${PROJECT}:${name}`;
}

function coerce(type: SettingType, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'integer' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * Validates an environment's settings. `lookup` returns the raw value of a setting or undefined (then the default
 * applies); Pulumi passes strings, YAML files pass numbers and booleans, and both are accepted. All problems are
 * reported together, each naming the key, the value and what was expected.
 */
export function parseEnvironmentConfig(lookup: (name: SettingName) => unknown): EnvironmentConfig {
  const errors: ConfigError[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) {
    const raw = lookup(name);
    const value = raw === undefined || raw === null ? setting.default : coerce(setting.type, raw);
    const parsed = setting.schema.safeParse(value);
    if (parsed.success) result[name] = parsed.data;
    else errors.push(new ConfigError(configKey(name), raw, setting.expected));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return result as EnvironmentConfig;
}

/** Root of the repository (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Reads `Pulumi.<env>.yaml` the way `pulumi --config-file` does, for the local twin and the tools that run
 * without the Pulumi engine. Unknown `sensorlake:` keys are errors, so a typo never passes silently.
 */
export function readEnvironmentConfig(env: Environment, root: string = PROJECT_ROOT): EnvironmentConfig {
  const file = path.join(root, `Pulumi.${env}.yaml`);
  const doc = parseYaml(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
  const values = doc?.config ?? {};
  const unknown = Object.keys(values).filter(
    (key) => key.startsWith(`${PROJECT}:`) && !(key.slice(PROJECT.length + 1) in SETTINGS),
  );
  if (unknown.length > 0) {
    throw new ConfigErrors(
      unknown.map((key) => new ConfigError(key, values[key], `a known setting (${Object.keys(SETTINGS).join(', ')})`)),
    );
  }
  return parseEnvironmentConfig((name) => {
    const value = values[configKey(name)];
    return typeof value === 'object' && value !== null && 'value' in value ? (value as { value: unknown }).value : value;
  });
}

export function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}
