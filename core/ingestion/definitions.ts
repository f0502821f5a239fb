import { SensorlakeError } from '../errors.js';

/**
 * The ingestion path, defined once. The Pulumi stack renders these into the topic rule and the Firehose delivery
 * stream; the local twin evaluates the very same objects. Nothing here imports Pulumi, so both runtimes can use it.
 */

/** Topic a device publishes its telemetry to. */
export function telemetryTopic(deviceId: string): string {
  return `sensors/${deviceId}/telemetry`;
}

/** MQTT filter the topic rule subscribes to. */
export const TELEMETRY_TOPIC_FILTER = 'sensors/+/telemetry';

/** Extracts the device id from a telemetry topic, or undefined when the topic is not a telemetry topic. */
export function deviceIdFromTopic(topic: string): string | undefined {
  // Called once per message on the twin's hot path: slicing avoids split()'s array.
  const end = topic.length - TOPIC_SUFFIX.length;
  if (!topic.startsWith(TOPIC_PREFIX) || !topic.endsWith(TOPIC_SUFFIX) || end <= TOPIC_PREFIX.length) return undefined;
  const id = topic.slice(TOPIC_PREFIX.length, end);
  return id.includes('/') ? undefined : id;
}

const TOPIC_PREFIX = 'sensors/';
const TOPIC_SUFFIX = '/telemetry';

/** What the rule engine knows about one incoming message. */
export interface RuleContext {
  readonly topic: string;
  readonly payload: Buffer;
  /** Broker receive time, epoch milliseconds (IoT SQL `timestamp()`). */
  readonly receivedAtMs: number;
}

/** IoT SQL `topic(n)`: the n-th (1-based) level of the topic, or an empty string when there is none. */
export function topicLevel(topic: string, n: number): string {
  let start = 0;
  for (let level = 1; level < n; level++) {
    const slash = topic.indexOf('/', start);
    if (slash === -1) return '';
    start = slash + 1;
  }
  const end = topic.indexOf('/', start);
  return end === -1 ? topic.slice(start) : topic.slice(start, end);
}

/** One column of the topic rule's SELECT: the IoT SQL expression and its local evaluation. */
export interface RuleColumn {
  readonly sql: string;
  readonly as: string;
  readonly evaluate: (ctx: RuleContext) => string | number;
}

/**
 * The rule keeps the device payload byte for byte (base64, so a malformed payload still reaches the processor
 * and is quarantined with a reason instead of failing inside the rule engine), and adds the device id from the
 * topic and the ingest timestamp.
 */
export const TOPIC_RULE_COLUMNS: readonly RuleColumn[] = [
  { sql: "encode(*, 'base64')", as: 'payload', evaluate: (ctx) => ctx.payload.toString('base64') },
  { sql: 'topic(2)', as: 'device_id', evaluate: (ctx) => topicLevel(ctx.topic, 2) },
  { sql: 'timestamp()', as: 'ingest_ts', evaluate: (ctx) => ctx.receivedAtMs },
  { sql: 'topic()', as: 'topic', evaluate: (ctx) => ctx.topic },
];

/** IoT SQL version the rule is written for. */
export const TOPIC_RULE_SQL_VERSION = '2016-03-23';

/** The topic rule's SQL statement. */
export const TOPIC_RULE_SQL = `SELECT ${TOPIC_RULE_COLUMNS.map((c) => `${c.sql} AS ${c.as}`).join(', ')} FROM '${TELEMETRY_TOPIC_FILTER}'`;

/** The record the rule forwards to Firehose (one JSON object per message). */
export interface RuleEnvelope {
  readonly payload: string;
  readonly device_id: string;
  readonly ingest_ts: number;
  readonly topic: string;
}

/** Evaluates the topic rule locally: the same columns, in the same order, as the SQL above. */
export function applyTopicRule(ctx: RuleContext): RuleEnvelope {
  const envelope: Record<string, string | number> = {};
  for (const column of TOPIC_RULE_COLUMNS) envelope[column.as] = column.evaluate(ctx);
  return envelope as unknown as RuleEnvelope;
}

/** Firehose appends a newline after each record so the objects are NDJSON. */
export const RECORD_DELIMITER = '\n';

/** Top-level folders of the raw bucket that the processor routes records to (partition key `zone`). */
export const ZONES = {
  /** Accepted telemetry, partitioned by event date. */
  telemetry: 'telemetry',
  /** Messages the processor refused, each stored with its reason, partitioned by ingest date. */
  quarantine: 'quarantine',
} as const;
export type Zone = (typeof ZONES)[keyof typeof ZONES];

/** Raw zone layout and Firehose naming, shared by the stack and the local delivery stream. */
export const RAW_ZONE = {
  /**
   * Where processed records land: `telemetry/dt=<event date>/` or `quarantine/dt=<ingest date>/`. Quarantined
   * records are routed by the processor (not marked ProcessingFailed) so that each keeps its reason in AWS too.
   */
  prefix: '!{partitionKeyFromLambda:zone}/dt=!{partitionKeyFromLambda:dt}/',
  /** Where Firehose writes records it could not process, partition or deliver, by failure type. */
  errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  /** Where the topic rule's error action writes messages it could not hand to Firehose. */
  ruleErrorPrefix: 'rule-errors/',
  /** Suffix of every delivered object: gzip-compressed NDJSON. */
  fileExtension: '.ndjson.gz',
  compression: 'GZIP',
} as const;

/** S3 key template of the rule's error action (IoT substitution templates). */
export const RULE_ERROR_KEY = `${RAW_ZONE.ruleErrorPrefix}\${topic(2)}/\${timestamp()}-\${newuuid()}.json`;

/** A Firehose prefix template cannot be expanded with the values given. */
export class PrefixError extends SensorlakeError {
  override name = 'PrefixError';

  constructor(readonly template: string, problem: string) {
    super(`prefix ${template} ${problem}`);
  }
}

/** Values a Firehose prefix template can refer to. */
export interface PrefixValues {
  /** Approximate arrival time (epoch ms) used by `!{timestamp:...}`. */
  readonly arrivalMs: number;
  /** Partition keys returned by the processor, used by `!{partitionKeyFromLambda:...}`. */
  readonly partitionKeys?: Readonly<Record<string, string>>;
  /** Used by `!{firehose:error-output-type}`. */
  readonly errorOutputType?: ErrorOutputType;
}

function formatTimestamp(pattern: string, ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const parts: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    MM: pad(d.getUTCMonth() + 1),
    dd: pad(d.getUTCDate()),
    HH: pad(d.getUTCHours()),
    mm: pad(d.getUTCMinutes()),
    ss: pad(d.getUTCSeconds()),
  };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => parts[token] ?? token);
}

/**
 * Expands a Firehose custom prefix the way Firehose does (the namespaces sensorlake uses: `timestamp`,
 * `partitionKeyFromLambda`, `firehose:error-output-type`). A namespace without a value is an error, as in Firehose.
 */
export function expandPrefix(template: string, values: PrefixValues): string {
  return template.replace(/!\{([^}:]+):([^}]+)\}/g, (_match, namespace: string, arg: string) => {
    if (namespace === 'timestamp') return formatTimestamp(arg, values.arrivalMs);
    if (namespace === 'partitionKeyFromLambda') {
      const value = values.partitionKeys?.[arg];
      if (value === undefined) throw new PrefixError(template, `needs partition key ${arg}, which is missing`);
      return value;
    }
    if (namespace === 'firehose' && arg === 'error-output-type') {
      if (values.errorOutputType === undefined) throw new PrefixError(template, 'needs an error output type');
      return values.errorOutputType;
    }
    throw new PrefixError(template, `uses unsupported namespace ${namespace}:${arg}`);
  });
}

/**
 * Firehose's object name after the prefix: `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><ext>`.
 */
export function deliveryObjectName(streamName: string, arrivalMs: number, uuid: string): string {
  return `${streamName}-1-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', arrivalMs)}-${uuid}${RAW_ZONE.fileExtension}`;
}

/** Firehose failure types that land under the error prefix. */
export const ERROR_OUTPUT_TYPES = ['processing-failed', 'partitioning-failed', 'delivery-failed'] as const;
export type ErrorOutputType = (typeof ERROR_OUTPUT_TYPES)[number];

/** Largest telemetry payload accepted; larger ones are quarantined as `oversize` (IoT Core itself allows 128 KiB). */
export const MAX_TELEMETRY_PAYLOAD_BYTES = 16 * 1024;

/** The Firehose processor's own buffering (Lambda invocation batches), as set on the delivery stream. */
export const PROCESSOR_BUFFER = { sizeMiB: 1, intervalSeconds: 60 } as const;
