import type { StackGraph } from './graph.js';
import type { LayerSynth } from './synth.js';

/** Resource counts by type, sorted by type. */
export function countByType(graph: StackGraph): [type: string, count: number][] {
  const counts = new Map<string, number>();
  for (const r of graph.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The short summary of one stack: resources by type, total, stack references, outputs. */
export function renderStackTable(graph: StackGraph): string[] {
  const rows = countByType(graph);
  const width = Math.max(5, ...rows.map(([, n]) => String(n).length));
  const custom = graph.resources.filter((r) => r.custom).length;
  const lines = [`${graph.stack}`, `  ${'count'.padStart(width)}  type`];
  for (const [type, n] of rows) lines.push(`  ${String(n).padStart(width)}  ${type}`);
  lines.push(`  ${String(graph.resources.length).padStart(width)}  total (${custom} custom, ${graph.resources.length - custom} components and stack)`);
  lines.push(
    graph.references.length === 0
      ? '  stack references: none'
      : `  stack references: ${graph.references.map((ref) => `${ref.stack} (${ref.outputs.join(', ') || 'no output read'})`).join('; ')}`,
  );
  const outputs = Object.keys(graph.outputs);
  const secrets = graph.secretOutputs.length === 0 ? 'none secret' : `secret: ${graph.secretOutputs.join(', ')}`;
  lines.push(`  outputs: ${outputs.length} (${secrets})`);
  lines.push(`  redacted values: ${graph.redactedValues}`);
  return lines;
}

/** The summary of one layer: its table. */
export function renderLayer(result: LayerSynth): string[] {
  return renderStackTable(result.graph);
}
