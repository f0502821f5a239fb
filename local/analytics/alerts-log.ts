import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { alertMessage } from '../../core/analytics/alerts.js';
import type { AlertMessage, AlertPublisher } from '../../core/analytics/alerts.js';

/** The twin's SNS topic: a JSON-lines file, one alert message (the body SNS would carry) per line. */
export interface AlertLog extends AlertPublisher {
  /** The file, `<dataDir>/alerts/alerts.ndjson`. */
  readonly file: string;
  /** Alerts written. */
  written(): number;
  /** Publishes of an id already in the log (a retried final invocation): not written again. */
  repeats(): number;
}

/** Where the alert log of a data directory lives. */
export function alertLogFile(dataDir: string): string {
  return path.join(dataDir, 'alerts', 'alerts.ndjson');
}

/** Reads the alert log of a data directory (empty when there is none). */
export function readAlertLog(dataDir: string): AlertMessage[] {
  const file = alertLogFile(dataDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AlertMessage);
}

/**
 * Opens the alert log of a data directory. It plays SNS and the deduplicating subscriber behind it: an alert id
 * already in the log (also from an earlier run) is counted as a repeat and not written twice.
 */
export function openAlertLog(dataDir: string): AlertLog {
  const file = alertLogFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const ids = new Set(readAlertLog(dataDir).map((m) => m.id));
  let written = 0;
  let repeats = 0;
  return {
    file,
    written: () => written,
    repeats: () => repeats,
    async publish(alert) {
      if (ids.has(alert.id)) {
        repeats += 1;
        return;
      }
      appendFileSync(file, `${JSON.stringify(alertMessage(alert))}\n`);
      ids.add(alert.id);
      written += 1;
    },
  };
}
