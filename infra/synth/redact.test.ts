import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { GraphValueError, REDACTED, redactValue } from './redact.js';

/** A secret as the mock monitor hands it to `newResource`. */
function wireSecret(value: unknown): Record<string, unknown> {
  return { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value };
}

const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n';
const PEM_EC_KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQ\n-----END EC PRIVATE KEY-----\n';
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

async function redact(value: unknown): Promise<{ value: unknown; redacted: number }> {
  const count = { redacted: 0 };
  return { value: await redactValue(value, 'inputs', count), redacted: count.redacted };
}

describe.each([
  ['a value the runtime marks secret', { token: wireSecret('s3cr3t') }, { token: REDACTED }, 1],
  ['a secret nested in a list', { items: [1, wireSecret({ a: 1 })] }, { items: [1, REDACTED] }, 1],
  ['a privateKeyPem key, even unmarked', { privateKeyPem: 'abc' }, { privateKeyPem: REDACTED }, 1],
  ['a private_key key', { private_key: 'abc' }, { private_key: REDACTED }, 1],
  ['a masterPassword key', { masterPassword: 'hunter2' }, { masterPassword: REDACTED }, 1],
  ['a db_password key nested', { connection: { db_password: 'x', user: 'u' } }, { connection: { db_password: REDACTED, user: 'u' } }, 1],
  ['a passphrase key', { passphrase: 'x' }, { passphrase: REDACTED }, 1],
  ['a PEM private key under an innocent key', { body: PEM_KEY }, { body: REDACTED }, 1],
  ['an EC PEM private key in a list', { pems: [PEM_EC_KEY] }, { pems: [REDACTED] }, 1],
])('GIVEN %s THEN it is replaced by [secret]', (_title, input, expected, redacted) => {
  it('WHEN redacted THEN the value is [secret] and counted', async () => {
    expect(await redact(input)).toStrictEqual({ value: expected, redacted });
  });
});

describe.each([
  ['a certificate PEM', { certificatePem: PEM_CERT }],
  ['a public key', { publicKeyPem: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n' }],
  ['an ARN naming a secret', { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' }],
  ['numbers, booleans and null', { a: 1, b: true, c: null }],
])('GIVEN %s THEN it is kept', (_title, input) => {
  it('WHEN redacted THEN nothing is replaced', async () => {
    expect(await redact(input)).toStrictEqual({ value: input, redacted: 0 });
  });
});

describe('redactValue', () => {
  it('GIVEN keys in any order THEN they come out sorted, at every depth, and unset keys vanish', async () => {
    const { value } = await redact({ b: { z: 1, a: 2 }, a: [{ y: 1, x: 2 }], c: undefined });
    expect(JSON.stringify(value)).toBe('{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1}}');
  });

  it('GIVEN an archive of a string asset THEN it becomes its size and digest, not its text', async () => {
    const archive = new pulumi.asset.AssetArchive({ 'index.mjs': new pulumi.asset.StringAsset('export const x = 1;') });
    const { value } = await redact({ code: archive });
    expect(value).toStrictEqual({
      code: {
        archive: {
          'index.mjs': {
            asset: 'string',
            bytes: 19,
            sha256: createHash('sha256').update('export const x = 1;').digest('hex'),
          },
        },
      },
    });
  });

  it('GIVEN an instance of a class THEN it is refused, naming where it was', async () => {
    await expect(redact({ nested: { when: new Date(0) } })).rejects.toThrow(GraphValueError);
    await expect(redact({ nested: { when: new Date(0) } })).rejects.toThrow('inputs.nested.when');
  });
});
