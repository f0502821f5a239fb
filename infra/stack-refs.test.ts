import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { INGESTION_OUTPUT_KEYS, type IngestionOutputs } from '../core/contracts.js';
import { ingestionOutputs, stackReferenceName } from './stack-refs.js';
import { installMocks, resolveInput, settle } from './testing/index.js';

const SAMPLE: IngestionOutputs = {
  rawBucketName: 'raw-123',
  rawBucketArn: 'arn:aws:s3:::raw-123',
  rawPrefix: '!{partitionKeyFromLambda:zone}/dt=!{partitionKeyFromLambda:dt}/',
  telemetryPrefix: 'telemetry/',
  quarantinePrefix: 'quarantine/',
  errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  ruleErrorPrefix: 'rule-errors/',
  accessLogBucketName: 'logs-123',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
  iotEndpoint: 'x-ats.iot.eu-west-1.amazonaws.com',
  telemetryTopicFilter: 'sensors/+/telemetry',
  thingNames: ['t1'],
  deviceCertificatePems: { t1: 'CERT' },
  devicePrivateKeyPems: { t1: 'KEY' },
  deliveryStreamName: 's',
  deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/s',
  topicRuleName: 'r',
  processorFunctionName: 'f',
};

describe('stackReferenceName', () => {
  it.each([
    ['ingestion', 'dev', 'acme', 'acme/sensorlake/ingestion-dev'],
    ['lake', 'prod', 'other-org', 'other-org/sensorlake/lake-prod'],
  ] as const)('%s %s in %s → %s', (layer, env, org, expected) => {
    expect(stackReferenceName(layer, env, org)).toBe(expected);
  });
});

describe('ingestionOutputs under mocks', () => {
  it('reads the ingestion stack of the same organization and environment, every output typed', async () => {
    const { resources } = await installMocks('lake-prod', 'prod', {
      organization: 'acme',
      stackOutputs: { 'acme/sensorlake/ingestion-prod': { ...SAMPLE } },
    });
    const outputs = ingestionOutputs('prod');
    const bucket: pulumi.Output<string> = outputs.rawBucketName;
    const things: pulumi.Output<string[]> = outputs.thingNames;
    expect((await resolveInput(bucket)).value).toBe('raw-123');
    expect((await resolveInput(things)).value).toStrictEqual(['t1']);
    for (const key of INGESTION_OUTPUT_KEYS) {
      expect((await resolveInput<unknown>(outputs[key])).value, key).toStrictEqual(SAMPLE[key]);
    }
    await settle();
    const refs = resources.filter((r) => r.type === 'pulumi:pulumi:StackReference');
    expect(refs.map((r) => [r.name, r.inputs.name])).toStrictEqual([['ingestion-prod-ref', 'acme/sensorlake/ingestion-prod']]);
  });
});
