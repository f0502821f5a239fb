import { ALERTS_ENV } from '../../core/analytics/alerts-env.js';
import { athenaDatabaseNaming, athenaWorkgroupName } from '../../core/analytics/names.js';
import { NAMED_QUERIES, renderNamedQuery } from '../../core/analytics/queries/index.js';
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

/** The names of the alert function's environment variables (core/analytics/alerts-env.ts, read by the handler). */
export type AlertEnvNames = Pick<typeof ALERTS_ENV, 'topicArn' | 'endpointName' | 'recordsBucket' | 'shingleSize' | 'logLevel'>;

/** What the analytics stack takes from the rest of the project. */
export interface AnalyticsSources {
  /** The named queries of an environment (their SQL names the environment's Glue databases). */
  readonly namedQueries: (env: Environment) => readonly NamedQuerySource[];
  /** Physical name of the Athena workgroup of an environment, shared with the query CLI. */
  readonly workgroupName: (env: Environment) => string;
  /** Handler source of the alert function, relative to the repository root (exports `handler`). */
  readonly alertHandlerEntry: string;
  readonly alertEnv: AlertEnvNames;
}

/** The alert handler (functions/anomaly-alerts exports `handler`). */
export const ALERT_HANDLER_ENTRY = 'functions/anomaly-alerts/index.ts';

/**
 * A named query as Athena stores it: the registry's SQL for the environment's databases, its parameters left as
 * `?` (the console asks for them in the order the description lists).
 */
export function athenaNamedQueries(env: Environment): NamedQuerySource[] {
  return NAMED_QUERIES.map((query) => {
    const rendered = renderNamedQuery(query, athenaDatabaseNaming(PROJECT, env));
    const order = rendered.parameterOrder.length === 0 ? '' : ` Parameters, in order (NULL for none): ${rendered.parameterOrder.join(', ')}.`;
    return { name: query.name, description: `${query.description}.${order}`, sql: rendered.sql };
  });
}

/** The project's sources: the registry's named queries, the shared workgroup name, the real handler and its variables. */
export const ANALYTICS_SOURCES: AnalyticsSources = {
  namedQueries: athenaNamedQueries,
  workgroupName: (env) => athenaWorkgroupName(PROJECT, env),
  alertHandlerEntry: ALERT_HANDLER_ENTRY,
  alertEnv: ALERTS_ENV,
};
