import { createHash } from 'node:crypto';
import { SensorlakeError } from '../../core/errors.js';
import { isWireSecret } from '../testing/index.js';

/** What a redacted value is replaced by. */
export const REDACTED = '[secret]';

/** Keys whose values are secret whatever their marking: private keys, passwords, passphrases. */
export const SECRET_KEY_PATTERN = /private[-_]?key|password|passwd|passphrase/i;

/** PEM private key material (`-----BEGIN [RSA |EC |ENCRYPTED ]PRIVATE KEY-----`), wherever it appears. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** A value the graph cannot represent faithfully (so it is refused rather than written wrong). */
export class GraphValueError extends SensorlakeError {
  override name = 'GraphValueError';

  constructor(
    /** Where the value sits, e.g. `inputs.code.assets`. */
    readonly path: string,
    /** What was found there. */
    readonly found: string,
  ) {
    super(`cannot write ${path} into the resource graph: found ${found}, expected JSON data, a secret or an asset`);
  }
}

/** How many values a redaction replaced. */
export interface RedactionCount {
  redacted: number;
}

interface AssetLike {
  readonly __pulumiAsset?: boolean;
  readonly __pulumiArchive?: boolean;
  readonly text?: Promise<string> | string;
  readonly path?: Promise<string> | string;
  readonly uri?: Promise<string> | string;
  readonly assets?: Promise<Record<string, unknown>> | Record<string, unknown>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An asset or archive as the graph shows it: its kind and a digest or location, never a megabyte of code. */
async function describeAsset(value: AssetLike, at: string, count: RedactionCount): Promise<unknown> {
  if (value.assets !== undefined) {
    const assets = await value.assets;
    const described: Record<string, unknown> = {};
    for (const name of Object.keys(assets).sort()) {
      described[name] = await redactValue(assets[name], `${at}.assets.${name}`, count);
    }
    return { archive: described };
  }
  if (value.text !== undefined) {
    const text = await value.text;
    return { asset: 'string', bytes: Buffer.byteLength(text), sha256: sha256(text) };
  }
  if (value.path !== undefined) return { [value.__pulumiArchive ? 'archive' : 'asset']: 'file', path: await value.path };
  if (value.uri !== undefined) return { [value.__pulumiArchive ? 'archive' : 'asset']: 'remote', uri: await value.uri };
  throw new GraphValueError(at, 'an asset of unknown kind');
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Copies `value` for the graph with every secret replaced by REDACTED: a value the Pulumi runtime marks secret,
 * the value of any key matching SECRET_KEY_PATTERN, and any string holding a PEM private key. Object keys come
 * out sorted, so equal graphs serialize to equal bytes. Assets and archives become their kind and digest.
 * `count.redacted` is increased once per replaced value.
 */
export async function redactValue(value: unknown, at: string, count: RedactionCount): Promise<unknown> {
  if (isWireSecret(value)) {
    count.redacted += 1;
    return REDACTED;
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (PRIVATE_KEY_PEM.test(value)) {
      count.redacted += 1;
      return REDACTED;
    }
    return value;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const [index, item] of value.entries()) items.push(await redactValue(item, `${at}[${index}]`, count));
    return items;
  }
  if (typeof value === 'object') {
    const asset = value as AssetLike;
    if (asset.__pulumiAsset === true || asset.__pulumiArchive === true) return describeAsset(asset, at, count);
    if (!isPlainObject(value)) throw new GraphValueError(at, `an instance of ${value.constructor.name}`);
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      if (SECRET_KEY_PATTERN.test(key)) {
        count.redacted += 1;
        copy[key] = REDACTED;
      } else {
        copy[key] = await redactValue(item, `${at}.${key}`, count);
      }
    }
    return copy;
  }
  throw new GraphValueError(at, `a ${typeof value}`);
}
