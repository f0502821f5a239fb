import { Task, type StateMachine } from '../asl/index.js';

const INTEGRATION_PREFIX = 'arn:aws:states:::';

/**
 * What a Task calls, read from its resource: `glue:startJobRun.sync`, `aws-sdk:glue:startCrawler`,
 * `sagemaker:createTrainingJob.sync`, `states:startExecution.sync:2`, `sns:publish`...
 */
export type IntegrationKind = string;

/**
 * Every Task of a machine (branches and item processors included) by state name, with the integration it calls:
 * what a local engine maps to its handlers (overrides are keyed by state name) and what tests check, derived from
 * the graph so no state name is written twice.
 */
export function taskIntegrations(machine: StateMachine): Record<string, IntegrationKind> {
  return Object.fromEntries(
    machine
      .states()
      .filter((s): s is Task => s instanceof Task)
      .map((t) => [t.stateName, String(t.resource).startsWith(INTEGRATION_PREFIX) ? String(t.resource).slice(INTEGRATION_PREFIX.length) : String(t.resource)]),
  );
}

/** The Wait states of a machine by name, with their seconds: what a virtual clock overrides. */
export function waitStates(machine: StateMachine): Record<string, number | undefined> {
  const json = machine.toJson();
  const waits: Record<string, number | undefined> = {};
  const visit = (states: Readonly<Record<string, { Type: string; Seconds?: number; Branches?: readonly { States: object }[]; ItemProcessor?: { States: object } }>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Wait') waits[name] = state.Seconds;
      for (const b of state.Branches ?? []) visit(b.States as never);
      if (state.ItemProcessor !== undefined) visit(state.ItemProcessor.States as never);
    }
  };
  visit(json.States);
  return waits;
}
