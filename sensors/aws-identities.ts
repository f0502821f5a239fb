import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { IngestionOutputs } from '../core/contracts.js';
import { DEVICE_ID_EXPECTED, DEVICE_ID_PATTERN } from '../core/ids.js';
import { PulumiCliError, StackOutputsError } from './errors.js';

/** The ingestion stack outputs the simulator needs to drive the AWS fleet. */
export type FleetStackOutputs = Pick<IngestionOutputs, 'iotEndpoint' | 'thingNames' | 'deviceCertificatePems' | 'devicePrivateKeyPems'>;

/** What `pulumi stack output` prints for a secret when `--show-secrets` is missing. */
const HIDDEN_SECRET = '[secret]';
const CERTIFICATE_PEM = /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----\s*$/;
const PRIVATE_KEY_PEM = /^-----BEGIN ((?:EC |RSA )?PRIVATE KEY)-----\r?\n[\s\S]+?\r?\n-----END \1-----\s*$/;

const pemMap = z.record(z.string(), z.string());

/** Zod schema of the outputs FleetStackOutputs names (other outputs of the stack are ignored). */
export const fleetStackOutputsSchema = z.object({
  iotEndpoint: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected the IoT data endpoint host name'),
  thingNames: z
    .array(
      z
        .string()
        .regex(DEVICE_ID_PATTERN, `expected ${DEVICE_ID_EXPECTED}`),
    )
    .min(1, 'expected at least one thing (is simulatorThingCount 0 in the environment config?)'),
  deviceCertificatePems: pemMap,
  devicePrivateKeyPems: pemMap,
}) satisfies z.ZodType<FleetStackOutputs>;

/** One file of an identity directory, relative to it. */
export interface IdentityFile {
  readonly name: string;
  readonly content: string;
  /** File mode: 0o600 for private keys, 0o644 otherwise. */
  readonly mode: number;
}

/** The identity directory for the AWS fleet: everything `sensors run --aws-endpoint` needs but the root CA. */
export interface IdentityBundle {
  readonly endpoint: string;
  readonly thingNames: readonly string[];
  /** `<thing>.cert.pem`, `<thing>.key.pem` per thing, `devices.json` and `endpoint.txt`. */
  readonly files: readonly IdentityFile[];
}

/** Names of the bundle files that are not per device. */
export const DEVICES_FILE = 'devices.json';
export const ENDPOINT_FILE = 'endpoint.txt';
export const CA_FILE = 'ca.pem';

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Names what a PEM-ish value is by its header line only, so key material never reaches a message. */
function pemHeader(text: string): string {
  const first = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
  return /^-----BEGIN [A-Z0-9 ]+-----$/.test(first) ? `a ${first} block` : `${text.length} characters without a PEM header`;
}

function valueAt(doc: unknown, at: readonly PropertyKey[]): unknown {
  let v: unknown = doc;
  for (const key of at) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * Turns a `pulumi stack output --json --show-secrets` document of an ingestion stack into identity files. Pure.
 * Every problem (a missing or mistyped output, a hidden secret, a thing without a certificate or key, a PEM that
 * is not one, a certificate or key of an unknown thing) is collected and thrown together as StackOutputsError.
 */
export function identityFilesFromOutputs(doc: unknown, source: string): IdentityBundle {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new StackOutputsError(source, [`expected a JSON object of stack outputs, got ${describe(doc)}`]);
  }
  const hidden = (['devicePrivateKeyPems', 'deviceCertificatePems'] as const).filter((k) => (doc as Record<string, unknown>)[k] === HIDDEN_SECRET);
  if (hidden.length > 0) {
    throw new StackOutputsError(
      source,
      hidden.map((k) => `${k} is ${JSON.stringify(HIDDEN_SECRET)}: the outputs were saved without --show-secrets (run pulumi stack output --json --show-secrets)`),
    );
  }
  const parsed = fleetStackOutputsSchema.safeParse(doc);
  if (!parsed.success) {
    throw new StackOutputsError(
      source,
      parsed.error.issues.map((i) => {
        const at = i.path.map(String).join('.');
        const value = valueAt(doc, i.path);
        const shown = i.path[0] === 'devicePrivateKeyPems' ? `a ${Array.isArray(value) ? 'list' : typeof value}` : describe(value);
        return `${at}: ${i.message}${value === undefined ? ' (missing)' : `, got ${shown}`}`;
      }),
    );
  }
  const { iotEndpoint, thingNames, deviceCertificatePems: certs, devicePrivateKeyPems: keys } = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const thing of thingNames) {
    if (seen.has(thing)) problems.push(`thingNames: ${JSON.stringify(thing)} is listed twice`);
    seen.add(thing);
    const cert = certs[thing];
    const key = keys[thing];
    if (cert === undefined) problems.push(`deviceCertificatePems: no certificate for thing ${JSON.stringify(thing)}`);
    else if (!CERTIFICATE_PEM.test(cert)) problems.push(`deviceCertificatePems.${thing}: expected a PEM certificate, got ${pemHeader(cert)}`);
    if (key === undefined) problems.push(`devicePrivateKeyPems: no private key for thing ${JSON.stringify(thing)}`);
    else if (key === HIDDEN_SECRET) problems.push(`devicePrivateKeyPems.${thing} is ${JSON.stringify(HIDDEN_SECRET)}: run pulumi stack output with --show-secrets`);
    else if (!PRIVATE_KEY_PEM.test(key)) problems.push(`devicePrivateKeyPems.${thing}: expected a PEM private key, got ${pemHeader(key)}`);
  }
  for (const [output, map] of [['deviceCertificatePems', certs], ['devicePrivateKeyPems', keys]] as const) {
    for (const thing of Object.keys(map)) if (!seen.has(thing)) problems.push(`${output}: entry ${JSON.stringify(thing)} is not in thingNames`);
  }
  if (problems.length > 0) throw new StackOutputsError(source, problems);

  const pem = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    endpoint: iotEndpoint,
    thingNames,
    files: [
      ...thingNames.flatMap((thing) => [
        { name: `${thing}.cert.pem`, content: pem(certs[thing]!), mode: 0o644 },
        { name: `${thing}.key.pem`, content: pem(keys[thing]!), mode: 0o600 },
      ]),
      { name: DEVICES_FILE, content: `${JSON.stringify(thingNames, null, 2)}\n`, mode: 0o644 },
      { name: ENDPOINT_FILE, content: `${iotEndpoint}\n`, mode: 0o644 },
    ],
  };
}

/** Parses the text of a saved `pulumi stack output --json --show-secrets` and builds the identity files. */
export function identityFilesFromOutputsJson(text: string, source: string): IdentityBundle {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(source, [`not JSON (${(error as Error).message}); save it with pulumi stack output --json --show-secrets`]);
  }
  return identityFilesFromOutputs(doc, source);
}

/** Checks that a root CA file holds PEM certificates only and returns it as the bundle's `ca.pem`. */
export function caFile(text: string, source: string): IdentityFile {
  if (!/^(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/.test(text.trimStart())) {
    throw new StackOutputsError(source, [`expected a PEM CA certificate such as AmazonRootCA1.pem, got ${pemHeader(text)}`]);
  }
  return { name: CA_FILE, content: text.endsWith('\n') ? text : `${text}\n`, mode: 0o644 };
}

/**
 * Writes identity files into `dir` (created 0700), each through a temporary file and a rename, with its mode set
 * even when the file existed before. Returns the written paths.
 */
export function writeIdentityFiles(dir: string, files: readonly IdentityFile[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return files.map((f) => {
    const target = path.join(dir, f.name);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, f.content, { mode: f.mode });
    chmodSync(tmp, f.mode);
    renameSync(tmp, target);
    return target;
  });
}

/** Reads a saved outputs file; unreadable files are StackOutputsErrors naming the file. */
export function readOutputsFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new StackOutputsError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
}

/** How to run the pulumi CLI (replaceable in tests). */
export interface PulumiCli {
  /** Executable, default `pulumi` from PATH. */
  readonly command?: string;
  /** Working directory (the project root holding Pulumi.yaml). */
  readonly cwd?: string;
}

/** Arguments of `pulumi stack output` that print every output as JSON, secrets in clear. */
export function stackOutputArgs(stack: string): string[] {
  return ['stack', 'output', '--json', '--show-secrets', '--stack', stack];
}

/**
 * Runs `pulumi stack output --json --show-secrets --stack <stack>` and returns its stdout. Throws PulumiCliError
 * when the CLI is not installed or exits with an error (its stderr included).
 */
export function runPulumiStackOutput(stack: string, cli: PulumiCli = {}): Promise<string> {
  const command = cli.command ?? 'pulumi';
  const args = stackOutputArgs(stack);
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: cli.cwd, maxBuffer: 256 * 2 ** 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(
          new PulumiCliError(shown, `the pulumi CLI was not found (${command} is not on PATH). Install it (https://www.pulumi.com/docs/iac/download-install/) or save the outputs elsewhere with pulumi stack output --json --show-secrets and pass --from-file`),
        );
      }
      reject(new PulumiCliError(shown, `failed (exit code ${String(error.code ?? error.signal)}): ${stderr.trim() || error.message}`));
    });
  });
}
