import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip } from 'node:zlib';
import type { Logger } from 'pino';
import { outcomeLine, processEnvelope } from '../../core/ingestion/processor.js';
import type { ProcessorContext } from '../../core/ingestion/processor.js';
import { RAW_ZONE, RECORD_DELIMITER, deliveryObjectName, expandPrefix } from '../../core/ingestion/definitions.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import { DeliveryFailedError } from './errors.js';
import { nodeFs } from './fs.js';
import type { TwinFs } from './fs.js';
import type { WalPosition } from './wal.js';

/**
 * The local Firehose: buffers rule envelopes, flushes by size or by time (whichever comes first, as Firehose's
 * buffering hints do), runs the telemetry processor core over each batch and writes one GZIP NDJSON object per
 * partition under the raw zone's key layout. Records the processor cannot handle at all go under the error output
 * prefix (`errors/processing-failed/...`) in Firehose's own error-record format, each with its reason.
 */

const gzipAsync = promisify(gzip);
const PREPARE_CHUNK = 256;

/** Buffering hints, in the twin's units. */
export interface BufferHints {
  /** Flush when the buffered envelopes reach this many bytes. */
  readonly sizeBytes: number;
  /** Flush this long after the first envelope entered an empty buffer; 0 flushes on the next turn of the loop. */
  readonly intervalMs: number;
}

/** One buffered record: the rule envelope (undefined when its log line could not be parsed) and its WAL position. */
export interface DeliveryEntry {
  readonly envelope: RuleEnvelope | undefined;
  /** The envelope as the WAL holds it (also the `rawData` of an error record). */
  readonly raw: string;
  readonly position: WalPosition;
  /** When the stream received it, epoch ms. */
  readonly arrivalMs: number;
}

/** What the stream has delivered so far. */
export interface DeliveryCounters {
  landed: number;
  quarantined: number;
  /** Quarantine reasons of the processor, plus `processing-failed` for records written under the error prefix. */
  quarantinedByReason: Record<string, number>;
  objectsWritten: number;
}

/** Reason counted for records the processor could not handle (written under the error output prefix). */
export const PROCESSING_FAILED = 'processing-failed';

/** Options of a delivery stream. */
export interface DeliveryStreamOptions {
  /** Root of the raw zone (the local stand-in for the raw bucket). */
  readonly rawDir: string;
  /** Delivery stream name, the first part of every object name. */
  readonly streamName: string;
  readonly buffer: BufferHints;
  readonly processor: ProcessorContext;
  readonly logger: Logger;
  /** Counters to start from (restored from the last checkpoint). */
  readonly counters?: DeliveryCounters;
  /** fsync objects before renaming them into place. */
  readonly fsync?: boolean;
  /** Called after a batch's objects are all in place, with the WAL position of its last entry and their keys. */
  readonly onDelivered?: (position: WalPosition, counters: DeliveryCounters, keys: readonly string[]) => void;
  /** Called once when a batch could not be written within the retries; the stream delivers nothing more. */
  readonly onFailed?: (error: DeliveryFailedError) => void;
  /** Attempts to write one batch before the stream fails (backoff doubling from `retryBaseMs`). Default 6. */
  readonly maxAttempts?: number;
  /** First retry delay; later ones double, up to 30 s. Default 500 ms (six attempts take about 30 s). */
  readonly retryBaseMs?: number;
  /** The writes of the objects (tests inject a full disk). Default the real file system. */
  readonly fs?: TwinFs;
}

interface PreparedObject {
  readonly key: string;
  readonly lines: string[];
}

/** Outcomes of the buffered records processed so far, grouped by object prefix. */
class OpenBatch {
  /** Records processed into this batch; only the last one's WAL position is kept, so records die young. */
  count = 0;
  last: WalPosition | undefined;
  readonly groups = new Map<string, string[]>();
  readonly byReason: Record<string, number> = {};
  landed = 0;
  bytes = 0;
  firstArrivalMs: number | undefined;

  add(prefix: string, line: string): void {
    const lines = this.groups.get(prefix);
    if (lines) lines.push(line);
    else this.groups.set(prefix, [line]);
  }
}

interface Batch {
  readonly count: number;
  readonly last: WalPosition;
  readonly objects: PreparedObject[];
  readonly landed: number;
  readonly byReason: Record<string, number>;
}

/**
 * A local Firehose delivery stream writing into a directory with the S3 key layout. Records are processed
 * eagerly, in arrival order, a chunk per turn of the event loop, so that a flush only compresses and writes; the
 * outcome is the same as processing at flush time, because the processor sees the same records in the same order.
 */
export class DeliveryStream {
  /** Received records not yet processed, in arrival order. */
  private queue: DeliveryEntry[] = [];
  private queueHead = 0;
  /** Processed records waiting for the next flush. */
  private open = new OpenBatch();
  private inflight = 0;
  private running: Promise<void> | undefined;
  private processing: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failure: DeliveryFailedError | undefined;
  private readonly fs: TwinFs;
  private readonly counters: DeliveryCounters;
  private readonly prefixes = new Map<string, string>();

  constructor(private readonly options: DeliveryStreamOptions) {
    this.fs = options.fs ?? nodeFs;
    const c = options.counters;
    this.counters = c
      ? { ...c, quarantinedByReason: { ...c.quarantinedByReason } }
      : { landed: 0, quarantined: 0, quarantinedByReason: {}, objectsWritten: 0 };
  }

  /** Adds records to the buffer; flushes when the size hint is reached or starts the interval timer. */
  put(entries: readonly DeliveryEntry[]): void {
    if (entries.length === 0) return;
    for (const entry of entries) {
      this.queue.push(entry);
      this.open.bytes += entry.raw.length + 1;
    }
    if (this.processing === undefined) this.processing = setImmediate(() => this.processSome());
    if (this.open.bytes >= this.options.buffer.sizeBytes) this.kick();
    else this.armTimer();
  }

  /** Records buffered or being written (received but not yet landed or quarantined). */
  get pending(): number {
    return this.queue.length - this.queueHead + this.open.count + this.inflight;
  }

  /** Bytes waiting in the buffer (the size the flush-by-size rule compares). */
  get pendingBytes(): number {
    return this.open.bytes;
  }

  /** A copy of the delivery counters. */
  snapshot(): DeliveryCounters {
    return { ...this.counters, quarantinedByReason: { ...this.counters.quarantinedByReason } };
  }

  /** Why the stream stopped delivering, once a batch failed all its attempts. */
  get failed(): DeliveryFailedError | undefined {
    return this.failure;
  }

  /**
   * Delivers everything buffered now and resolves when it is in the raw zone; rejects with DeliveryFailedError when
   * a batch could not be written (it stays in the write-ahead log, unacknowledged by the raw zone).
   */
  async flush(): Promise<void> {
    while (this.buffered() > 0 || this.running) {
      if (this.failure) break;
      if (!this.running) this.kick();
      await this.running;
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes and stops the timer; the stream accepts no more records afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    if (this.processing) clearImmediate(this.processing);
    this.timer = undefined;
    this.processing = undefined;
  }

  private buffered(): number {
    return this.queue.length - this.queueHead + this.open.count;
  }

  private kick(): void {
    if (this.running || this.failure) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.buffered() === 0) return;
      if (this.open.bytes >= this.options.buffer.sizeBytes) this.kick();
      else this.armTimer();
    });
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.closed || this.failure) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.options.buffer.intervalMs);
  }

  /**
   * Processes up to PREPARE_CHUNK queued records, then yields to the event loop: a 128 MiB buffer is hundreds of
   * thousands of records, and the broker must keep acknowledging publishes meanwhile.
   */
  private processSome(): void {
    this.processing = undefined;
    const end = Math.min(this.queue.length, this.queueHead + PREPARE_CHUNK);
    for (let i = this.queueHead; i < end; i++) {
      this.processOne(this.queue[i] as DeliveryEntry);
      (this.queue as Array<DeliveryEntry | undefined>)[i] = undefined;
    }
    this.queueHead = end;
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else {
      this.processing = setImmediate(() => this.processSome());
    }
  }

  private prefixOf(keys: { readonly zone: string; readonly dt: string }, arrivalMs: number): string {
    const id = `${keys.zone}\u0000${keys.dt}`;
    let prefix = this.prefixes.get(id);
    if (prefix === undefined) {
      prefix = expandPrefix(RAW_ZONE.prefix, { arrivalMs, partitionKeys: keys });
      if (this.prefixes.size > 10_000) this.prefixes.clear();
      this.prefixes.set(id, prefix);
    }
    return prefix;
  }

  private processOne(entry: DeliveryEntry): void {
    const open = this.open;
    open.count += 1;
    open.last = entry.position;
    open.firstArrivalMs ??= entry.arrivalMs;
    let failure: string | undefined;
    if (entry.envelope === undefined) failure = `write-ahead log line is not a rule envelope: ${entry.raw.slice(0, 200)}`;
    else {
      try {
        const outcome = processEnvelope(entry.envelope, this.options.processor);
        open.add(this.prefixOf(outcome.partitionKeys, entry.arrivalMs), outcomeLine(outcome));
        if (outcome.kind === 'accepted') open.landed += 1;
        else open.byReason[outcome.reason] = (open.byReason[outcome.reason] ?? 0) + 1;
      } catch (error) {
        failure = `processor threw: ${(error as Error).message}`;
      }
    }
    if (failure !== undefined) {
      const now = Date.now();
      open.byReason[PROCESSING_FAILED] = (open.byReason[PROCESSING_FAILED] ?? 0) + 1;
      this.options.logger.warn({ reason: failure }, 'record failed processing; writing it under the error prefix');
      const errorRecord = {
        attemptsMade: 1,
        arrivalTimestamp: entry.arrivalMs,
        errorCode: 'Lambda.ProcessingFailed',
        errorMessage: failure,
        attemptEndingTimestamp: now,
        rawData: Buffer.from(entry.raw, 'utf8').toString('base64'),
        lambdaArn: 'local:telemetry-processor',
      };
      open.add(
        expandPrefix(RAW_ZONE.errorOutputPrefix, { arrivalMs: now, errorOutputType: 'processing-failed' }),
        JSON.stringify(errorRecord) + RECORD_DELIMITER,
      );
    }
  }

  private async drain(): Promise<void> {
    if (this.buffered() === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Finish processing what arrived so far, in chunks, so acknowledgements keep flowing.
    while (this.queueHead < this.queue.length) {
      if (this.processing) clearImmediate(this.processing);
      this.processSome();
      if (this.processing) await yieldToLoop();
    }
    const open = this.open;
    this.open = new OpenBatch();
    this.inflight = open.count;
    const arrivalMs = open.firstArrivalMs ?? Date.now();
    const batch: Batch = {
      count: open.count,
      last: open.last as WalPosition,
      objects: [...open.groups].map(([prefix, lines]) => ({
        key: prefix + deliveryObjectName(this.options.streamName, arrivalMs, randomUUID()),
        lines,
      })),
      landed: open.landed,
      byReason: open.byReason,
    };
    const maxAttempts = this.options.maxAttempts ?? 6;
    const baseMs = this.options.retryBaseMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(batch);
        break;
      } catch (error) {
        if (attempt >= maxAttempts) {
          // Nothing is dropped: the batch stays in the write-ahead log (no checkpoint) for the next start.
          this.failure = new DeliveryFailedError(batch.count, attempt, error);
          this.options.logger.error({ err: error, attempts: attempt, records: batch.count }, this.failure.message);
          this.options.onFailed?.(this.failure);
          return;
        }
        const delay = Math.min(30_000, baseMs * 2 ** (attempt - 1));
        this.options.logger.error({ err: error, attempt, retryInMs: delay }, 'delivery stream could not write a batch; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    this.counters.landed += batch.landed;
    for (const [reason, n] of Object.entries(batch.byReason)) {
      this.counters.quarantined += n;
      this.counters.quarantinedByReason[reason] = (this.counters.quarantinedByReason[reason] ?? 0) + n;
    }
    this.counters.objectsWritten += batch.objects.length;
    this.inflight = 0;
    this.options.onDelivered?.(batch.last, this.snapshot(), batch.objects.map((o) => o.key));
    this.options.logger.debug({ records: batch.count, objects: batch.objects.map((o) => o.key) }, 'batch delivered');
  }

  private async write(batch: Batch): Promise<void> {
    await Promise.all(
      batch.objects.map(async (object) => {
        // Level 1: the format is what Firehose writes; a faster level leaves the CPU to the broker.
        const body = await gzipAsync(object.lines.join(''), { level: zlibConstants.Z_BEST_SPEED });
        const file = path.join(this.options.rawDir, ...object.key.split('/'));
        await this.fs.mkdir(path.dirname(file));
        const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
        await this.fs.writeFile(tmp, body, this.options.fsync === true);
        await this.fs.rename(tmp, file);
      }),
    );
  }
}
