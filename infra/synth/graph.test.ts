import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { INGESTION_OUTPUT_KEYS } from '../../core/contracts.js';
import { ingestionOutputs } from '../stack-refs.js';
import { MOCK_ORGANIZATION, type CapturedResource, type MockRun } from '../testing/index.js';
import { GraphError, buildStackGraph, engineUrn, stackUrn, type StackGraph } from './graph.js';
import { REDACTED } from './redact.js';
import { renderStackTable } from './table.js';
import { synthInProcess } from './worker.js';

const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nZmFrZQ==\n-----END PRIVATE KEY-----\n';

class Box extends pulumi.ComponentResource {
  constructor(name: string, build: (self: Box) => void, opts?: pulumi.ComponentResourceOptions) {
    super('test:index:Box', name, {}, opts);
    build(this);
    this.registerOutputs({});
  }
}

function byName(graph: StackGraph, name: string) {
  const found = graph.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name} in ${graph.resources.map((r) => r.name).join(', ')}`);
  return found;
}

describe.each([
  ['a top-level resource', 'aws:s3/bucket:Bucket', 'b', undefined, 'urn:pulumi:s::sensorlake::aws:s3/bucket:Bucket::b'],
  ['a child of the root stack', 'aws:s3/bucket:Bucket', 'b', stackUrn('s'), 'urn:pulumi:s::sensorlake::aws:s3/bucket:Bucket::b'],
  ['a child of a component', 'aws:s3/bucket:Bucket', 'b', 'urn:pulumi:s::sensorlake::x:y:A::a', 'urn:pulumi:s::sensorlake::x:y:A$aws:s3/bucket:Bucket::b'],
  ['a grandchild', 'aws:s3/bucket:Bucket', 'b', 'urn:pulumi:s::sensorlake::x:y:A$x:y:B::ab', 'urn:pulumi:s::sensorlake::x:y:A$x:y:B$aws:s3/bucket:Bucket::b'],
])('engineUrn of %s', (_title, type, name, parent, expected) => {
  it('THEN the type is qualified by the whole parent chain, the stack type excluded', () => {
    expect(engineUrn('s', type, name, parent)).toBe(expected);
  });
});

describe('buildStackGraph over fixture programs', () => {
  it('GIVEN components nested three deep THEN URNs carry the whole chain and every parent is in the graph', async () => {
    const graph = await synthInProcess('lake-dev', {
      program: () => {
        new Box('outer', (outer) => {
          new Box('middle', (middle) => {
            new Box('inner', (inner) => {
              new aws.s3.Bucket('deep', {}, { parent: inner });
            }, { parent: middle });
          }, { parent: outer });
        });
        return {};
      },
    });
    expect(byName(graph, 'deep').urn).toBe(
      'urn:pulumi:lake-dev::sensorlake::test:index:Box$test:index:Box$test:index:Box$aws:s3/bucket:Bucket::deep',
    );
    expect(byName(graph, 'deep').parent).toBe(byName(graph, 'inner').urn);
    expect(byName(graph, 'inner').parent).toBe(byName(graph, 'middle').urn);
    expect(byName(graph, 'outer').parent).toBe(stackUrn('lake-dev'));
  });

  it('GIVEN dependsOn and an input referring to a resource THEN they are told apart', async () => {
    const graph = await synthInProcess('lake-dev', {
      program: () => {
        const first = new aws.s3.Bucket('first');
        const other = new aws.s3.Bucket('other');
        new aws.s3.BucketVersioning('versioning', { bucket: first.id, versioningConfiguration: { status: 'Enabled' } }, { dependsOn: [other] });
        return {};
      },
    });
    const versioning = byName(graph, 'versioning');
    expect(versioning.propertyDependencies).toStrictEqual({ bucket: [byName(graph, 'first').urn] });
    expect(versioning.dependsOn).toStrictEqual([byName(graph, 'other').urn]);
  });

  it('GIVEN a program reading another stack THEN its references list the stack and the outputs read, and a key in an output is redacted', async () => {
    const ingestionStack = `${MOCK_ORGANIZATION}/sensorlake/ingestion-dev`;
    const upstream = Object.fromEntries(INGESTION_OUTPUT_KEYS.map((key) => [key, `value of ${key}`]));
    const graph = await synthInProcess('lake-dev', {
      stackOutputs: { [ingestionStack]: { ...upstream, devicePrivateKeyPems: { 'sensor-0001': PEM_KEY } }, 'o/p/s': { a: 1, b: 2 } },
      program: () => {
        const ingestion = ingestionOutputs('dev');
        const other = new pulumi.StackReference('other', { name: 'o/p/s' });
        return { bucket: ingestion.rawBucketName, keys: ingestion.devicePrivateKeyPems, a: other.getOutput('a') };
      },
    });
    expect(graph.references.map((r) => [r.name, r.stack, r.outputs])).toStrictEqual([
      ['ingestion-dev-ref', ingestionStack, [...INGESTION_OUTPUT_KEYS].sort()],
      ['other', 'o/p/s', ['a']],
    ]);
    expect(graph.outputs).toStrictEqual({ a: 1, bucket: 'value of rawBucketName', keys: { 'sensor-0001': REDACTED } });
    expect(JSON.stringify(graph)).not.toContain('PRIVATE KEY');
    expect(renderStackTable(graph)).toContain(`  stack references: ${ingestionStack} (${[...INGESTION_OUTPUT_KEYS].sort().join(', ')}); o/p/s (a)`);
  });

  it('GIVEN a secret stack output THEN it is [secret] and named among the secret outputs', async () => {
    const graph = await synthInProcess('lake-dev', { program: () => ({ token: pulumi.secret('s3cr3t'), plain: 'p' }) });
    expect(graph.outputs).toStrictEqual({ plain: 'p', token: REDACTED });
    expect(graph.secretOutputs).toStrictEqual(['token']);
    expect(graph.redactedValues).toBe(1);
  });
});

describe('buildStackGraph refuses a capture that is not a graph', () => {
  const resource = (over: Partial<CapturedResource>): CapturedResource => ({
    type: 'aws:s3/bucket:Bucket',
    name: 'b',
    urn: 'urn:pulumi:lake-dev::sensorlake::aws:s3/bucket:Bucket::b',
    parent: undefined,
    protect: undefined,
    retainOnDelete: undefined,
    ignoreChanges: [],
    dependencies: [],
    propertyDependencies: {},
    custom: true,
    inputs: {},
    secretInputs: [],
    wireInputs: {},
    state: {},
    id: 'b',
    ...over,
  });
  const run = (resources: CapturedResource[]): MockRun => ({
    stack: 'lake-dev',
    resources,
    invokes: [],
    outputs: {},
    secretOutputs: [],
    ofType: () => [],
    get: () => {
      throw new Error('unused');
    },
  });

  it.each([
    ['a parent never registered', { parent: 'urn:pulumi:lake-dev::sensorlake::x:y:Gone::gone' }, 'has parent urn:pulumi:lake-dev::sensorlake::x:y:Gone::gone, which was never registered'],
    ['a dependency never registered', { dependencies: ['urn:pulumi:lake-dev::sensorlake::x:y:Gone::gone'] }, 'depends on urn:pulumi:lake-dev::sensorlake::x:y:Gone::gone, which was never registered'],
  ])('GIVEN %s THEN GraphError names it', async (_title, over, message) => {
    await expect(buildStackGraph(run([resource(over)]))).rejects.toThrow(GraphError);
    await expect(buildStackGraph(run([resource(over)]))).rejects.toThrow(message);
  });

  it('GIVEN reads from a reference that was never registered THEN GraphError names it', async () => {
    await expect(buildStackGraph(run([resource({})]), new Map([['ghost-ref', new Set(['x'])]]))).rejects.toThrow(
      'outputs were read from stack reference ghost-ref, which was never registered',
    );
  });
});
