import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { LAMBDA_LOG_LEVEL } from '../core/ingestion/processor-env.js';

/**
 * A pino logger whose lines Lambda's JSON log-level filtering (LoggingConfig logFormat JSON, applicationLogLevel)
 * reads: `level` is the upper-case level name (`INFO`, `WARN`, ...) and `timestamp` an RFC 3339 instant. Pino's
 * numeric level and epoch `time` would make Lambda take every line for INFO. `fn` names the function on every line.
 */
export function functionLogger(fn: string, level: 'debug' | 'info' | 'warn' | 'error', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { fn },
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: {
      level: (label: string) => ({ level: LAMBDA_LOG_LEVEL[label as keyof typeof LAMBDA_LOG_LEVEL] ?? label.toUpperCase() }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
