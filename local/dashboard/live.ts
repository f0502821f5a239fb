import type { FleetView } from './contract.js';

/** The counters of a running `npm start`: the simulator's sent and acknowledged, the ingestion twin's outcomes. */
export interface LiveCounters {
  /** Null when no simulated fleet publishes (`npm start -- --serve`: the devices are someone else's). */
  readonly sent: number | null;
  readonly acknowledged: number;
  readonly landed: number;
  readonly quarantined: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  readonly refusedByReason: Readonly<Record<string, number>>;
}

/** The fleet view's part that a live run gives. */
export type LiveFleetView = Pick<FleetView, 'counters' | 'quarantinedByReason' | 'refusedByReason' | 'rate'>;

/** A live fleet: its counters now, and the samples taken so far. */
export interface LiveFleet {
  view(): LiveFleetView;
  /** Stops sampling (the samples taken stay). */
  stop(): void;
}

/** Options of liveFleet. */
export interface LiveFleetOptions {
  /** Between two samples of `rate`; default one second. */
  readonly intervalMs?: number;
  /** Samples kept (the oldest go first); default an hour's worth at one a second. */
  readonly maxSamples?: number;
  readonly now?: () => Date;
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Samples `read` once now and then every `intervalMs` into the view's `rate`; the counters are read on each view. */
export function liveFleet(read: () => LiveCounters, options: LiveFleetOptions = {}): LiveFleet {
  const now = options.now ?? (() => new Date());
  const maxSamples = options.maxSamples ?? 3600;
  const rate: { t: string; sent: number | null; landed: number }[] = [];
  const sample = () => {
    const c = read();
    rate.push({ t: now().toISOString(), sent: c.sent, landed: c.landed });
    if (rate.length > maxSamples) rate.shift();
  };
  sample();
  const timer = setInterval(sample, options.intervalMs ?? 1000);
  timer.unref();
  return {
    view() {
      const c = read();
      return {
        counters: { sent: c.sent, acknowledged: c.acknowledged, landed: c.landed, quarantined: c.quarantined, refused: sum(c.refusedByReason) },
        quarantinedByReason: { ...c.quarantinedByReason },
        refusedByReason: { ...c.refusedByReason },
        rate: [...rate],
      };
    },
    stop: () => clearInterval(timer),
  };
}
