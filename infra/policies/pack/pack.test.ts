import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from '@pulumi/policy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { RULES } from '../rules.js';
import { PACK_NAME, POLICIES, type RulePolicy } from './policies.js';

const PACK_DIR = import.meta.dirname;
const require = createRequire(import.meta.url);

function policyFor(id: string): RulePolicy {
  const found = POLICIES.find((p) => p.name === id);
  if (found === undefined) throw new Error(`no policy ${id}`);
  return found;
}

function collect(): { report: ReportViolation; reported: { message: string; urn?: string }[] } {
  const reported: { message: string; urn?: string }[] = [];
  const report: ReportViolation = (message, urn) => {
    reported.push(urn === undefined ? { message } : { message, urn });
  };
  return { report, reported };
}

describe('policy pack: policies', () => {
  it('has one mandatory policy per rule, named after it, in the same order', () => {
    expect(POLICIES.map((p) => p.name)).toEqual(RULES.map((r) => r.id));
    for (const [i, p] of POLICIES.entries()) {
      const rule = RULES[i]!;
      expect(p.enforcementLevel).toBe('mandatory');
      expect(p.description).toBe(rule.description);
      expect(p.severity).toBe(rule.severity);
      expect('validateStack' in p).toBe(rule.needsStack);
      expect('validateResource' in p).toBe(!rule.needsStack);
    }
  });

  it('a resource policy reports what the rule finds, and nothing on a passing resource', () => {
    const policy = policyFor('kms-key-rotation');
    const validate = 'validateResource' in policy ? policy.validateResource : undefined;
    if (typeof validate !== 'function') throw new Error('expected a resource policy with one validation');
    const args = (props: Record<string, unknown>) =>
      ({ type: 'aws:kms/key:Key', name: 'key', urn: 'urn:pulumi:s::p::aws:kms/key:Key::key', props }) as unknown as ResourceValidationArgs;
    const bad = collect();
    void validate(args({ enableKeyRotation: false }), bad.report);
    expect(bad.reported).toEqual([{ message: 'aws:kms/key:Key "key": enableKeyRotation is false; expected true' }]);
    const good = collect();
    void validate(args({ enableKeyRotation: true }), good.report);
    expect(good.reported).toEqual([]);
  });

  it('a stack policy links side resources through property dependencies and reports the URN', () => {
    const policy = policyFor('s3-public-access-block');
    if (!('validateStack' in policy)) throw new Error('expected a stack policy');
    const bucket = { type: 'aws:s3/bucket:Bucket', name: 'raw', urn: 'urn:bucket', props: {}, propertyDependencies: {} };
    const block = (restrict: boolean) => ({
      type: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      name: 'raw-pab',
      urn: 'urn:pab',
      props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: restrict },
      propertyDependencies: { bucket: [bucket] },
    });
    const args = (resources: unknown[]) => ({ resources: resources as PolicyResource[] }) as unknown as StackValidationArgs;
    const bad = collect();
    void policy.validateStack(args([bucket, block(false)]), bad.report);
    expect(bad.reported).toEqual([
      {
        message: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock "raw-pab": restrictPublicBuckets is false; expected true',
        urn: 'urn:pab',
      },
    ]);
    const good = collect();
    void policy.validateStack(args([bucket, block(true)]), good.report);
    expect(good.reported).toEqual([]);
    const missing = collect();
    void policy.validateStack(args([bucket]), missing.report);
    expect(missing.reported.map((r) => r.urn)).toEqual(['urn:bucket']);
  });
});

describe('policy pack: entry point', () => {
  afterEach(() => {
    vi.doUnmock('@pulumi/policy');
    vi.resetModules();
  });

  it('index.ts builds the PolicyPack from POLICIES with enforcement mandatory', async () => {
    const constructed: { name: string; args: { policies: unknown[]; enforcementLevel: string } }[] = [];
    vi.doMock('@pulumi/policy', () => ({
      PolicyPack: class {
        constructor(name: string, args: { policies: unknown[]; enforcementLevel: string }) {
          constructed.push({ name, args });
        }
      },
    }));
    await import('./index.js');
    expect(constructed).toHaveLength(1);
    expect(constructed[0]?.name).toBe(PACK_NAME);
    expect(constructed[0]?.args.enforcementLevel).toBe('mandatory');
    expect((constructed[0]?.args.policies as RulePolicy[]).map((p) => p.name)).toEqual(RULES.map((r) => r.id));
  });

  it('PulumiPolicy.yaml declares a nodejs pack whose package.json main exists', () => {
    const project = parseYaml(readFileSync(path.join(PACK_DIR, 'PulumiPolicy.yaml'), 'utf8')) as Record<string, unknown>;
    expect(project['runtime']).toBe('nodejs');
    const pkg = JSON.parse(readFileSync(path.join(PACK_DIR, 'package.json'), 'utf8')) as { main: string; version: string };
    expect(pkg.version).toBe(project['version']);
    expect(readFileSync(path.join(PACK_DIR, pkg.main), 'utf8')).toContain("import('./index.ts')");
  });

  it('loads under the Pulumi policy runner and lists every policy over the analyzer protocol', async () => {
    // The same runner `pulumi preview --policy-pack` starts: it loads the pack and prints the analyzer's port.
    const runner = require.resolve('@pulumi/pulumi/cmd/run-policy-pack');
    const child = spawn(process.execPath, [runner, '127.0.0.1:1', '.'], { cwd: PACK_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /^(\d+)\s*$/m.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', (code) => reject(new Error(`policy runner exited with ${code}: ${stderr}`)));
      });

      const grpc = require('@grpc/grpc-js') as { credentials: { createInsecure(): unknown } };
      const services = require('@pulumi/pulumi/proto/analyzer_grpc_pb.js') as {
        AnalyzerClient: new (address: string, credentials: unknown) => {
          getAnalyzerInfo(request: unknown, callback: (error: Error | null, info: AnalyzerInfo) => void): void;
          close(): void;
        };
      };
      const { Empty } = require('google-protobuf/google/protobuf/empty_pb.js') as { Empty: new () => unknown };
      interface AnalyzerInfo {
        getName(): string;
        getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[];
      }
      const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const info = await new Promise<AnalyzerInfo>((resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (error, result) => (error ? reject(error) : resolve(result))),
      );
      client.close();
      const MANDATORY = 1;
      expect(info.getName()).toBe(PACK_NAME);
      expect(info.getPoliciesList().map((p) => p.getName())).toEqual(RULES.map((r) => r.id));
      expect(info.getPoliciesList().map((p) => p.getEnforcementlevel())).toEqual(RULES.map(() => MANDATORY));
    } finally {
      child.kill();
    }
  });
});
