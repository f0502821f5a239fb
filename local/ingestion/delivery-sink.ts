import type { Logger } from 'pino';
import { createDedupeWindow, deviceRegistry, isEnvelopeError, parseEnvelope } from '../../core/ingestion/processor.js';
import type { ProcessorSettings } from '../../core/ingestion/processor.js';
import { applyTopicRule } from '../../core/ingestion/definitions.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import { DeliveryStream } from './delivery-stream.js';
import type { BufferHints, DeliveryCounters, DeliveryEntry } from './delivery-stream.js';
import { LocalTwinError } from './errors.js';
import type { RecoveredEntry, WalPosition } from './wal.js';

/** A run of consecutive WAL entries: the first's position and how many follow in the same segment. */
export interface WalRun {
  readonly segment: number;
  readonly consumed: number;
  readonly count: number;
}

/** Where the twin hands acknowledged envelopes: the delivery stream. */
export interface DeliverySink {
  /** Lines as appended to the WAL, their positions, and the envelopes when the caller still has them. */
  put(lines: readonly string[], runs: readonly WalRun[], arrivalMs: number | null, envelopes?: readonly RuleEnvelope[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Counters as of the last delivered batch. */
  counters(): DeliveryCounters;
}

/** What the sink needs. */
export interface SinkOptions {
  readonly rawDir: string;
  readonly streamName: string;
  readonly buffer: BufferHints;
  readonly settings: ProcessorSettings;
  readonly knownDevices?: readonly string[];
  readonly fsync: boolean;
  readonly counters?: DeliveryCounters;
  readonly logger: Logger;
  /** Called after each delivered batch (checkpoint the WAL here). */
  readonly onDelivered: (position: WalPosition, counters: DeliveryCounters) => void;
}

const EMPTY: DeliveryCounters = { landed: 0, quarantined: 0, quarantinedByReason: {}, objectsWritten: 0 };

/**
 * The JSON of a rule envelope, built by hand: it is the only per-message serialization on the broker thread and
 * this is several times faster than JSON.stringify. `checkEnvelopeLine` proves it equal to JSON.stringify for the
 * rule's current columns at startup, so a change to the rule fails loudly instead of writing a different log.
 */
export function envelopeLine(e: RuleEnvelope): string {
  // Base64 needs no escaping; the topic and device id do.
  return `{"payload":"${e.payload}","device_id":${JSON.stringify(e.device_id)},"ingest_ts":${e.ingest_ts},"topic":${JSON.stringify(e.topic)}}`;
}

/** Throws when envelopeLine no longer matches JSON.stringify of what applyTopicRule produces. */
export function checkEnvelopeLine(): void {
  const sample = applyTopicRule({ topic: 'sensors/a"b\\c/telemetry', payload: Buffer.from('{"x":1}'), receivedAtMs: 1_700_000_000_123 });
  if (envelopeLine(sample) !== JSON.stringify(sample)) {
    throw new LocalTwinError(`envelopeLine is out of date with the topic rule: ${envelopeLine(sample)} != ${JSON.stringify(sample)}`);
  }
}

/** Groups recovered WAL entries into runs of consecutive positions. */
export function runsOf(entries: readonly RecoveredEntry[]): WalRun[] {
  const runs: Array<{ segment: number; consumed: number; count: number }> = [];
  for (const { position } of entries) {
    const last = runs[runs.length - 1];
    if (last && last.segment === position.segment && last.consumed + last.count === position.consumed) last.count += 1;
    else runs.push({ segment: position.segment, consumed: position.consumed, count: 1 });
  }
  return runs;
}

function envelopeOf(line: string): RuleEnvelope | undefined {
  try {
    return parseEnvelope(line);
  } catch (error) {
    if (isEnvelopeError(error)) return undefined;
    throw error;
  }
}

/** The delivery stream in the broker's thread. */
export function inThreadSink(options: SinkOptions): DeliverySink {
  let counters = options.counters ?? EMPTY;
  const stream = new DeliveryStream({
    rawDir: options.rawDir,
    streamName: options.streamName,
    buffer: options.buffer,
    processor: {
      settings: options.settings,
      dedupe: createDedupeWindow(),
      ...(options.knownDevices ? { knownDevices: deviceRegistry(options.knownDevices) } : {}),
    },
    logger: options.logger,
    fsync: options.fsync,
    ...(options.counters ? { counters: options.counters } : {}),
    onDelivered: (position, c) => {
      counters = c;
      options.onDelivered(position, c);
    },
  });
  return {
    put(lines, runs, arrivalMs, envelopes) {
      const entries: DeliveryEntry[] = [];
      const now = Date.now();
      let i = 0;
      for (const run of runs) {
        for (let k = 0; k < run.count; k++, i++) {
          const raw = lines[i] as string;
          const envelope = envelopes ? envelopes[i] : envelopeOf(raw);
          entries.push({ envelope, raw, position: { segment: run.segment, consumed: run.consumed + k }, arrivalMs: arrivalMs ?? envelope?.ingest_ts ?? now });
        }
      }
      stream.put(entries);
    },
    flush: () => stream.flush(),
    close: () => stream.close(),
    counters: () => counters,
  };
}
