import { builtinModules } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BUNDLE_FILE, BundleError, bundleHandler } from './bundle.js';
import { applyTopicRule, telemetryTopic } from '../../core/ingestion/definitions.js';
import { PROCESSOR_ENTRY } from './telemetry-processor.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-bundle-'));
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

interface TransformResult {
  records: { recordId: string; result: string; data: string; metadata?: { partitionKeys: Record<string, string> } }[];
}

describe('bundleHandler', () => {
  it('bundles the telemetry processor into one self-contained ES module that Lambda can run', async () => {
    const bundle = bundleHandler(PROCESSOR_ENTRY);
    expect(bundle.handler).toBe('index.handler');
    const imports = [...bundle.code.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => String(m[1]));
    const notBuiltin = imports.filter((spec) => !spec.startsWith('node:') && !builtinModules.includes(spec));
    expect(notBuiltin).toStrictEqual([]);

    const file = path.join(dir, BUNDLE_FILE);
    writeFileSync(file, bundle.code);
    vi.stubEnv('LOG_LEVEL', 'error');
    // eslint-disable-next-line sensorlake/import-boundaries -- loads the esbuild output, a temp file outside the repository
    const mod = (await import(pathToFileURL(file).href)) as { handler: (event: unknown) => Promise<TransformResult> };
    const ingest = Date.parse('2026-11-22T10:00:05.000Z');
    const envelope = applyTopicRule({
      topic: telemetryTopic('sensor-0001'),
      payload: Buffer.from(
        JSON.stringify({
          device_id: 'sensor-0001',
          room_id: 'room-1',
          ts: '2026-11-22T10:00:00.000Z',
          seq: 1,
          temperature: 21,
          humidity: 40,
          pressure: 1013,
        }),
      ),
      receivedAtMs: ingest,
    });
    const result = await mod.handler({
      invocationId: 'bundle-test',
      deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/s',
      region: 'eu-west-1',
      records: [{ recordId: 'r1', approximateArrivalTimestamp: ingest, data: Buffer.from(JSON.stringify(envelope)).toString('base64') }],
    });
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({
      recordId: 'r1',
      result: 'Ok',
      metadata: { partitionKeys: { zone: 'telemetry', dt: '2026-11-22' } },
    });
  });

  it('GIVEN a missing entry THEN BundleError names the file', () => {
    expect(() => bundleHandler('functions/nope/handler.ts')).toThrow(BundleError);
    expect(() => bundleHandler('functions/nope/handler.ts')).toThrow(/functions\/nope\/handler\.ts.*does not exist/);
  });

  it('GIVEN an entry without the export THEN BundleError says so', () => {
    const entry = path.join(dir, 'no-handler.ts');
    writeFileSync(entry, 'export const other = 1;\n');
    expect(() => bundleHandler(entry)).toThrow(/does not export handler/);
  });

  it('GIVEN an entry that does not compile THEN BundleError carries the esbuild message', () => {
    const entry = path.join(dir, 'broken.ts');
    writeFileSync(entry, 'export const handler = (;\n');
    expect(() => bundleHandler(entry)).toThrow(BundleError);
  });
});
