import { DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { orchestrationOutputsSchema } from '../../core/contracts.js';
import { InvalidValueError } from '../../core/errors.js';
import { PROJECT_ROOT, type Environment } from '../../core/settings.js';
import type { AslDefinition } from '../../core/asl/index.js';
import { runPulumiStackOutput } from '../../sensors/index.js';
import { environmentEngine, type QueryCliDeps } from '../query/cli.js';
import type { FleetView, PipelineView } from './contract.js';
import { EngineViews, namedQueryViews } from './engine-views.js';
import { pipelineGraph } from './graph.js';
import { visitsOfHistory } from './sfn-history.js';
import { sourceInfo, type DashboardSource } from './source.js';

/** Options of the Athena source; tests replace the clients and the state machine lookup. */
export interface AthenaSourceOptions extends QueryCliDeps {
  readonly env: Environment;
  /** AWS region; default the environment's aws:region, then the SDK's (as `npm run query -- --env`). */
  readonly region?: string;
  /** Makes the Step Functions client of a region. */
  readonly sfnClient?: (region: string | undefined) => SFNClient;
  /** The pipeline state machine's ARN; default the orchestration stack's output `pipelineStateMachineArn`. */
  readonly stateMachineArn?: () => Promise<string>;
}

/** The orchestration stack of an environment (infra/stack-name.ts spells it; local/ may not import infra/). */
function orchestrationStack(env: Environment): string {
  return `orchestration-${env}`;
}

/** The pipeline state machine's ARN from the orchestration stack's outputs (`pulumi stack output --json`). */
export async function stackPipelineArn(env: Environment, output: (stack: string) => Promise<string> = (stack) => runPulumiStackOutput(stack, { cwd: PROJECT_ROOT })): Promise<string> {
  const stack = orchestrationStack(env);
  const parsed = orchestrationOutputsSchema.pick({ pipelineStateMachineArn: true }).safeParse(JSON.parse(await output(stack)));
  if (!parsed.success) throw new InvalidValueError('pipelineStateMachineArn', undefined, 'the ARN of the pipeline state machine', `output of stack ${stack}:`);
  return parsed.data.pipelineStateMachineArn;
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/**
 * The dashboard over an environment's lake: the named queries on Athena (the query CLI's engine, so the same
 * workgroup and databases), the last pipeline execution from Step Functions. Athena sees no MQTT, so sent,
 * acknowledged and refused are null, landed and quarantined are curated counts, and alerts are not kept (SNS
 * delivers them to its subscribers).
 */
export function openAthenaSource(options: AthenaSourceOptions): DashboardSource {
  const { engine, region } = environmentEngine(options.env, options.region, options);
  const sfn = (options.sfnClient ?? ((r) => new SFNClient(r === undefined ? {} : { region: r })))(region);
  const views = new EngineViews(engine);
  const machineArn = options.stateMachineArn ?? (() => stackPipelineArn(options.env));
  const info = () => sourceInfo('athena', options.env, false);
  return {
    info,
    ...namedQueryViews(views, info),
    async fleet(): Promise<FleetView> {
      const [rooms, quality, lake] = await Promise.all([views.rooms(), views.quality(), views.landedPerHour()]);
      const quarantinedByReason: Record<string, number> = {};
      for (const r of quality.byReason) quarantinedByReason[r.reason] = (quarantinedByReason[r.reason] ?? 0) + r.refused;
      return {
        source: info(),
        queries: [...rooms.queries, ...quality.queries, ...lake.queries],
        counters: {
          sent: null,
          acknowledged: null,
          landed: rooms.rooms.reduce((sum, r) => sum + r.readings, 0),
          quarantined: Object.values(quarantinedByReason).reduce((a, b) => a + b, 0),
          refused: null,
        },
        quarantinedByReason,
        refusedByReason: {},
        rate: lake.rate.map((r) => ({ t: r.t, sent: null, landed: r.landed })),
      };
    },
    async alerts() {
      return { source: info(), queries: [], available: false, alerts: [] };
    },
    async pipeline(): Promise<PipelineView> {
      const stateMachineArn = await machineArn();
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      const definition = JSON.parse(described.definition ?? '{}') as AslDefinition;
      const latest = (await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }))).executions?.[0];
      if (latest?.executionArn === undefined) return { source: info(), queries: [], graph: pipelineGraph(definition, []), execution: null };
      const events = await history(sfn, latest.executionArn);
      const converted = visitsOfHistory(definition, events);
      const graph = pipelineGraph(definition, converted.visits);
      const running = new Set(converted.open);
      const failed = [...events].reverse().find((e) => e.executionFailedEventDetails !== undefined || e.executionTimedOutEventDetails !== undefined || e.executionAbortedEventDetails !== undefined);
      const failure = failed?.executionFailedEventDetails ?? failed?.executionTimedOutEventDetails ?? failed?.executionAbortedEventDetails;
      const start = latest.startDate ?? new Date(0);
      return {
        source: info(),
        queries: [],
        graph: { ...graph, nodes: graph.nodes.map((n) => (running.has(n.id) ? { ...n, status: 'RUNNING' as const } : n)) },
        execution: {
          name: latest.name ?? latest.executionArn,
          status: latest.status === 'PENDING_REDRIVE' || latest.status === undefined ? 'RUNNING' : latest.status,
          startTime: start.toISOString(),
          durationMs: latest.stopDate === undefined ? null : latest.stopDate.getTime() - start.getTime(),
          ...(failure?.error === undefined ? {} : { error: failure.error }),
          ...(failure?.cause === undefined ? {} : { cause: failure.cause }),
          notifications: converted.notifications,
        },
      };
    },
    close: () => engine.close(),
  };
}
