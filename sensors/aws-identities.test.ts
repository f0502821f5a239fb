import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  caFile,
  identityFilesFromOutputs,
  identityFilesFromOutputsJson,
  runPulumiStackOutput,
  stackOutputArgs,
  writeIdentityFiles,
} from './aws-identities.js';
import { PulumiCliError, StackOutputsError } from './errors.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'ingestion-dev.stack-output.json');
const fixtureText = readFileSync(FIXTURE, 'utf8');
type Outputs = { iotEndpoint?: string; thingNames: string[]; deviceCertificatePems: Record<string, string>; devicePrivateKeyPems: Record<string, string> } & Record<string, unknown>;
const fixture = (): Outputs => JSON.parse(fixtureText) as Outputs;
const THINGS = fixture().thingNames;

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StackOutputsError);
    return [...(error as StackOutputsError).problems];
  }
  throw new Error('expected a StackOutputsError');
}

describe('identityFilesFromOutputs with a realistic ingestion-dev output document', () => {
  it('gives one certificate (0644) and key (0600) per thing, devices.json and endpoint.txt', () => {
    const doc = fixture();
    const bundle = identityFilesFromOutputs(doc, FIXTURE);
    expect(bundle.endpoint).toBe('a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com');
    expect(bundle.thingNames).toStrictEqual(THINGS);
    expect(THINGS).toHaveLength(3);
    expect(bundle.files.map((f) => [f.name, f.mode])).toStrictEqual([
      ...THINGS.flatMap((t) => [
        [`${t}.cert.pem`, 0o644],
        [`${t}.key.pem`, 0o600],
      ]),
      ['devices.json', 0o644],
      ['endpoint.txt', 0o644],
    ]);
    const byName = new Map(bundle.files.map((f) => [f.name, f.content]));
    for (const t of THINGS) {
      expect(byName.get(`${t}.cert.pem`)).toBe(doc.deviceCertificatePems[t]);
      expect(byName.get(`${t}.key.pem`)).toBe(doc.devicePrivateKeyPems[t]);
    }
    expect(JSON.parse(byName.get('devices.json')!)).toStrictEqual(THINGS);
    expect(byName.get('endpoint.txt')).toBe('a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com\n');
  });

  it('ends PEMs without a final newline with one', () => {
    const doc = fixture();
    doc.devicePrivateKeyPems[THINGS[0]!] = doc.devicePrivateKeyPems[THINGS[0]!]!.trimEnd();
    const key = identityFilesFromOutputs(doc, 'x').files.find((f) => f.name === `${THINGS[0]}.key.pem`)!;
    expect(key.content.endsWith('-----END EC PRIVATE KEY-----\n')).toBe(true);
  });

  it('writes the files with their modes, also over existing files with looser modes', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'aws-ids-')), 'aws', 'dev');
    const { files } = identityFilesFromOutputsJson(fixtureText, FIXTURE);
    writeIdentityFiles(dir, files);
    const key = path.join(dir, `${THINGS[0]}.key.pem`);
    chmodSync(key, 0o666);
    const written = writeIdentityFiles(dir, files);
    expect(written).toHaveLength(THINGS.length * 2 + 2);
    expect(readdirSync(dir).sort()).toStrictEqual(files.map((f) => f.name).sort());
    for (const f of files) {
      expect(statSync(path.join(dir, f.name)).mode & 0o777).toBe(f.mode);
      expect(readFileSync(path.join(dir, f.name), 'utf8')).toBe(f.content);
    }
    expect(statSync(dir).mode & 0o077).toBe(0);
  });
});

describe('broken output documents fail with every problem named', () => {
  const breakIt = (change: (doc: Outputs) => void) => {
    const doc = fixture();
    change(doc);
    return doc;
  };

  it.each<[string, (doc: Outputs) => void, string[]]>([
    ['a thing without a private key', (d) => delete d.devicePrivateKeyPems[THINGS[1]!], [`devicePrivateKeyPems: no private key for thing "${THINGS[1]}"`]],
    ['a thing without a certificate', (d) => delete d.deviceCertificatePems[THINGS[2]!], [`deviceCertificatePems: no certificate for thing "${THINGS[2]}"`]],
    ['a missing endpoint', (d) => delete d.iotEndpoint, ['iotEndpoint: Invalid input: expected string, received undefined (missing)']],
    ['an endpoint that is a URL', (d) => (d.iotEndpoint = 'https://x.iot.amazonaws.com'), ['iotEndpoint: expected the IoT data endpoint host name, got "https://x.iot.amazonaws.com"']],
    ['no things', (d) => (d.thingNames = []), ['thingNames: expected at least one thing (is simulatorThingCount 0 in the environment config?), got []']],
    ['a thing name with a space', (d) => (d.thingNames = ['bad name']), ['thingNames.0: expected a thing name of 1 to 128 characters from [a-zA-Z0-9:_-], got "bad name"']],
    ['thingNames not a list', (d) => (d.thingNames = 'a' as unknown as string[]), ['thingNames: Invalid input: expected array, received string, got "a"']],
    ['a key that is not PEM', (d) => (d.devicePrivateKeyPems[THINGS[0]!] = d.devicePrivateKeyPems[THINGS[0]!]!.split('\n')[1]!.slice(0, 12)), [`devicePrivateKeyPems.${THINGS[0]}: expected a PEM private key, got 12 characters without a PEM header`]],
    ['a certificate that is a key', (d) => (d.deviceCertificatePems[THINGS[0]!] = d.devicePrivateKeyPems[THINGS[0]!]!), [`deviceCertificatePems.${THINGS[0]}: expected a PEM certificate, got a -----BEGIN EC PRIVATE KEY----- block`]],
    ['private keys as one string', (d) => (d.devicePrivateKeyPems = Object.values(d.devicePrivateKeyPems).join('') as unknown as Record<string, string>), ['devicePrivateKeyPems: Invalid input: expected record, received string, got a string']],
    ['a key of an unknown thing', (d) => (d.devicePrivateKeyPems['ghost'] = d.devicePrivateKeyPems[THINGS[0]!]!), ['devicePrivateKeyPems: entry "ghost" is not in thingNames']],
    ['a duplicated thing', (d) => d.thingNames.push(THINGS[0]!), [`thingNames: "${THINGS[0]}" is listed twice`]],
    ['outputs saved without --show-secrets', (d) => (d.devicePrivateKeyPems = '[secret]' as unknown as Record<string, string>), ['devicePrivateKeyPems is "[secret]": the outputs were saved without --show-secrets (run pulumi stack output --json --show-secrets)']],
    [
      'several problems at once',
      (d) => {
        delete d.devicePrivateKeyPems[THINGS[0]!];
        delete d.deviceCertificatePems[THINGS[1]!];
      },
      [`devicePrivateKeyPems: no private key for thing "${THINGS[0]}"`, `deviceCertificatePems: no certificate for thing "${THINGS[1]}"`],
    ],
  ])('%s', (_, change, problems) => {
    const doc = breakIt(change);
    const got = problemsOf(() => identityFilesFromOutputs(doc, 'outputs.json'));
    const keyBodies = Object.values(fixture().devicePrivateKeyPems).map((k) => k.split('\n')[1]!.slice(0, 16));
    for (const body of keyBodies) expect(got.join('\n')).not.toContain(body);
    for (const p of problems) expect(got.some((g) => g.startsWith(p)), `${p}\n  not in\n${got.join('\n')}`).toBe(true);
    expect(got).toHaveLength(problems.length);
  });

  it('text that is not JSON', () => {
    expect(problemsOf(() => identityFilesFromOutputsJson('error: no stack named ingestion-dev found\n', 'outputs.json'))[0]).toMatch(/^not JSON \(.+\); save it with pulumi stack output --json --show-secrets$/);
  });

  it('JSON that is not an object', () => {
    expect(problemsOf(() => identityFilesFromOutputsJson('[1,2]', 'outputs.json'))).toStrictEqual(['expected a JSON object of stack outputs, got [1,2]']);
  });

  it('names the source in the message', () => {
    expect(() => identityFilesFromOutputs(breakIt((d) => delete d.iotEndpoint), 'saved/outputs.json')).toThrow(/^saved\/outputs\.json is not usable ingestion stack output:\n {2}- iotEndpoint/);
  });
});

describe('caFile', () => {
  it('accepts a PEM certificate and refuses anything else', () => {
    const pem = fixture().deviceCertificatePems[THINGS[0]!]!;
    expect(caFile(pem, 'AmazonRootCA1.pem')).toStrictEqual({ name: 'ca.pem', content: pem, mode: 0o644 });
    expect(() => caFile('<html>Not found</html>', 'AmazonRootCA1.pem')).toThrow('AmazonRootCA1.pem is not usable ingestion stack output:\n  - expected a PEM CA certificate');
  });
});

describe('runPulumiStackOutput', () => {
  function fakePulumi(script: string): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'fake-pulumi-')), 'pulumi');
    writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  }

  it('runs pulumi stack output --json --show-secrets --stack <name> and returns stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-pulumi-args-'));
    const argsFile = path.join(dir, 'args');
    const command = fakePulumi(`echo "$@" > '${argsFile}'\npwd >> '${argsFile}'\ncat '${FIXTURE}'`);
    const text = await runPulumiStackOutput('ingestion-dev', { command, cwd: dir });
    expect(text).toBe(fixtureText);
    expect(readFileSync(argsFile, 'utf8')).toBe(`${stackOutputArgs('ingestion-dev').join(' ')}\n${dir}\n`);
    expect(stackOutputArgs('ingestion-dev')).toStrictEqual(['stack', 'output', '--json', '--show-secrets', '--stack', 'ingestion-dev']);
  });

  it('says the CLI is missing when it is not installed', async () => {
    const error = await runPulumiStackOutput('ingestion-dev', { command: 'pulumi-not-installed-here' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulumiCliError);
    expect((error as Error).message).toContain('pulumi-not-installed-here stack output --json --show-secrets --stack ingestion-dev: the pulumi CLI was not found');
    expect((error as Error).message).toContain('--from-file');
  });

  it('passes on the exit code and stderr of a failing CLI', async () => {
    const command = fakePulumi(`echo "error: no stack named 'ingestion-qa' found" >&2\nexit 255`);
    const error = await runPulumiStackOutput('ingestion-qa', { command }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulumiCliError);
    expect((error as Error).message).toMatch(/failed \(exit code 255\): error: no stack named 'ingestion-qa' found$/);
  });
});
