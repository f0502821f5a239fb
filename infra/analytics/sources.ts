import { PROJECT, type Environment } from '../../core/settings.js';

/**
 * What the analytics stack deploys that other parts of the project define: the named queries (core/analytics/
 * queries/), the Athena workgroup's name (core/analytics/names.ts), the alert handler (functions/anomaly-alerts/)
 * and the names of its environment variables (core/analytics/alerts-env.ts). The stack takes each through these
 * small types; this file is the one place that binds them, so wiring the real definitions changes only this file.
 */

/** One named query as Athena stores it. */
export interface NamedQuerySource {
  /** Name, unique among the queries (Athena: 1 to 128 characters). */
  readonly name: string;
  /** One line (Athena: up to 1024 characters). */
  readonly description: string;
  /** The query text in the common subset of Athena (Trino) and DuckDB SQL (Athena: up to 262144 bytes). */
  readonly sql: string;
}

/** The names of the alert function's environment variables, written once for the stack and the handler. */
export interface AlertEnvNames {
  /** ARN of the SNS topic alerts are published to. */
  readonly topicArn: string;
  /** Name of the RCF endpoint; empty when none is deployed (the handler then scores with its own rule). */
  readonly endpointName: string;
  /** Application log level. */
  readonly logLevel: string;
}

/** What the analytics stack takes from the rest of the project. */
export interface AnalyticsSources {
  readonly namedQueries: readonly NamedQuerySource[];
  /** Physical name of the Athena workgroup of an environment, shared with the query CLI. */
  readonly workgroupName: (env: Environment) => string;
  /** Handler source of the alert function, relative to the repository root (exports `handler`). */
  readonly alertHandlerEntry: string;
  readonly alertEnv: AlertEnvNames;
}

/** Where the alert handler lives once it lands (functions/anomaly-alerts exports `handler`). */
export const ALERT_HANDLER_ENTRY = 'functions/anomaly-alerts/index.ts';

/** A stand-in handler that exports `handler` and reports no failure; only until ALERT_HANDLER_ENTRY exists. */
export const STAND_IN_ALERT_HANDLER = 'infra/analytics/testdata/anomaly-alerts.ts';

/**
 * The sources until the named queries, the names module and the alert handler land: no named query yet, the
 * workgroup `<project>-<env>`, the stand-in handler, and these variable names. Replace each by its real import
 * (the handler by ALERT_HANDLER_ENTRY) when merging; a test fails once the real handler exists and this still
 * points at the stand-in.
 */
export const ANALYTICS_SOURCES: AnalyticsSources = {
  namedQueries: [],
  workgroupName: (env) => `${PROJECT}-${env}`,
  alertHandlerEntry: STAND_IN_ALERT_HANDLER,
  alertEnv: { topicArn: 'ALERT_TOPIC_ARN', endpointName: 'RCF_ENDPOINT_NAME', logLevel: 'LOG_LEVEL' },
};
