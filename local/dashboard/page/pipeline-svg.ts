import { shortLabel, type GraphNode, type PipelineView } from '../contract.js';
import { formatMs, svg } from './dom.js';

const LANE_PADDING = 10;

/** The lane of a node id `<lane>/<state>` (state names may hold `/`: the lane ends at the first one). */
export function laneOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** What a node's tooltip says: kind, status, duration, attempts, error and cause. */
export function nodeTitle(n: GraphNode): string {
  return [
    `${n.state} (${n.kind})`,
    `status: ${n.status}`,
    n.durationMs === null ? 'not run' : `duration: ${formatMs(n.durationMs)}`,
    `attempts: ${n.attempts}`,
    ...(n.error === undefined ? [] : [`error: ${n.error}`]),
    ...(n.cause === undefined ? [] : [`cause: ${n.cause}`]),
  ].join('\n');
}

/** The bounding box of each lane's nodes (the machine's own lane excluded), padded. */
function laneBoxes(nodes: readonly GraphNode[]): { lane: string; x: number; y: number; width: number; height: number }[] {
  const boxes = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  for (const n of nodes) {
    const lane = laneOf(n.id);
    if (lane === '') continue;
    const b = boxes.get(lane) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    b.x0 = Math.min(b.x0, n.x - n.width / 2);
    b.y0 = Math.min(b.y0, n.y - n.height / 2);
    b.x1 = Math.max(b.x1, n.x + n.width / 2);
    b.y1 = Math.max(b.y1, n.y + n.height / 2);
    boxes.set(lane, b);
  }
  return [...boxes].map(([lane, b]) => ({ lane, x: b.x0 - LANE_PADDING, y: b.y0 - LANE_PADDING - 8, width: b.x1 - b.x0 + 2 * LANE_PADDING, height: b.y1 - b.y0 + 2 * LANE_PADDING + 8 }));
}

/**
 * The laid-out pipeline graph as SVG: lanes as dashed boxes, edges as polylines (taken ones highlighted, catchers
 * dashed) with their labels, nodes colored by status with a title giving duration, attempts and error.
 */
export function pipelineSvg(graph: PipelineView['graph']): SVGSVGElement {
  const root = svg('svg', {
    testid: 'pipeline-graph',
    className: 'pipeline-graph',
    viewBox: `0 0 ${graph.width} ${graph.height}`,
    width: graph.width,
    height: graph.height,
    role: 'img',
    'aria-label': 'pipeline state machine',
  });
  const marker = (id: string, taken: boolean) =>
    svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', className: taken ? 'arrow taken' : 'arrow' }));
  root.append(svg('defs', {}, marker('arrow', false), marker('arrow-taken', true)));

  for (const box of laneBoxes(graph.nodes)) {
    root.append(svg('g', { testid: `pipeline-lane-${box.lane}` },
      svg('rect', { className: 'lane', x: box.x, y: box.y, width: box.width, height: box.height, rx: 6 }),
      svg('text', { className: 'lane-label', x: box.x + 4, y: box.y + 10 }, box.lane)));
  }
  // Taken edges last, so they are drawn over the others.
  for (const e of [...graph.edges].sort((a, b) => Number(a.taken) - Number(b.taken))) {
    if (e.points.length < 2) continue;
    const classes = ['edge', e.taken ? 'taken' : '', e.label.startsWith('catch: ') ? 'catch' : ''].filter(Boolean).join(' ');
    const mid = e.points[Math.floor(e.points.length / 2)]!;
    root.append(svg('g', { testid: 'pipeline-edge', 'data-from': e.from, 'data-to': e.to, 'data-taken': String(e.taken) },
      svg('polyline', { className: classes, points: e.points.map((p) => `${p.x},${p.y}`).join(' '), 'marker-end': `url(#${e.taken ? 'arrow-taken' : 'arrow'})` }),
      e.label === 'next' ? null : svg('text', { className: e.taken ? 'edge-label taken' : 'edge-label', x: mid.x, y: mid.y - 3 }, shortLabel(e.label)),
      svg('title', {}, `${e.from} → ${e.to}: ${e.label}${e.taken ? ' (taken)' : ''}`)));
  }
  for (const n of graph.nodes) {
    root.append(svg('g', { testid: `pipeline-node-${n.id}`, className: `node ${n.status}`, 'data-status': n.status, 'data-state': n.state },
      svg('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }),
      svg('text', { x: n.x, y: n.y }, n.state),
      svg('title', {}, nodeTitle(n))));
  }
  return root;
}
