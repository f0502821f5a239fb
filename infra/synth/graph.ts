import { PROJECT, type Environment } from '../../core/settings.js';
import { SensorlakeError } from '../../core/errors.js';
import { parseStackName, type Layer } from '../stack-name.js';
import type { CapturedResource, MockRun } from '../testing/index.js';
import { REDACTED, redactValue, type RedactionCount } from './redact.js';
import type { StackReferenceReads } from './references.js';

/** Type token of the engine's root resource, parent of every top-level resource. */
export const STACK_TYPE = 'pulumi:pulumi:Stack';
/** Type token of a stack reference. */
export const STACK_REFERENCE_TYPE = 'pulumi:pulumi:StackReference';

/** One resource of the graph. URNs are the engine's (the full parent type chain), as `pulumi preview` shows. */
export interface GraphResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** URN of the parent; undefined only for the root stack resource. */
  readonly parent: string | undefined;
  /** False for component resources (and the root stack). */
  readonly custom: boolean;
  /** Resources this one waits for that no input refers to: the explicit `dependsOn`, sorted. */
  readonly dependsOn: readonly string[];
  /** For each input that refers to other resources, their URNs, sorted. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Inputs with secrets redacted, keys sorted. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** A stack reference and what the program reads through it. */
export interface GraphStackReference {
  readonly urn: string;
  /** Logical name of the StackReference resource. */
  readonly name: string;
  /** Fully qualified name of the referenced stack (`<org>/<project>/<stack>`). */
  readonly stack: string;
  /** Names of the outputs read, sorted. */
  readonly outputs: readonly string[];
}

/** The resource graph of one stack under mocks. */
export interface StackGraph {
  readonly stack: string;
  readonly layer: Layer;
  readonly env: Environment;
  /** Every resource, the root stack included, sorted by URN. */
  readonly resources: readonly GraphResource[];
  /** Stack references, sorted by name. */
  readonly references: readonly GraphStackReference[];
  /** Stack outputs, secret ones redacted, keys sorted. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the secret outputs, sorted. */
  readonly secretOutputs: readonly string[];
  /** How many input and output values were replaced by REDACTED. */
  readonly redactedValues: number;
}

/** The captured resources do not form a graph (a parent or dependency that was never registered). */
export class GraphError extends SensorlakeError {
  override name = 'GraphError';
}

/** The engine's URN of the root stack resource (`<project>-<stack>`). */
export function stackUrn(stack: string, project = PROJECT): string {
  return `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`;
}

/**
 * The engine's URN of a resource: its type qualified by the parent's whole type chain (the root stack's type
 * excluded), as `pulumi.createUrn` builds it. The mock monitor qualifies by the parent's last type only.
 */
export function engineUrn(stack: string, type: string, name: string, parentUrn: string | undefined, project = PROJECT): string {
  const base = `urn:pulumi:${stack}::${project}::`;
  const parentType = parentUrn?.split('::')[2];
  const qualified = parentType === undefined || parentType === STACK_TYPE ? type : `${parentType}$${type}`;
  return `${base}${qualified}::${name}`;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Maps the harness's URNs (the mock monitor's form) to the engine's, parents first. */
function engineUrns(run: MockRun, root: string): Map<string, string> {
  const byUrn = new Map<string, CapturedResource>();
  for (const r of run.resources) {
    if (byUrn.has(r.urn)) throw new GraphError(`two resources have the URN ${r.urn}`);
    byUrn.set(r.urn, r);
  }
  const mapped = new Map<string, string>();
  const resolve = (r: CapturedResource, seen: Set<string>): string => {
    const known = mapped.get(r.urn);
    if (known !== undefined) return known;
    if (seen.has(r.urn)) throw new GraphError(`resource ${r.urn} is its own ancestor`);
    seen.add(r.urn);
    let parentUrn = root;
    if (r.parent !== undefined) {
      const parent = byUrn.get(r.parent);
      if (parent === undefined) throw new GraphError(`resource ${r.urn} has parent ${r.parent}, which was never registered`);
      parentUrn = resolve(parent, seen);
    }
    const urn = engineUrn(run.stack, r.type, r.name, parentUrn);
    mapped.set(r.urn, urn);
    return urn;
  };
  for (const r of run.resources) resolve(r, new Set());
  return mapped;
}

/**
 * Builds the graph of a mocked run: the root stack resource (the mocked run registers none; in a deployment
 * every top-level resource is its child), each captured resource with engine URNs, its explicit and property
 * dependencies and its redacted inputs, the stack references with the outputs read through them (`reads`), and
 * the redacted stack outputs. Everything is sorted, so two runs of the same program give the same graph.
 */
export async function buildStackGraph(run: MockRun, reads: StackReferenceReads = new Map()): Promise<StackGraph> {
  const { layer, env } = parseStackName(run.stack);
  const root = stackUrn(run.stack);
  const urns = engineUrns(run, root);
  const toEngine = (urn: string, of: string): string => {
    const mapped = urns.get(urn);
    if (mapped === undefined) throw new GraphError(`resource ${of} depends on ${urn}, which was never registered`);
    return mapped;
  };
  const count: RedactionCount = { redacted: 0 };

  const resources: GraphResource[] = [
    { urn: root, type: STACK_TYPE, name: `${PROJECT}-${run.stack}`, parent: undefined, custom: false, dependsOn: [], propertyDependencies: {}, inputs: {} },
  ];
  const references: GraphStackReference[] = [];
  for (const r of run.resources) {
    const urn = toEngine(r.urn, r.urn);
    const propertyDependencies: Record<string, string[]> = {};
    const viaProperty = new Set<string>();
    for (const key of Object.keys(r.propertyDependencies).sort()) {
      const deps = sorted((r.propertyDependencies[key] ?? []).map((d) => toEngine(d, urn)));
      if (deps.length === 0) continue;
      propertyDependencies[key] = deps;
      for (const d of deps) viaProperty.add(d);
    }
    const dependsOn = sorted(r.dependencies.map((d) => toEngine(d, urn))).filter((d) => !viaProperty.has(d));
    const inputs = (await redactValue(r.wireInputs, `${urn} inputs`, count)) as Record<string, unknown>;
    resources.push({
      urn,
      type: r.type,
      name: r.name,
      parent: r.parent === undefined ? root : toEngine(r.parent, urn),
      custom: r.custom,
      dependsOn,
      propertyDependencies,
      inputs,
    });
    if (r.type === STACK_REFERENCE_TYPE) {
      references.push({ urn, name: r.name, stack: String(r.inputs.name), outputs: sorted(reads.get(r.name) ?? []) });
    }
  }
  for (const name of reads.keys()) {
    if (!references.some((ref) => ref.name === name)) throw new GraphError(`outputs were read from stack reference ${name}, which was never registered`);
  }

  const secretOutputs = sorted(run.secretOutputs);
  const visible = Object.fromEntries(Object.entries(run.outputs).filter(([key]) => !secretOutputs.includes(key)));
  const redacted = (await redactValue(visible, 'outputs', count)) as Record<string, unknown>;
  for (const key of secretOutputs) redacted[key] = REDACTED;
  count.redacted += secretOutputs.length;
  const outputs = Object.fromEntries(Object.keys(redacted).sort().map((key) => [key, redacted[key]]));

  return {
    stack: run.stack,
    layer,
    env,
    resources: resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
    references: references.sort((a, b) => (a.name < b.name ? -1 : 1)),
    outputs,
    secretOutputs,
    redactedValues: count.redacted,
  };
}
