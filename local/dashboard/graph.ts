import { graphlib, layout } from '@dagrejs/dagre';
import { describeCondition, type AslDefinition, type GraphJson, type StateJson } from '../../core/asl/index.js';
import { statesOf } from '../orchestration/graph.js';
import type { StateVisit } from '../orchestration/history.js';
import { shortLabel, type GraphEdge, type GraphNode, type PipelineView } from './contract.js';

/** Node sizes of the layout, in SVG user units: wide enough for a state name in the page's 12 px font. */
const NODE_HEIGHT = 36;
const MIN_NODE_WIDTH = 110;
const CHAR_WIDTH = 7;
const LABEL_CHAR_WIDTH = 6;
const LABEL_HEIGHT = 14;

/** The id of a state's node: `<lane>/<state>`, the lane `''` for the machine, `<Parallel>#<i>` or `<Map>[]`. */
export function nodeId(lane: string, state: string): string {
  return `${lane}/${state}`;
}

interface Transition {
  readonly to: string;
  readonly label: string;
  /** The errors of a catcher; undefined for the other transitions. */
  readonly errors?: readonly string[];
}

/** The transitions out of a state, in the order the definition gives them. */
function transitions(state: StateJson): Transition[] {
  return [
    ...(state.Next === undefined ? [] : [{ to: state.Next, label: 'next' }]),
    ...(state.Choices ?? []).map((rule) => ({ to: rule.Next, label: `choice: ${describeCondition(rule)}` })),
    ...(state.Default === undefined ? [] : [{ to: state.Default, label: 'default' }]),
    ...(state.Catch ?? []).map((c) => ({ to: c.Next, label: `catch: ${c.ErrorEquals.join(', ')}`, errors: c.ErrorEquals })),
  ];
}

/** The lanes a Parallel or Map state holds, with their graphs. */
function lanesOf(name: string, state: StateJson): { lane: string; graph: GraphJson }[] {
  return [
    ...(state.Branches ?? []).map((graph, i) => ({ lane: `${name}#${i}`, graph })),
    ...(state.ItemProcessor === undefined ? [] : [{ lane: `${name}[]`, graph: state.ItemProcessor }]),
  ];
}

/** The states of a graph that end it (End, Succeed, Fail): where its lane hands back to the enclosing state. */
function exitsOf(graph: GraphJson): string[] {
  return Object.entries(graph.States)
    .filter(([, s]) => s.End === true || s.Type === 'Succeed' || s.Type === 'Fail')
    .map(([name]) => name);
}

interface NodeStats {
  status: GraphNode['status'];
  durationMs: number;
  attempts: number;
  error?: string;
  cause?: string;
}

/** The statistics of each state over its visits: last status, summed duration and attempts, the last error. */
function statsOf(visits: readonly StateVisit[]): Map<string, NodeStats> {
  const stats = new Map<string, NodeStats>();
  for (const v of visits) {
    const s = stats.get(v.name) ?? { status: 'NOT_RUN', durationMs: 0, attempts: 0 };
    s.status = v.status;
    s.durationMs += v.end - v.start;
    s.attempts += v.attempts;
    if (v.error !== undefined) {
      s.error = v.error;
      s.cause = v.cause;
    }
    stats.set(v.name, s);
  }
  return stats;
}

/** Whether a catcher's errors take this error (`States.ALL` takes every error). */
function catches(errors: readonly string[], error: string | undefined): boolean {
  return errors.includes('States.ALL') || (error !== undefined && errors.includes(error));
}

/**
 * The pipeline graph of the dashboard: every state of the definition (Parallel branches and Map item processors as
 * grouped lanes) laid out top to bottom with dagre, an edge per Next, Choice rule, Default and catcher, and what an
 * execution's visits did there. A state's status is its last visit's, its duration and attempts the sums over its
 * visits (NOT_RUN when never visited). An edge is taken when the execution went from its source to its target in
 * the same lane instance (the machine, one branch, one Map iteration): of several edges between the same two states,
 * a CAUGHT source took its first catcher matching the error, any other source its first non-catch edge.
 */
export function pipelineGraph(definition: AslDefinition, visits: readonly StateVisit[]): PipelineView['graph'] {
  const places = statesOf(definition);
  const placeOf = new Map(places.map((p) => [p.name, p]));
  const unknown = visits.find((v) => !placeOf.has(v.name));
  if (unknown !== undefined) throw new Error(`pipelineGraph: visit of state ${JSON.stringify(unknown.name)} that the definition does not have`);

  const g = new graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const cluster = (lane: string) => `lane:${lane}`;

  for (const p of places) {
    const id = nodeId(p.graph, p.name);
    g.setNode(id, { width: Math.max(MIN_NODE_WIDTH, p.name.length * CHAR_WIDTH + 24), height: NODE_HEIGHT });
    if (p.graph !== '') g.setParent(id, cluster(p.graph));
    for (const sub of lanesOf(p.name, p.state)) {
      g.setNode(cluster(sub.lane), { label: sub.lane, paddingTop: 8 });
      if (p.graph !== '') g.setParent(cluster(sub.lane), cluster(p.graph));
    }
  }

  const edges: { from: string; to: string; label: string; errors?: readonly string[]; key: string }[] = [];
  for (const p of places) {
    const from = nodeId(p.graph, p.name);
    transitions(p.state).forEach((t, i) => {
      const key = `t${i}`;
      const to = nodeId(p.graph, t.to);
      edges.push({ from, to, label: t.label, ...(t.errors === undefined ? {} : { errors: t.errors }), key });
      g.setEdge(from, to, { width: t.label === 'next' ? 0 : shortLabel(t.label).length * LABEL_CHAR_WIDTH, height: LABEL_HEIGHT, labelpos: 'c' }, key);
    });
    // Layout only: a lane hangs below its state, and what follows the state comes below the lane.
    for (const sub of lanesOf(p.name, p.state)) {
      g.setEdge(from, nodeId(sub.lane, sub.graph.StartAt), { minlen: 1 }, `lane:${sub.lane}`);
      if (p.state.Next === undefined) continue;
      for (const exit of exitsOf(sub.graph)) g.setEdge(nodeId(sub.lane, exit), nodeId(p.graph, p.state.Next), { minlen: 1 }, `lane:${sub.lane}`);
    }
  }
  layout(g);

  const stats = statsOf(visits);
  const taken = new Set<string>();
  const byLane = new Map<string, StateVisit[]>();
  for (const v of visits) byLane.set(v.lane, [...(byLane.get(v.lane) ?? []), v]);
  for (const laneVisits of byLane.values()) {
    for (let i = 1; i < laneVisits.length; i++) {
      const a = laneVisits[i - 1]!;
      const b = laneVisits[i]!;
      const from = nodeId(placeOf.get(a.name)!.graph, a.name);
      const to = nodeId(placeOf.get(b.name)!.graph, b.name);
      const between = edges.filter((e) => e.from === from && e.to === to);
      const edge = a.status === 'CAUGHT' ? between.find((e) => e.errors !== undefined && catches(e.errors, a.error)) : between.find((e) => e.errors === undefined);
      if (edge !== undefined) taken.add(`${edge.from}|${edge.key}`);
    }
  }

  const nodes: GraphNode[] = places.map((p) => {
    const id = nodeId(p.graph, p.name);
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    const s = stats.get(p.name);
    return {
      id,
      state: p.name,
      kind: p.state.Type,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
      status: s?.status ?? 'NOT_RUN',
      durationMs: s === undefined ? null : s.durationMs,
      attempts: s?.attempts ?? 0,
      ...(s?.error === undefined ? {} : { error: s.error, ...(s.cause === undefined ? {} : { cause: s.cause }) }),
    };
  });
  const graphEdges: GraphEdge[] = edges.map((e) => ({
    from: e.from,
    to: e.to,
    label: e.label,
    taken: taken.has(`${e.from}|${e.key}`),
    points: ((g.edge({ v: e.from, w: e.to, name: e.key }) as { points?: { x: number; y: number }[] }).points ?? []).map(({ x, y }) => ({ x, y })),
  }));
  const size = g.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges: graphEdges };
}
