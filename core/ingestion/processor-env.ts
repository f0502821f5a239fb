/**
 * The telemetry processor Lambda's contract with its deployment, defined once: the stack
 * (infra/ingestion/telemetry-processor.ts) sets these variables and the handler (functions/telemetry-processor)
 * reads them. Nothing here imports a runtime.
 */

/** Environment variable of each processor setting. */
export const PROCESSOR_ENV = {
  /** Setting telemetryMaxClockSkewSeconds. */
  maxClockSkewSeconds: 'SENSORLAKE_MAX_CLOCK_SKEW_SECONDS',
  /** Setting telemetryMaxLatenessHours. */
  maxLatenessHours: 'SENSORLAKE_MAX_LATENESS_HOURS',
  /** Optional comma-separated device ids; when set, other devices are `unknown-device`. */
  knownDevices: 'SENSORLAKE_KNOWN_DEVICES',
  /** Seqs the container's dedupe window remembers per device. */
  dedupePerDevice: 'SENSORLAKE_DEDUPE_PER_DEVICE',
  /** Setting logLevel (debug, info, warn, error). */
  logLevel: 'LOG_LEVEL',
} as const;

/**
 * Lambda's application log level (LoggingConfig.applicationLogLevel, and the `level` value its JSON log filtering
 * reads) of each pino level name. The stack's applicationLogLevel and the handler's log lines both use this map.
 */
export const LAMBDA_LOG_LEVEL = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
} as const;
export type LambdaLogLevel = (typeof LAMBDA_LOG_LEVEL)[keyof typeof LAMBDA_LOG_LEVEL];
