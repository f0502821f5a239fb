import type { AslDefinition } from '../../core/asl/index.js';
import { statesOf } from '../orchestration/graph.js';
import type { StateVisit } from '../orchestration/index.js';
import type { GraphNode, PipelineView } from './contract.js';

/**
 * PLACEHOLDER until the page's graph layout lands (the dash-page branch replaces this file): the pipeline's states
 * as nodes with what the execution did there, without layout (every position 0) and without edges.
 */
export function pipelineGraph(definition: AslDefinition, visits: readonly StateVisit[]): PipelineView['graph'] {
  const nodes: GraphNode[] = statesOf(definition).map((place) => {
    const id = `${place.graph}/${place.name}`;
    const mine = visits.filter((v) => v.name === place.name && v.lane.replace(/\[\d+\]$/, '[]') === place.graph);
    const last = mine.at(-1);
    return {
      id,
      state: place.name,
      kind: place.state.Type,
      x: 0,
      y: 0,
      width: 0,
      height: 0,
      status: last?.status ?? 'NOT_RUN',
      durationMs: last === undefined ? null : last.end - last.start,
      attempts: mine.reduce((sum, v) => sum + v.attempts, 0),
      ...(last?.error === undefined ? {} : { error: last.error }),
      ...(last?.cause === undefined ? {} : { cause: last.cause }),
    };
  });
  return { width: 0, height: 0, nodes, edges: [] };
}
