import { describe, expect, it } from 'vitest';
import { Chain, Choice, Condition, Fail, lambdaInvoke, Map, Parallel, Pass, StateMachine, Succeed, type AslDefinition } from '../../core/asl/index.js';
import { statesOf } from '../orchestration/graph.js';
import type { StateVisit } from '../orchestration/history.js';
import { runLocal, type LocalHandlers } from '../orchestration/index.js';
import type { PipelineView } from './contract.js';
import { nodeId, pipelineGraph } from './graph.js';
import { instantPipelineRun } from './lake-fixture.js';

const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:work';

type Graph = PipelineView['graph'];

/** The (from, to) pairs of consecutive visits in each lane instance: the path the execution took. */
function visitedPairs(definition: AslDefinition, visits: readonly StateVisit[]): string[] {
  const laneOf = new globalThis.Map(statesOf(definition).map((p) => [p.name, p.graph]));
  const byLane = new globalThis.Map<string, StateVisit[]>();
  for (const v of visits) byLane.set(v.lane, [...(byLane.get(v.lane) ?? []), v]);
  const pairs = new Set<string>();
  for (const lane of byLane.values()) {
    for (let i = 1; i < lane.length; i++) pairs.add(`${nodeId(laneOf.get(lane[i - 1]!.name)!, lane[i - 1]!.name)} -> ${nodeId(laneOf.get(lane[i]!.name)!, lane[i]!.name)}`);
  }
  return [...pairs].sort();
}

const takenPairs = (graph: Graph) => [...new Set(graph.edges.filter((e) => e.taken).map((e) => `${e.from} -> ${e.to}`))].sort();
const node = (graph: Graph, id: string) => {
  const n = graph.nodes.find((x) => x.id === id);
  if (n === undefined) throw new Error(`no node ${id} in ${graph.nodes.map((x) => x.id).join(', ')}`);
  return n;
};

/** Nodes must not overlap: the layout put every state in its own box. */
function overlaps(graph: Graph): string[] {
  const out: string[] = [];
  graph.nodes.forEach((a, i) => graph.nodes.slice(i + 1).forEach((b) => {
    if (Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height) out.push(`${a.id} overlaps ${b.id}`);
  }));
  return out;
}

function choiceMachine(): StateMachine {
  return new StateMachine({
    definition: Chain.start(new Pass('Init')).next(
      new Choice('Positive?').when(Condition.numeric('$.n', 'GreaterThan', 0), new Succeed('Done')).otherwise(new Fail('Negative', { error: 'Negative', cause: 'n <= 0' })),
    ),
  });
}

function catchMachine(): StateMachine {
  const work = lambdaInvoke('Work', { functionArn: FN })
    .addRetry({ errors: ['States.ALL'], maxAttempts: 2, intervalSeconds: 1 })
    .addCatch(new Pass('Handled'), { errors: ['RangeError'], resultPath: '$.error' });
  return new StateMachine({ definition: Chain.start(work).next(new Succeed('Finished')) });
}

function parallelMachine(): StateMachine {
  const both = new Parallel('Both').branch(Chain.start(new Pass('A1')).next(new Pass('A2'))).branch(new Pass('B1'));
  return new StateMachine({ definition: Chain.start(both).next(new Succeed('Joined')) });
}

function mapMachine(): StateMachine {
  const each = new Map('Each', { itemsPath: '$.items' }).itemProcessor(Chain.start(new Pass('Load')).next(new Pass('Store')));
  return new StateMachine({ definition: Chain.start(each).next(new Pass('After')) });
}

const failing: LocalHandlers = { functions: { work: () => { throw new RangeError('out of range'); } } };

describe.each([
  { name: 'a Choice taking its rule', machine: choiceMachine, input: { n: 1 }, handlers: {}, visited: { '/Init': 'SUCCEEDED', '/Positive?': 'SUCCEEDED', '/Done': 'SUCCEEDED' }, notRun: ['/Negative'], taken: ['choice: $.n > 0', 'next'] },
  { name: 'a Choice taking its Default to a Fail', machine: choiceMachine, input: { n: -1 }, handlers: {}, visited: { '/Init': 'SUCCEEDED', '/Positive?': 'SUCCEEDED', '/Negative': 'FAILED' }, notRun: ['/Done'], taken: ['default', 'next'] },
  { name: 'a retried Task caught', machine: catchMachine, input: {}, handlers: failing, visited: { '/Work': 'CAUGHT', '/Handled': 'SUCCEEDED' }, notRun: ['/Finished'], taken: ['catch: RangeError'], attempts: { '/Work': 3 } },
  { name: 'a Parallel', machine: parallelMachine, input: {}, handlers: {}, visited: { '/Both': 'SUCCEEDED', 'Both#0/A1': 'SUCCEEDED', 'Both#0/A2': 'SUCCEEDED', 'Both#1/B1': 'SUCCEEDED', '/Joined': 'SUCCEEDED' }, notRun: [], taken: ['next', 'next'] },
  { name: 'a Map over 3 items', machine: mapMachine, input: { items: [1, 2, 3] }, handlers: {}, visited: { '/Each': 'SUCCEEDED', 'Each[]/Load': 'SUCCEEDED', 'Each[]/Store': 'SUCCEEDED', '/After': 'SUCCEEDED' }, notRun: [], taken: ['next', 'next'], attempts: { '/Each': 1, 'Each[]/Load': 3, 'Each[]/Store': 3 } },
] as { name: string; machine: () => StateMachine; input: unknown; handlers: LocalHandlers; visited: Record<string, string>; notRun: string[]; taken: string[]; attempts?: Record<string, number> }[])('GIVEN $name run locally', ({ machine, input, handlers, visited, notRun, taken, attempts }) => {
  const setup = async () => {
    const m = machine();
    const run = await runLocal(m, input, handlers);
    return { definition: m.toJson(), run, graph: pipelineGraph(m.toJson(), run.states) };
  };

  it('WHEN drawn THEN every state is one node with its lane id, none overlapping', async () => {
    const { definition, graph } = await setup();
    expect(graph.nodes.map((n) => n.id).sort()).toStrictEqual(statesOf(definition).map((p) => nodeId(p.graph, p.name)).sort());
    expect(overlaps(graph)).toStrictEqual([]);
    for (const n of graph.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(graph.height);
    }
  });

  it('WHEN drawn THEN the visited states carry their status, the others NOT_RUN with no duration', async () => {
    const { graph } = await setup();
    for (const [id, status] of Object.entries(visited)) expect(node(graph, id).status, id).toBe(status);
    for (const id of notRun) expect(node(graph, id)).toMatchObject({ status: 'NOT_RUN', durationMs: null, attempts: 0 });
    for (const [id, n] of Object.entries(attempts ?? {})) expect(node(graph, id).attempts, id).toBe(n);
    expect(graph.nodes.filter((n) => n.status !== 'NOT_RUN').map((n) => n.id).sort()).toStrictEqual(Object.keys(visited).sort());
  });

  it('WHEN drawn THEN the taken edges are exactly the visited sequence, with their labels', async () => {
    const { definition, run, graph } = await setup();
    expect(takenPairs(graph)).toStrictEqual(visitedPairs(definition, run.states));
    expect(graph.edges.filter((e) => e.taken).map((e) => e.label).sort()).toStrictEqual(taken);
    for (const e of graph.edges) expect(e.points.length, `${e.from} -> ${e.to}`).toBeGreaterThanOrEqual(2);
  });
});

describe('node statistics over several visits', () => {
  const definition = mapMachine().toJson();
  const visit = (name: string, lane: string, start: number, end: number, status: StateVisit['status'], attempts = 1, error?: string): StateVisit =>
    ({ name, kind: 'Pass', lane, start, end, status, attempts, ...(error === undefined ? {} : { error, cause: `${error} cause` }) });

  it.each([
    { name: 'one visit', visits: [visit('Load', 'Each[0]', 0, 5, 'SUCCEEDED')], want: { status: 'SUCCEEDED', durationMs: 5, attempts: 1 } },
    { name: 'three iterations: durations and attempts summed', visits: [visit('Load', 'Each[0]', 0, 5, 'SUCCEEDED'), visit('Load', 'Each[1]', 0, 7, 'SUCCEEDED', 3), visit('Load', 'Each[2]', 5, 6, 'SUCCEEDED')], want: { status: 'SUCCEEDED', durationMs: 13, attempts: 5 } },
    { name: 'the last visit failed: its status and error', visits: [visit('Load', 'Each[0]', 0, 5, 'SUCCEEDED'), visit('Load', 'Each[1]', 5, 9, 'FAILED', 2, 'Boom')], want: { status: 'FAILED', durationMs: 9, attempts: 3, error: 'Boom', cause: 'Boom cause' } },
    { name: 'an early error, then a success: last status, the error kept', visits: [visit('Load', 'Each[0]', 0, 1, 'CAUGHT', 1, 'Boom'), visit('Load', 'Each[1]', 1, 2, 'SUCCEEDED')], want: { status: 'SUCCEEDED', durationMs: 2, attempts: 2, error: 'Boom' } },
  ])('GIVEN $name WHEN drawn THEN the node says so', ({ visits, want }) => {
    expect(node(pipelineGraph(definition, visits), 'Each[]/Load')).toMatchObject(want);
  });

  it('GIVEN two visits in different iterations WHEN drawn THEN no edge is taken across them', () => {
    const graph = pipelineGraph(definition, [visit('Load', 'Each[0]', 0, 1, 'SUCCEEDED'), visit('Store', 'Each[1]', 1, 2, 'SUCCEEDED')]);
    expect(graph.edges.filter((e) => e.taken)).toStrictEqual([]);
  });

  it('GIVEN a visit of a state the definition lacks WHEN drawn THEN it fails naming the state', () => {
    expect(() => pipelineGraph(definition, [visit('Nowhere', '', 0, 1, 'SUCCEEDED')])).toThrow(/"Nowhere"/);
  });
});

describe('the real pipeline with instant handlers', () => {
  it.each([
    { name: 'every service answering', failJob: undefined, status: 'SUCCEEDED' },
    { name: 'the curate job failing', failJob: 'curate', status: 'FAILED' },
  ])('GIVEN $name WHEN drawn THEN every state is a node and the taken path is exactly the visited sequence', async ({ failJob, status }) => {
    const { definition, run } = await instantPipelineRun(['r1', 'r2'], failJob);
    expect(run.status).toBe(status);
    const graph = pipelineGraph(definition, run.states);
    expect(graph.nodes.map((n) => n.id).sort()).toStrictEqual(statesOf(definition).map((p) => nodeId(p.graph, p.name)).sort());
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
    expect(takenPairs(graph)).toStrictEqual(visitedPairs(definition, run.states));
    expect(takenPairs(graph).length).toBeGreaterThan(3);
    expect(graph.nodes.filter((n) => n.status !== 'NOT_RUN').map((n) => n.state).sort()).toStrictEqual([...new Set(run.states.map((v) => v.name))].sort());
    expect(overlaps(graph)).toStrictEqual([]);
    if (failJob !== undefined) {
      expect(graph.edges.some((e) => e.taken && e.label.startsWith('catch: '))).toBe(true);
      expect(graph.nodes.some((n) => n.status === 'CAUGHT' && n.error !== undefined)).toBe(true);
    }
  });
});
