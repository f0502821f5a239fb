import cliProgress from 'cli-progress';
import type { Output } from './io.js';

/** A cli-progress bar with the given format on a terminal; undefined when disabled or not a terminal. */
export function progressBar(stdout: Output, enabled: boolean, format: string): cliProgress.SingleBar | undefined {
  if (!enabled || stdout.isTTY !== true) return undefined;
  return new cliProgress.SingleBar({ format, stream: stdout as NodeJS.WritableStream, hideCursor: true }, cliProgress.Presets.shades_classic);
}

/** The counts a publishing run reports as it goes (the simulator's FleetProgress has them). */
export interface PublishProgress {
  readonly planned: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly offlineDropped: number;
  readonly elapsedMs: number;
}

/** Progress of a publishing run: a bar of acknowledged messages on a terminal, nothing otherwise. */
export function publishProgress(stdout: Output, enabled: boolean): { onProgress?: (p: PublishProgress) => void; stop: () => void } {
  const bar = progressBar(stdout, enabled, 'publishing [{bar}] {percentage}% | {value}/{total} acked | failed {failed} | dropped {dropped} | {rate} msg/s');
  if (bar === undefined) return { stop: () => undefined };
  let started = false;
  return {
    onProgress: (p) => {
      const payload = { failed: p.failed, dropped: p.offlineDropped, rate: p.elapsedMs > 0 ? Math.round((p.acknowledged * 1000) / p.elapsedMs) : 0 };
      if (!started) {
        bar.start(p.planned, p.acknowledged, payload);
        started = true;
      } else bar.update(p.acknowledged, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
