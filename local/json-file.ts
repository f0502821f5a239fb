import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { InvalidValueError } from '../core/errors.js';

/**
 * Writes `value` as JSON to `file` atomically: a temporary file beside it, then a rename, so a reader (the
 * dashboard, polling while `npm start` runs) sees the old file or the new one, never half of one.
 */
export function writeJsonFileAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes `body` to `file` whole or not at all: a temporary file beside it, named uniquely so two writers of one
 * file never share it, then a rename; the folder is made when missing.
 */
export function writeFileAtomic(file: string, body: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/**
 * Reads a JSON file the project wrote and validates it with `schema`: undefined when there is no file; a file that
 * is not JSON, or whose content the schema refuses, is an InvalidValueError naming the file and the field at fault.
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidValueError('content', text.slice(0, 80), `JSON (${(error as Error).message})`, `file ${file}`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'content' : issue.path.join('.');
  const found = issue === undefined ? value : issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), value);
  throw new InvalidValueError(field, found, issue?.message ?? 'a valid record', `file ${file}: field`);
}
