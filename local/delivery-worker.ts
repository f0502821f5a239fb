import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import type { ProcessorSettings } from '../functions/telemetry-processor/core.js';
import { inThreadSink } from './delivery-sink.js';
import type { WalRun } from './delivery-sink.js';
import type { BufferHints, DeliveryCounters } from './delivery-stream.js';
import type { WalPosition } from './wal.js';

/**
 * The delivery stream in a worker thread: the broker thread only applies the rule, appends to the write-ahead log
 * and acknowledges, while processing, compression and writing run here, on another core.
 */

/** What the twin hands the worker at start. */
export interface DeliveryWorkerData {
  readonly rawDir: string;
  readonly streamName: string;
  readonly buffer: BufferHints;
  readonly settings: ProcessorSettings;
  readonly knownDevices?: readonly string[];
  readonly fsync: boolean;
  readonly counters?: DeliveryCounters;
  readonly logLevel: string;
}

/** Messages to the worker. */
export type ToDeliveryWorker =
  | {
      readonly type: 'put';
      /** WAL lines joined by newlines. */
      readonly text: string;
      /** Positions of the lines, as runs of consecutive entries. */
      readonly positions: readonly WalRun[];
      readonly arrivalMs: number | null;
    }
  | { readonly type: 'flush'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

/** Messages from the worker. */
export type FromDeliveryWorker =
  | { readonly type: 'delivered'; readonly position: WalPosition; readonly counters: DeliveryCounters }
  | { readonly type: 'done'; readonly id: number };

if (parentPort) {
  const port = parentPort;
  const data = workerData as DeliveryWorkerData;
  const sink = inThreadSink({
    ...data,
    logger: pino({ level: data.logLevel, base: { component: 'local-twin-delivery' } }),
    onDelivered: (position, counters) => port.postMessage({ type: 'delivered', position, counters } satisfies FromDeliveryWorker),
  });
  port.on('message', (message: ToDeliveryWorker) => {
    if (message.type === 'put') {
      sink.put(message.text.split('\n'), message.positions, message.arrivalMs);
      return;
    }
    const done = message.type === 'flush' ? sink.flush() : sink.close();
    done.then(
      () => port.postMessage({ type: 'done', id: message.id } satisfies FromDeliveryWorker),
      (error: unknown) => {
        // Surfaces as the worker's 'error' event in the twin, which fails every pending flush loudly.
        setImmediate(() => {
          throw error;
        });
      },
    );
  });
}
