import { readFileSync } from 'node:fs';
import { DeviceIdsError } from './errors.js';

/** Characters AWS IoT allows in a thing name; an explicit device id is also the MQTT client id and a topic level. */
export const THING_NAME_PATTERN = /^[a-zA-Z0-9:_-]+$/;
/** AWS IoT's limit on a thing name (and on an MQTT client id). */
export const MAX_THING_NAME_LENGTH = 128;

const EXPECTED = `a thing name of 1 to ${MAX_THING_NAME_LENGTH} characters from [a-zA-Z0-9:_-]`;

/** One id with where it was found, for messages. */
interface Located {
  readonly value: unknown;
  readonly location: string;
}

/** Throws DeviceIdsError for the first id that is not a thing name, the first duplicate, or an empty list. */
function check(items: readonly Located[], source: string): string[] {
  if (items.length === 0) throw new DeviceIdsError(source, '', undefined, 'holds no device ids: expected at least one');
  const seen = new Map<string, string>();
  for (const { value, location } of items) {
    if (typeof value !== 'string' || !THING_NAME_PATTERN.test(value) || value.length > MAX_THING_NAME_LENGTH) {
      throw new DeviceIdsError(source, location, value, `is not a valid device id: expected ${EXPECTED}`);
    }
    const first = seen.get(value);
    if (first !== undefined) throw new DeviceIdsError(source, location, value, `is a duplicate (first at ${first})`);
    seen.set(value, location);
  }
  return items.map((i) => i.value as string);
}

/** Validates an explicit device list (thing-name charset, no duplicates, non-empty); `source` names it in errors. */
export function checkDeviceIds(ids: readonly unknown[], source = 'deviceIds'): string[] {
  return check(ids.map((value, i) => ({ value, location: `item ${i + 1}` })), source);
}

/**
 * Parses a device-id list: a JSON array of strings (when the text starts with `[` or `{`) or one id per line (blank lines
 * ignored, surrounding spaces trimmed). Throws DeviceIdsError naming `source`, the position and the offending value.
 */
export function parseDeviceIds(text: string, source: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(body)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new DeviceIdsError(source, '', undefined, `is not valid JSON (${(error as Error).message}): expected a JSON array of ids or one id per line`);
    }
    if (!Array.isArray(parsed)) throw new DeviceIdsError(source, '', undefined, 'is not a JSON array of ids');
    return checkDeviceIds(parsed, source);
  }
  const items: Located[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    const id = line.trim();
    if (id !== '') items.push({ value: id, location: `line ${i + 1}` });
  });
  return check(items, source);
}

/** Reads and parses a device-id file (see parseDeviceIds). */
export function readDeviceIdsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeviceIdsError(file, '', undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseDeviceIds(text, file);
}
