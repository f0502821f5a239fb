import type { AslDefinition, GraphJson, StateJson } from '../asl/index.js';
import { placeholderResources } from './placeholders.js';
import type { PipelineOptions, PipelineResources } from './resources.js';
import { SEED_RCF_HYPERPARAMETERS } from './resources.js';

/** Options of the test renderings: small numbers, so the fixtures read easily. */
export const TEST_OPTIONS: PipelineOptions = {
  roomConcurrency: 4,
  crawlPollSeconds: 30,
  crawlMaxPolls: 60,
  glueJobTimeoutMinutes: 60,
  training: { instanceType: 'ml.m4.xlarge', instanceCount: 1, maxRuntimeSeconds: 3600 },
  transform: { instanceType: 'ml.c5.xlarge', maxRuntimeSeconds: 3600 },
  hyperparameters: SEED_RCF_HYPERPARAMETERS,
};

/** The resources of the test renderings: the placeholders of account 123456789012 in eu-west-1. */
export function testResources(withEndpoint = true): PipelineResources {
  return placeholderResources({ partition: 'aws', region: 'eu-west-1', accountId: '123456789012' }, withEndpoint);
}

/** Every graph of a definition (the machine's body, Parallel branches, Map item processors), with where it is. */
export function graphsOf(definition: AslDefinition): { readonly where: string; readonly graph: GraphJson }[] {
  const out: { where: string; graph: GraphJson }[] = [];
  const visit = (where: string, graph: GraphJson) => {
    out.push({ where, graph });
    for (const [name, state] of Object.entries(graph.States)) {
      (state.Branches ?? []).forEach((b, i) => visit(`${name} branch ${i + 1}`, b));
      if (state.ItemProcessor !== undefined) visit(`${name} items`, state.ItemProcessor);
    }
  };
  visit('machine', definition);
  return out;
}

/** The states reachable from `from` in one graph, following Next, Choices, Default and Catch. */
export function reachableFrom(graph: GraphJson, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state: StateJson | undefined = graph.States[name];
    const targets = [state?.Next, state?.Default, ...(state?.Choices ?? []).map((c) => c.Next), ...(state?.Catch ?? []).map((c) => c.Next)];
    for (const t of targets) {
      if (t === undefined || seen.has(t)) continue;
      seen.add(t);
      queue.push(t);
    }
  }
  return seen;
}
