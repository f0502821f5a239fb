import { createHash } from 'node:crypto';
import { ALERT_RULE_DEFAULTS, ALERT_WINDOW_SECONDS, checkAlertRule, emptyInvocationCounts, processWindowInvocation, windowOf } from '../../core/analytics/alerts.js';
import type {
  AlertCoreDeps,
  AlertPublisher,
  AlertRule,
  AnomalyAlert,
  InvocationCounts,
  KinesisStreamEvent,
  KinesisStreamRecord,
  ReadingScorer,
  TimeWindow,
} from '../../core/analytics/alerts.js';
import { InvalidValueError } from '../../core/errors.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import type { ProcessorSettings } from '../../core/ingestion/processor.js';
import { SETTINGS } from '../../core/settings.js';

/**
 * The twin's real-time alert path: an in-process stream shaped like a Kinesis Data Stream (shards by the MD5 hash
 * of the partition key over the 128-bit hash key range, sequence numbers increasing per shard, arrival times from
 * an injectable clock) and a poller that plays Lambda's event source mapping with a tumbling window: it hands each
 * shard's records, in batches, to the same core the Lambda runs (processWindowInvocation), carries the state the
 * core returns to the next invocation of the window, makes the final invocation once the clock passes the window's
 * end, re-delivers from the reported sequence number after a partial failure, retries a failed invocation, and
 * after `maxRetryAttempts` sends the batch to the dead-letter count, as the mapping's on-failure destination does.
 * Windows are aligned, as Lambda aligns them, to multiples of the window length of the records' arrival times.
 */

/** Options of startAlertStream. */
export interface AlertStreamOptions {
  /** Absent: no model, readings are counted unscored and nothing alerts (as the Lambda without an endpoint). */
  readonly scorer?: ReadingScorer;
  /** Where alerts go (the twin's alert log, see openAlertLog). */
  readonly publisher: AlertPublisher;
  /** Milliseconds since the epoch; the arrival time of a put and the poller's "now". Default Date.now. */
  readonly clock?: () => number;
  /** Default ALERT_RULE_DEFAULTS (each score carries its room model's threshold). */
  readonly rule?: Partial<AlertRule>;
  /** Default: the setting defaults of telemetryMaxClockSkewSeconds and telemetryMaxLatenessHours. */
  readonly processor?: ProcessorSettings;
  /** Shards of the stream. Default 1. */
  readonly shardCount?: number;
  /** Tumbling window length (TumblingWindowInSeconds, 1 to 900). Default 10. */
  readonly windowSeconds?: number;
  /** Records per invocation at most (BatchSize). Default 100. */
  readonly batchSize?: number;
  /** Retries of a failed batch before it is dead-lettered (MaximumRetryAttempts). Default 3. */
  readonly maxRetryAttempts?: number;
  /** Called after each invocation with its counts (progress, logs). */
  readonly onInvocation?: (event: { shardId: string; window: TimeWindow; final: boolean; counts: InvocationCounts }) => void;
}

/** Counters of the stream; `put = delivered + deadLettered + pending` at all times. */
export interface AlertStreamStats {
  readonly put: number;
  /** Records the core took in (folded, refused or skipped as a redelivery) and will not see again. */
  readonly delivered: number;
  /** Records of batches that failed more than maxRetryAttempts times. */
  readonly deadLettered: number;
  readonly pending: number;
  readonly invocations: number;
  /** Invocations that threw (a failed publish) or reported a batch item failure. */
  readonly failedInvocations: number;
  readonly windowsClosed: number;
  /** Windows whose final invocation failed more than maxRetryAttempts times: their alerts are lost. */
  readonly windowsDeadLettered: number;
  readonly alerts: number;
  /** The core's counts summed over every invocation (a re-delivered record counts once per delivery). */
  readonly counts: InvocationCounts;
}

/** A running alert stream. */
export interface AlertStream {
  /** Puts the topic rule's envelope on the stream, partition key the device id (the rule's `${topic(2)}`). */
  put(envelope: RuleEnvelope): void;
  /** Runs every invocation that is due now: batches of delivered records, final invocations of ended windows. */
  poll(): Promise<void>;
  /**
   * Polls until nothing more is due: every record delivered (or dead-lettered) and every window whose end the clock
   * passed closed. `closeOpenWindows` also closes the windows still open, as when the run ends.
   */
  drain(options?: { closeOpenWindows?: boolean }): Promise<void>;
  stats(): AlertStreamStats;
  /** Alerts published so far, in order. */
  alerts(): readonly AnomalyAlert[];
}

const STREAM_ARN = 'arn:aws:kinesis:local:000000000000:stream/sensorlake-local-alerts';
const HASH_SPACE = 1n << 128n;
/** Where each shard's sequence numbers start: Kinesis's are 56-digit decimals. */
const SEQUENCE_BASE = 49_546_986_683_135_544_286_507_457_936_321_625_675_700_192_471_156_785_154n;

interface StoredRecord {
  readonly record: KinesisStreamRecord;
  readonly arrivalMs: number;
}

interface OpenWindow {
  readonly window: TimeWindow;
  readonly endMs: number;
  state: object;
}

interface Shard {
  readonly id: string;
  readonly records: StoredRecord[];
  next: bigint;
  cursor: number;
  open: OpenWindow | undefined;
  attempts: number;
}

/** The shard of a partition key: Kinesis maps MD5(key), a 128-bit integer, onto shards of equal hash key ranges. */
export function shardOf(partitionKey: string, shardCount: number): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  return Number((hash * BigInt(shardCount)) / HASH_SPACE);
}

function positiveInteger(key: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidValueError(key, value, `an integer from 1 to ${max}`, 'option');
  return value;
}

/** Starts the twin's alert stream. */
export function startAlertStream(options: AlertStreamOptions): AlertStream {
  const clock = options.clock ?? Date.now;
  const shardCount = positiveInteger('shardCount', options.shardCount ?? 1, 1000);
  const windowSeconds = positiveInteger('windowSeconds', options.windowSeconds ?? ALERT_WINDOW_SECONDS, 900);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 100, 10_000);
  const maxRetryAttempts = options.maxRetryAttempts ?? 3;
  if (!Number.isInteger(maxRetryAttempts) || maxRetryAttempts < 0) throw new InvalidValueError('maxRetryAttempts', maxRetryAttempts, 'an integer of at least 0', 'option');
  const deps: AlertCoreDeps = {
    ...(options.scorer ? { scorer: options.scorer } : {}),
    publisher: options.publisher,
    rule: checkAlertRule({ ...ALERT_RULE_DEFAULTS, ...options.rule }),
    processor: options.processor ?? {
      maxClockSkewSeconds: SETTINGS.telemetryMaxClockSkewSeconds.default,
      maxLatenessHours: SETTINGS.telemetryMaxLatenessHours.default,
    },
  };
  const shards: Shard[] = Array.from({ length: shardCount }, (_, i) => ({
    id: `shardId-${String(i).padStart(12, '0')}`,
    records: [],
    next: SEQUENCE_BASE,
    cursor: 0,
    open: undefined,
    attempts: 0,
  }));
  const published: AnomalyAlert[] = [];
  const totals = emptyInvocationCounts();
  let put = 0;
  let delivered = 0;
  let deadLettered = 0;
  let invocations = 0;
  let failedInvocations = 0;
  let windowsClosed = 0;
  let windowsDeadLettered = 0;

  function add(counts: InvocationCounts): void {
    for (const key of ['received', 'scored', 'warm', 'anomalous', 'unscored', 'refused', 'redelivered', 'failed'] as const) totals[key] += counts[key];
    for (const [reason, n] of Object.entries(counts.refusedByReason)) {
      const r = reason as keyof InvocationCounts['refusedByReason'];
      totals.refusedByReason[r] = (totals.refusedByReason[r] ?? 0) + n;
    }
  }

  async function invoke(shard: Shard, open: OpenWindow, records: readonly StoredRecord[], final: boolean) {
    const event: KinesisStreamEvent = {
      Records: records.map((r) => r.record),
      window: open.window,
      state: open.state,
      shardId: shard.id,
      eventSourceARN: STREAM_ARN,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: false,
    };
    invocations += 1;
    try {
      const result = await processWindowInvocation(event, deps);
      add(result.counts);
      published.push(...result.alerts);
      options.onInvocation?.({ shardId: shard.id, window: open.window, final, counts: result.counts });
      if (result.response.batchItemFailures.length > 0) failedInvocations += 1;
      return result.response;
    } catch {
      failedInvocations += 1;
      return undefined;
    }
  }

  /** Gives up on what failed too often; true when the shard may go on now. */
  function retryExhausted(shard: Shard): boolean {
    shard.attempts += 1;
    return shard.attempts > maxRetryAttempts;
  }

  async function closeWindow(shard: Shard, open: OpenWindow): Promise<boolean> {
    const response = await invoke(shard, open, [], true);
    if (response === undefined || response.batchItemFailures.length > 0) {
      if (!retryExhausted(shard)) return false;
      windowsDeadLettered += 1;
    } else windowsClosed += 1;
    shard.open = undefined;
    shard.attempts = 0;
    return true;
  }

  async function pollShard(shard: Shard, now: number, closeOpen: boolean): Promise<void> {
    for (;;) {
      const head = shard.records[shard.cursor];
      const open = shard.open;
      if (head === undefined) {
        if (open !== undefined && (closeOpen || now >= open.endMs)) await closeWindow(shard, open);
        return;
      }
      const window = windowOf(head.arrivalMs, windowSeconds);
      if (open !== undefined && open.window.start !== window.start) {
        if (!(await closeWindow(shard, open))) return;
        continue;
      }
      const current = open ?? { window, endMs: Date.parse(window.end), state: {} };
      shard.open = current;
      const batch: StoredRecord[] = [];
      for (let i = shard.cursor; i < shard.records.length && batch.length < batchSize; i++) {
        const r = shard.records[i] as StoredRecord;
        if (r.arrivalMs >= current.endMs) break;
        batch.push(r);
      }
      const response = await invoke(shard, current, batch, false);
      if (response !== undefined) current.state = response.state;
      const failure = response === undefined ? batch[0]?.record.kinesis.sequenceNumber : response.batchItemFailures[0]?.itemIdentifier;
      if (failure === undefined) {
        shard.cursor += batch.length;
        delivered += batch.length;
        shard.attempts = 0;
        continue;
      }
      // Lambda re-delivers from the reported record: everything before it is done.
      const failedAt = batch.findIndex((r) => r.record.kinesis.sequenceNumber === failure);
      const done = failedAt === -1 ? 0 : failedAt;
      shard.cursor += done;
      delivered += done;
      if (done > 0) shard.attempts = 0;
      if (!retryExhausted(shard)) return;
      const rest = batch.length - done;
      shard.cursor += rest;
      deadLettered += rest;
      shard.attempts = 0;
    }
  }

  async function pollAll(closeOpen: boolean): Promise<void> {
    const now = clock();
    await Promise.all(shards.map((shard) => pollShard(shard, now, closeOpen)));
  }

  const pending = () => put - delivered - deadLettered;
  const due = (closeOpen: boolean) => {
    const now = clock();
    return shards.some((s) => s.cursor < s.records.length || (s.open !== undefined && (closeOpen || now >= s.open.endMs)));
  };

  return {
    put(envelope) {
      const partitionKey = envelope.device_id;
      const shard = shards[shardOf(partitionKey, shardCount)] as Shard;
      const arrivalMs = clock();
      shard.next += 1n;
      const sequenceNumber = String(shard.next);
      shard.records.push({
        arrivalMs,
        record: {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey,
            sequenceNumber,
            data: Buffer.from(JSON.stringify(envelope)).toString('base64'),
            approximateArrivalTimestamp: arrivalMs / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shard.id}:${sequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/sensorlake-local-alerts',
          awsRegion: 'local',
          eventSourceARN: STREAM_ARN,
        },
      });
      put += 1;
    },
    poll: () => pollAll(false),
    async drain(drainOptions = {}) {
      const closeOpen = drainOptions.closeOpenWindows ?? false;
      // Each round either moves a shard on or spends one of its retries, so this ends.
      while (due(closeOpen)) await pollAll(closeOpen);
    },
    stats: () => ({
      put,
      delivered,
      deadLettered,
      pending: pending(),
      invocations,
      failedInvocations,
      windowsClosed,
      windowsDeadLettered,
      alerts: published.length,
      counts: { ...totals, refusedByReason: { ...totals.refusedByReason } },
    }),
    alerts: () => published,
  };
}
