import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { telemetryTopic } from '../../core/ingestion/definitions.js';
import { THING_NAME_VARIABLE, devicePolicyDocument, iotResourceArn } from '../../core/ingestion/device-policy.js';
import type { PolicyDocument } from '../../core/iam.js';
import { LOCAL_ACCOUNT, startEmbeddedBroker } from './broker.js';
import type { EmbeddedBroker, EmbeddedBrokerOptions, Refusal } from './broker.js';
import { openPki } from './pki.js';
import type { DeviceIdentity, Pki } from './pki.js';
import { reading, removeTempDirs, silentLogger, tempDir, waitFor } from './testing.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Harness {
  readonly broker: EmbeddedBroker;
  readonly ingested: string[];
  readonly refusals: Refusal[];
}

async function broker(options: Partial<EmbeddedBrokerOptions> = {}): Promise<Harness> {
  const ingested: string[] = [];
  const refusals: Refusal[] = [];
  const b = await startEmbeddedBroker({
    tcpPort: 0,
    ingest: (topic, _payload, done) => {
      ingested.push(topic);
      done();
    },
    onRefused: (r) => refusals.push(r),
    logger: silentLogger,
    ...options,
  });
  cleanups.push(() => b.close());
  return { broker: b, ingested, refusals };
}

async function client(url: string, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  cleanups.push(() => c.endAsync(true));
  return c;
}

/** Publishes and reports whether the broker acknowledged it before closing the connection. */
async function publishOutcome(c: MqttClient, topic: string, payload: string, qos: 0 | 1 | 2): Promise<'acknowledged' | 'disconnected'> {
  return new Promise((resolve) => {
    c.once('close', () => resolve('disconnected'));
    c.publish(topic, payload, { qos }, (error) => {
      if (!error) resolve('acknowledged');
    });
  });
}

/** Subscribes; a refusal is a failure code in the SUBACK or the connection closed without one (as aedes does). */
async function subscribeOutcome(c: MqttClient, filter: string, qos: 1 | 2): Promise<'granted' | 'refused'> {
  try {
    const granted = await c.subscribeAsync(filter, { qos });
    return granted[0]?.qos === qos ? 'granted' : 'refused';
  } catch {
    return 'refused';
  }
}

async function connectOutcome(url: string, clientId: string): Promise<string> {
  try {
    const c = await client(url, clientId);
    return c.connected ? 'connected' : 'not connected';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('embedded broker on plain TCP: the client id is the device identity', () => {
  it('GIVEN device sensor-0001 WHEN it publishes to its own topic THEN it is ingested and acknowledged', async () => {
    const h = await broker();
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await publishOutcome(c, telemetryTopic('sensor-0001'), reading('sensor-0001', 1), 1)).toBe('acknowledged');
    expect(h.ingested).toStrictEqual([telemetryTopic('sensor-0001')]);
    expect(h.refusals).toStrictEqual([]);
  });

  it('GIVEN device sensor-0001 WHEN it publishes to sensor-0002\'s topic THEN refused without PUBACK, not ingested, counted as topic-not-allowed', async () => {
    const h = await broker();
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await publishOutcome(c, telemetryTopic('sensor-0002'), reading('sensor-0002', 1), 1)).toBe('disconnected');
    expect(h.ingested).toStrictEqual([]);
    expect(h.refusals.map((r) => r.reason)).toStrictEqual(['topic-not-allowed']);
    expect(h.refusals[0]).toMatchObject({ clientId: 'sensor-0001', topic: telemetryTopic('sensor-0002') });
  });

  it('GIVEN an empty client id WHEN connecting THEN refused and counted as invalid-client-id', async () => {
    const h = await broker();
    expect(await connectOutcome(h.broker.tcpUrl, '')).toMatch(/Not authorized|Identifier rejected/i);
    expect(h.refusals.map((r) => r.reason)).toStrictEqual(['invalid-client-id']);
  });

  it('GIVEN a client id that is not a device id WHEN connecting THEN refused naming the id', async () => {
    const h = await broker();
    expect(await connectOutcome(h.broker.tcpUrl, 'not a device!')).toMatch(/Not authorized|Identifier rejected/i);
    expect(h.refusals).toMatchObject([{ reason: 'invalid-client-id', clientId: 'not a device!' }]);
    expect(h.refusals[0]?.detail).toContain('"not a device!"');
  });

  it('GIVEN a fleet WHEN a device outside it connects THEN the policy refuses it (not attached) as connect-not-allowed', async () => {
    const h = await broker({ isFleetDevice: (id) => id === 'sensor-0001' });
    expect(await connectOutcome(h.broker.tcpUrl, 'sensor-0001')).toBe('connected');
    expect(await connectOutcome(h.broker.tcpUrl, 'sensor-0009')).toMatch(/Not authorized/i);
    expect(h.refusals).toMatchObject([{ reason: 'connect-not-allowed', clientId: 'sensor-0009' }]);
  });
});

describe('embedded broker: QoS 2, which AWS IoT Core does not support', () => {
  it('GIVEN a QoS 2 publish to its own topic WHEN sent THEN not acknowledged, not ingested, the client disconnected and counted as qos-not-supported', async () => {
    const h = await broker();
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await publishOutcome(c, telemetryTopic('sensor-0001'), reading('sensor-0001', 1), 2)).toBe('disconnected');
    expect(h.ingested).toStrictEqual([]);
    expect(h.refusals.map((r) => r.reason)).toStrictEqual(['qos-not-supported']);
  });

  it('GIVEN a QoS 2 subscription WHEN requested THEN refused as qos-not-supported even where the policy allows subscribing', async () => {
    const h = await broker({ policy: withOwnSubscribe() });
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await subscribeOutcome(c, telemetryTopic('sensor-0001'), 2)).toBe('refused');
    expect(h.refusals.map((r) => r.reason)).toStrictEqual(['qos-not-supported']);
  });
});

function withOwnSubscribe(): PolicyDocument {
  const deployed = devicePolicyDocument(LOCAL_ACCOUNT);
  return {
    ...deployed,
    Statement: [
      ...deployed.Statement,
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotResourceArn(LOCAL_ACCOUNT, 'topicfilter', telemetryTopic(THING_NAME_VARIABLE)) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: iotResourceArn(LOCAL_ACCOUNT, 'topic', telemetryTopic(THING_NAME_VARIABLE)) },
    ],
  };
}

describe('embedded broker decides by the policy document it is given', () => {
  it('GIVEN the deployed policy WHEN a device subscribes to its own topic THEN refused as subscribe-not-allowed', async () => {
    const h = await broker();
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await subscribeOutcome(c, telemetryTopic('sensor-0001'), 1)).toBe('refused');
    expect(h.refusals.map((r) => r.reason)).toStrictEqual(['subscribe-not-allowed']);
  });

  it('GIVEN a policy allowing iot:Subscribe and iot:Receive on its own topic WHEN it subscribes THEN granted and it receives its own messages', async () => {
    const h = await broker({ policy: withOwnSubscribe() });
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await subscribeOutcome(c, telemetryTopic('sensor-0001'), 1)).toBe('granted');
    const received: string[] = [];
    c.on('message', (topic) => received.push(topic));
    await c.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 1), { qos: 1 });
    await waitFor('the message to come back', () => received.length === 1);
    expect(h.refusals).toStrictEqual([]);
  });

  it('GIVEN a policy with a condition key the evaluator does not know WHEN the broker starts THEN it fails naming the key', async () => {
    const deployed = devicePolicyDocument(LOCAL_ACCOUNT);
    const policy: PolicyDocument = { ...deployed, Statement: [{ ...deployed.Statement[0]!, Condition: { Bool: { 'iot:Connection.Thing.IsOnline': 'true' } } }] };
    await expect(broker({ policy })).rejects.toThrow(/iot:Connection\.Thing\.IsOnline/);
  });
});

describe('embedded broker: the thing name is the client id, IsAttached whether the certificate belongs to it', () => {
  let pki: Pki;
  let d1: DeviceIdentity;
  beforeAll(async () => {
    pki = await openPki(tempDir());
    [d1] = (await pki.ensureDevices(['sensor-0001'])) as [DeviceIdentity];
  });
  afterAll(() => removeTempDirs());

  const tlsBroker = (policy?: PolicyDocument) => broker({ tls: { port: 0, ca: pki.ca, ...pki.server }, ...(policy ? { policy } : {}) });
  const tlsConnect = async (url: string, identity: DeviceIdentity, clientId: string): Promise<string> => {
    try {
      const c = await mqtt.connectAsync(url, { clientId, ca: pki.ca, cert: readFileSync(identity.certPath), key: readFileSync(identity.keyPath), reconnectPeriod: 0, connectTimeout: 5000 });
      cleanups.push(() => c.endAsync(true));
      return c.connected ? 'connected' : 'not connected';
    } catch (error) {
      return (error as Error).message;
    }
  };
  // Any client id, as long as the certificate is attached to the thing of that name.
  const anyClientIfAttached: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: iotResourceArn(LOCAL_ACCOUNT, 'client', '*'), Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }],
  };

  it.each<[string, PolicyDocument | undefined, string, string]>([
    ['client/* with IsAttached, own client id', anyClientIfAttached, 'sensor-0001', 'connected'],
    ['client/* with IsAttached, another client id', anyClientIfAttached, 'sensor-0002', 'Not authorized'],
    ['the deployed policy, own client id', undefined, 'sensor-0001', 'connected'],
    ['the deployed policy, another client id', undefined, 'sensor-0002', 'Not authorized'],
  ])('GIVEN %s WHEN certificate sensor-0001 connects as that client THEN the outcome is as AWS IoT decides', async (_name, policy, clientId, outcome) => {
    const h = await tlsBroker(policy);
    expect(await tlsConnect(h.broker.tlsUrl as string, d1, clientId)).toContain(outcome);
    if (outcome !== 'connected') {
      expect(h.refusals).toMatchObject([{ reason: 'connect-not-allowed', clientId, certificateCn: 'sensor-0001' }]);
      expect(h.refusals[0]?.detail).toContain('certificate sensor-0001 is not attached to thing sensor-0002');
    }
  });

  it('GIVEN a policy naming client/${iot:ClientId} and its topic WHEN a TCP device connects and publishes THEN allowed as in AWS', async () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: iotResourceArn(LOCAL_ACCOUNT, 'client', '${iot:ClientId}') },
        { Effect: 'Allow', Action: 'iot:Publish', Resource: iotResourceArn(LOCAL_ACCOUNT, 'topic', telemetryTopic('${iot:ClientId}')) },
      ],
    };
    const h = await broker({ policy });
    const c = await client(h.broker.tcpUrl, 'sensor-0001');
    expect(await publishOutcome(c, telemetryTopic('sensor-0001'), reading('sensor-0001', 1), 1)).toBe('acknowledged');
    expect(h.ingested).toStrictEqual([telemetryTopic('sensor-0001')]);
  });
});
