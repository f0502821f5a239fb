import { readFileSync } from 'node:fs';
import { DEVICE_ID_EXPECTED, isDeviceId } from '../core/ids.js';
import { DeviceIdsError } from './errors.js';

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
    if (!isDeviceId(value)) {
      throw new DeviceIdsError(source, location, value, `is not a valid device id: expected ${DEVICE_ID_EXPECTED}`);
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
