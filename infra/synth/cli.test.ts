import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readEnvironmentConfig } from '../../core/settings.js';
import { runStackUnderMocks } from '../testing/index.js';
import type { GraphResource, StackGraph } from './graph.js';
import { ExitCode } from '../../core/cli/index.js';
import { InvalidValueError } from '../../core/errors.js';
import { main, parseSynthArgs } from './cli.js';
import type { EnvironmentSynth } from './synth.js';

afterEach(() => {
  process.exitCode = undefined;
});

/** Captures what the CLI writes, line by line. */
function harness() {
  const out: string[] = [];
  const err: string[] = [];
  const lines = (into: string[]) => ({ write: (s: string) => into.push(...s.replace(/\n$/, '').split('\n')) });
  return { out, err, io: { stdout: lines(out), stderr: lines(err) } };
}

describe('parseSynthArgs', () => {
  it.each([
    ['dev', {}, ['ingestion', 'lake', 'analytics', 'orchestration']],
    ['prod', { layer: 'lake' as const }, ['lake']],
  ])('GIVEN %s %j THEN layers %j', (env, options, layers) => {
    expect(parseSynthArgs(env, options, '/x').layers).toStrictEqual(layers);
  });

  it('GIVEN a relative --json THEN it is resolved against the given directory', () => {
    expect(parseSynthArgs('dev', { json: 's.json' }, '/some/dir').json).toBe('/some/dir/s.json');
  });

  it.each([
    ['staging', {}, 'argument env has invalid value "staging": expected one of dev, prod'],
    [undefined, {}, 'argument env is missing: expected one of dev, prod'],
  ])('GIVEN env %j and %j THEN InvalidValueError %j', (env, options, message) => {
    expect(() => parseSynthArgs(env, options, '/x')).toThrow(InvalidValueError);
    expect(() => parseSynthArgs(env, options, '/x')).toThrow(message);
  });
});

describe('synth CLI arguments', () => {
  it.each([
    [['staging'], 'error: argument env has invalid value "staging": expected one of dev, prod'],
  ])('GIVEN %j THEN exit code 2, the value named, the usage, nothing printed', async (argv, message) => {
    const h = harness();
    expect(await main(argv, h.io)).toBe(ExitCode.Usage);
    expect(process.exitCode).toBe(2);
    expect(h.err).toStrictEqual([message, 'usage: npm run synth -- <dev|prod> [--layer <layer>] [--json <file>]']);
    expect(h.out).toStrictEqual([]);
  });

  it('GIVEN an unknown --layer THEN exit code 2 through the kit\'s option parser, naming the option and the value, nothing run', async () => {
    const h = harness();
    expect(await main(['dev', '--layer', 'lakes'], h.io)).toBe(ExitCode.Usage);
    expect(process.exitCode).toBe(2);
    expect(h.err[0]).toBe("error: option '--layer <layer>' argument 'lakes' is invalid. expected one of ingestion, lake, analytics, orchestration.");
    expect(h.out).toStrictEqual([]);
  });

  it('GIVEN no env THEN exit code 2', async () => {
    const h = harness();
    expect(await main([], h.io)).toBe(ExitCode.Usage);
    expect(h.err.join('\n')).toContain("missing required argument 'env'");
  });

});

describe('npm run synth -- dev --json <file>', () => {
  let dir: string;
  let first: string;
  let second: string;
  let table: string[];
  let synth: EnvironmentSynth;
  let graph: StackGraph;
  let privateKeyBodies: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'synth-cli-'));
    const h = harness();
    expect(await main(['dev', '--layer', 'ingestion', '--json', path.join(dir, 'a.json')], h.io)).toBe(ExitCode.Ok);
    table = h.out;
    first = await readFile(path.join(dir, 'a.json'), 'utf8');
    // The second run goes through npm from another directory, as a user would type it.
    await promisify(execFile)('npm', ['--prefix', PROJECT_ROOT, 'run', 'synth', '--', 'dev', '--layer', 'ingestion', '--json', 'b.json'], { cwd: dir });
    second = await readFile(path.join(dir, 'b.json'), 'utf8');
    synth = JSON.parse(first) as EnvironmentSynth;
    const ingestion = synth.layers.find((l) => l.layer === 'ingestion');
    if (ingestion === undefined) throw new Error('ingestion was not synthesized');
    graph = ingestion.graph;
    // The key material the mocks generated, taken from the mocks themselves.
    const run = await runStackUnderMocks('ingestion-dev');
    privateKeyBodies = run.ofType('tls:index/privateKey:PrivateKey').map((r) => String(r.state.privateKeyPem).split('\n')[1] ?? '');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const one = (type: string): GraphResource[] => graph.resources.filter((r) => r.type === type);

  it('THEN two runs write the same bytes', () => {
    expect(second).toBe(first);
  });

  it('THEN the ingestion stack has the raw bucket, the topic rule, the Firehose stream and one thing per configured device', () => {
    expect(one('aws:s3/bucket:Bucket').map((r) => r.name)).toContain('ingestion-raw-bucket');
    expect(one('aws:iot/topicRule:TopicRule').map((r) => r.name)).toStrictEqual(['ingestion-delivery-rule']);
    expect(one('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream').map((r) => r.name)).toStrictEqual(['ingestion-delivery-stream']);
    const things = readEnvironmentConfig('dev').simulatorThingCount;
    expect(things).toBeGreaterThan(0);
    expect(one('aws:iot/thing:Thing')).toHaveLength(things);
  });

  it('THEN every resource but the stack has a parent that is a component in the graph', () => {
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
    const orphans = graph.resources.filter((r) => r.type !== 'pulumi:pulumi:Stack').filter((r) => {
      const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
      return parent === undefined || parent.custom;
    });
    expect(orphans.map((r) => r.urn)).toStrictEqual([]);
    expect(graph.resources.filter((r) => r.parent === undefined).map((r) => r.type)).toStrictEqual(['pulumi:pulumi:Stack']);
  });

  it('THEN the Firehose stream depends on its role (through its S3 configuration) and on the role policy (dependsOn)', () => {
    const [stream] = one('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream');
    const role = graph.resources.find((r) => r.name === 'ingestion-delivery-stream-role');
    const policy = graph.resources.find((r) => r.name === 'ingestion-delivery-stream-role-policy');
    expect(stream?.propertyDependencies.extendedS3Configuration).toContain(role?.urn);
    expect(stream?.dependsOn).toStrictEqual([policy?.urn]);
    for (const dep of [...(stream?.dependsOn ?? []), ...Object.values(stream?.propertyDependencies ?? {}).flat()]) {
      expect(graph.resources.some((r) => r.urn === dep)).toBe(true);
    }
  });

  it('THEN no private key material appears anywhere in the JSON', () => {
    expect(privateKeyBodies.length).toBeGreaterThan(0);
    expect(first).not.toContain('PRIVATE KEY');
    for (const body of privateKeyBodies) expect(first).not.toContain(body);
    for (const csr of one('tls:index/certRequest:CertRequest')) expect(csr.inputs.privateKeyPem).toBe('[secret]');
    expect(graph.outputs.devicePrivateKeyPems).toBe('[secret]');
    expect(graph.secretOutputs).toStrictEqual(['devicePrivateKeyPems']);
  });

  it('THEN only the requested layer is listed', () => {
    expect(synth.layers.map((l) => l.stack)).toStrictEqual(['ingestion-dev']);
  });

  it('THEN the table counts resources by type, and the counts add up to the total', () => {
    const lines = table.join('\n').split('\n');
    const start = lines.indexOf('ingestion-dev');
    const total = lines.findIndex((l) => l.includes(' total ('));
    const counts = lines.slice(start + 2, total).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(graph.resources.length);
    expect(lines[total]).toMatch(new RegExp(`^\\s+${graph.resources.length}  total`));
    expect(lines).toContain(`  ${String(one('aws:iot/thing:Thing').length).padStart(5)}  aws:iot/thing:Thing`);
    expect(lines).toContain('  outputs: 18 (secret: devicePrivateKeyPems)');
    expect(lines).toContain('  stack references: none');
  });
});

describe('npm run synth -- dev --json on a full disk', () => {
  it('GIVEN --json /dev/full (ENOSPC) THEN ExitCode.DiskFull naming the error', async () => {
    const h = harness();
    expect(await main(['dev', '--json', '/dev/full'], h.io)).toBe(ExitCode.DiskFull);
    expect(h.err.join('\n')).toMatch(/ENOSPC/);
  });
});
