import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { SensorlakeError } from '../errors.js';
import { commaList, type EnvironmentConfig } from '../settings.js';
import { TABLE_NAME_PATTERN } from './archive-drop-tables.js';
import { pipelineInput } from './pipeline.js';
export { RESERVED_RAW_FOLDERS, TABLE_NAME_PATTERN, tableListProblems } from './archive-drop-tables.js';
import { EOCD_SEARCH_BYTES, ZipStructureError, locateDirectory, parseDirectory, type ZipEntry } from './archive-zip.js';

/**
 * The archive drop (the seed's `decompress` Lambda, done right): `in/<table>.zip` in the staging bucket is checked
 * whole against its central directory (entry count, sizes, compression ratio, paths, symlinks) before a byte is
 * written, then streamed once through fflate's `Unzip` into a temporary prefix of the staging bucket, each entry's
 * actual size and CRC checked as it inflates, and copied into the raw zone under `<table>/` only once the whole
 * archive verified (a refused archive leaves nothing in raw, and never overwrites an earlier drop's file); then the
 * pipeline is started under a name derived from the object's identity, so the same drop never starts two runs. Every
 * read is of the object the event names (its ETag): one replaced meanwhile is refused as `changed`. A bad archive
 * moves to `failed/<name>/<version or ETag>/` with `reason.json` beside it, so each refusal is kept. S3 and Step
 * Functions are behind ArchiveDropStore and PipelineStarter, so the Lambda and the local twin run this same code.
 */

/** Where drops are put in the staging bucket. */
export const DROP_PREFIX = 'in/';
/** Where a refused archive is moved: `failed/<name>/<version or ETag>/<name>`, with REASON_FILE beside it. */
export const FAILED_PREFIX = 'failed/';
/** Where entries wait in the staging bucket until their archive verified: `tmp/<execution name>/<entry>`. */
export const TEMPORARY_PREFIX = 'tmp/';
/** The only archive format accepted. */
export const ARCHIVE_SUFFIX = '.zip';
/** The reason written beside a failed archive. */
export const REASON_FILE = 'reason.json';

/** Extensions an entry may have (data files the raw crawler reads); anything else refuses the archive. */
export const ALLOWED_ENTRY_EXTENSIONS: readonly string[] = ['.csv', '.json', '.ndjson', '.jsonl', '.parquet', '.txt', '.csv.gz', '.ndjson.gz', '.json.gz'];

/** One path segment: letters, digits and `._=-` (Hive partitions `dt=...`), never `.` or `..`. */
const SEGMENT = /^[A-Za-z0-9_=.-]{1,255}$/;
/** S3 keys are at most 1024 bytes; the table prefix takes up to 41 of them. */
const MAX_ENTRY_NAME_BYTES = 900;
/** Entries smaller than this are not checked for ratio: a small file that compresses well cannot fill anything. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Step Functions execution names: 1 to 80 of these characters (StartExecution API reference). */
export const EXECUTION_NAME_MAX = 80;

/** What an archive may hold. */
export interface ArchiveLimits {
  /** Entries in the central directory, directories included. */
  readonly maxEntries: number;
  /** Uncompressed bytes of one entry (it is held in memory while it is written). */
  readonly maxEntryBytes: number;
  /** Uncompressed bytes of the whole archive. */
  readonly maxTotalBytes: number;
  /** Uncompressed / compressed bytes of an entry of at least RATIO_FLOOR_BYTES, and of the whole archive. */
  readonly maxCompressionRatio: number;
}

const MIB = 1024 * 1024;

/** The drop tables and limits from an environment's settings: the one mapping the stack's function and the twin use. */
export function archiveDropSettings(config: Pick<EnvironmentConfig, 'archiveDropTables' | 'archiveMaxEntries' | 'archiveMaxEntryMiB' | 'archiveMaxTotalMiB' | 'archiveMaxCompressionRatio'>): {
  readonly tables: readonly string[];
  readonly limits: ArchiveLimits;
} {
  return {
    tables: commaList(config.archiveDropTables),
    limits: {
      maxEntries: config.archiveMaxEntries,
      maxEntryBytes: config.archiveMaxEntryMiB * MIB,
      maxTotalBytes: config.archiveMaxTotalMiB * MIB,
      maxCompressionRatio: config.archiveMaxCompressionRatio,
    },
  };
}

/** Why an archive was refused. */
export type ArchiveFailureReason =
  | 'bad-archive-name'
  | 'unknown-table'
  | 'not-a-zip'
  | 'corrupt'
  | 'zip64-unsupported'
  | 'too-many-entries'
  | 'empty-archive'
  | 'entry-too-large'
  | 'total-too-large'
  | 'compression-ratio'
  | 'unsafe-path'
  | 'symlink'
  | 'extension-not-allowed'
  | 'duplicate-entry'
  | 'encrypted-entry'
  | 'unsupported-compression'
  | 'size-mismatch'
  | 'crc-mismatch';

/** The reason a refused archive carries (`failed/<name>.reason.json`). */
export interface ArchiveFailure {
  readonly reason: ArchiveFailureReason;
  /** What was wrong and with which value. */
  readonly detail: string;
  /** The entry at fault, when one is. */
  readonly entry?: string;
}

/** The dropped object, as the S3 event names it. */
export interface DroppedObject {
  readonly bucket: string;
  /** The key, decoded (see s3EventKey). */
  readonly key: string;
  /** The object's ETag, from the event. */
  readonly etag?: string;
  /** The object's version id, from the event (versioned buckets). */
  readonly versionId?: string;
}

/** The object an event names: every read of it is conditional on its ETag (S3 `If-Match`) when the event gives one. */
export interface StagedObject {
  readonly key: string;
  readonly etag?: string;
}

/**
 * The staged object is no longer the one the event named (replaced, S3 answered 412 Precondition Failed): the drop
 * is refused as `changed`, and the new object is left for its own event.
 */
export class ArchiveChangedError extends SensorlakeError {
  override name = 'ArchiveChangedError';

  constructor(readonly bucket: string, readonly object: StagedObject) {
    super(`s3://${bucket}/${object.key} no longer has the ETag ${object.etag ?? '(none)'} of its event`);
  }
}

/** The staging and raw storage the drop reads and writes. Reads throw ArchiveChangedError when the ETag differs. */
export interface ArchiveDropStore {
  /** Size in bytes of the staged object, or undefined when it no longer exists (already processed). */
  size(object: StagedObject): Promise<number | undefined>;
  /** Bytes `[start, end)` of the staged object. */
  readRange(object: StagedObject, start: number, end: number): Promise<Uint8Array>;
  /** The staged object from its first byte, in chunks. */
  stream(object: StagedObject): AsyncIterable<Uint8Array>;
  /** Writes one extracted entry under TEMPORARY_PREFIX of the staging bucket. */
  writeTemporary(key: string, body: Uint8Array): Promise<void>;
  /** Copies a temporary entry into the raw zone at `rawKey`, then deletes the temporary one. */
  commitRaw(temporaryKey: string, rawKey: string): Promise<void>;
  /** Deletes a temporary entry of a refused archive. */
  removeTemporary(key: string): Promise<void>;
  /** Moves the staged object to `failed.archiveKey` and writes the reason to `failed.reasonKey`. */
  moveToFailed(object: StagedObject, failed: FailedKeys, reason: ArchiveFailureRecord): Promise<void>;
  /** Removes the staged object once its entries are written and the pipeline started (kept if it was replaced). */
  remove(object: StagedObject): Promise<void>;
}

/** Where one refusal is kept. */
export interface FailedKeys {
  readonly archiveKey: string;
  readonly reasonKey: string;
}

/** Starts the pipeline; a name already used is not an error. */
export interface PipelineStarter {
  start(name: string, input: string): Promise<'started' | 'already-started'>;
}

/** What processArchiveDrop needs. */
export interface ArchiveDropDeps {
  readonly store: ArchiveDropStore;
  readonly pipeline: PipelineStarter;
  readonly limits: ArchiveLimits;
  /** Tables a drop may write (each matches TABLE_NAME_PATTERN and is not reserved); the role grants only these. */
  readonly tables: readonly string[];
}

/** Entries by outcome; `written + refused + directories = seen`. */
export interface EntryCounts {
  readonly seen: number;
  readonly written: number;
  readonly refused: number;
  /** Directory entries: nothing to write, their files are entries of their own. */
  readonly directories: number;
}

/** What happened to one drop. */
export type ArchiveDropResult =
  | { readonly status: 'started' | 'already-started'; readonly table: string; readonly executionName: string; readonly entries: EntryCounts; readonly bytesWritten: number }
  | { readonly status: 'failed'; readonly failure: ArchiveFailure; readonly failedKey: string; readonly entries: EntryCounts; readonly bytesWritten: 0 }
  | { readonly status: 'changed'; readonly detail: string; readonly entries: EntryCounts; readonly bytesWritten: 0 }
  | { readonly status: 'gone'; readonly entries: EntryCounts; readonly bytesWritten: 0 };

/** The reason file's content. */
export interface ArchiveFailureRecord extends ArchiveFailure {
  readonly archive: string;
  readonly etag?: string;
  readonly versionId?: string;
  readonly entries: EntryCounts;
}

/** The pipeline's input for a drop. */
export interface ArchiveDropInput {
  readonly trigger: 'archive-drop';
  readonly table: string;
  /** `s3://<staging bucket>/<key>`. */
  readonly archive: string;
  /** Raw-zone folder the entries were written under (`<table>/`). */
  readonly rawPrefix: string;
  readonly entries: number;
}

/** The object key of an S3 event record, decoded (S3 URL-encodes it, spaces as `+`). */
export function s3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/** The table of a drop key `in/<table>.zip`, or the failure naming what is wrong with the key. */
export function tableOfKey(key: string, tables: readonly string[]): { table: string } | { failure: ArchiveFailure } {
  const name = key.startsWith(DROP_PREFIX) ? key.slice(DROP_PREFIX.length) : undefined;
  if (name === undefined || !name.endsWith(ARCHIVE_SUFFIX) || name.includes('/')) {
    return { failure: { reason: 'bad-archive-name', detail: `key ${JSON.stringify(key)} is not ${DROP_PREFIX}<table>${ARCHIVE_SUFFIX}` } };
  }
  const table = name.slice(0, -ARCHIVE_SUFFIX.length);
  if (!TABLE_NAME_PATTERN.test(table)) {
    return { failure: { reason: 'bad-archive-name', detail: `table ${JSON.stringify(table)} does not match ${TABLE_NAME_PATTERN.source}` } };
  }
  if (!tables.includes(table)) {
    return { failure: { reason: 'unknown-table', detail: `table ${JSON.stringify(table)} is not one of the drop tables (${tables.join(', ')})` } };
  }
  return { table };
}

/**
 * The execution name of a drop: the same object (bucket, key and version, else ETag) always gives the same name,
 * a new upload a new one. `drop-<table>-<32 hex of SHA-256>`: at most 78 characters of `[a-z0-9_-]`.
 */
export function executionName(drop: DroppedObject, table: string): string {
  const identity = JSON.stringify([drop.bucket, drop.key, drop.versionId ?? null, drop.etag ?? null]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  return `drop-${table}-${hash}`;
}

/** A key segment of an identity: S3 version ids and ETags hold letters, digits, `._-` (ETags quotes, dropped). */
function identitySegment(value: string): string {
  return value.replace(/"/g, '').replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

/**
 * Where a refused drop is kept: `failed/<name>/<version id, else ETag>/<name>` and `.../reason.json`, so a later
 * refusal of the same name keeps the earlier one. A drop with neither (never from an S3 event) gets a random id.
 */
export function failedKeysOf(drop: DroppedObject): FailedKeys {
  const name = drop.key.split('/').pop() || 'archive';
  const id = identitySegment(drop.versionId ?? drop.etag ?? `unidentified-${randomUUID()}`);
  const folder = `${FAILED_PREFIX}${name}/${id}/`;
  return { archiveKey: `${folder}${name}`, reasonKey: `${folder}${REASON_FILE}` };
}

/** Why an entry name is unsafe, or undefined: no absolute path, no `..` or `.`, no backslash, allowed characters. */
export function unsafePathProblem(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (new TextEncoder().encode(name).length > MAX_ENTRY_NAME_BYTES) return `is longer than ${MAX_ENTRY_NAME_BYTES} bytes`;
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') return `has a ${JSON.stringify(segment)} segment`;
    if (segment === '') return 'has an empty segment';
    if (!SEGMENT.test(segment)) return `has a segment ${JSON.stringify(segment)} outside [A-Za-z0-9_=.-]`;
  }
  return undefined;
}

function ratio(uncompressed: number, compressed: number): number {
  return uncompressed / Math.max(compressed, 1);
}

/** The first reason the directory's entries refuse the archive, checked before anything is extracted. */
export function directoryFailure(entries: readonly ZipEntry[], limits: ArchiveLimits): ArchiveFailure | undefined {
  if (entries.length > limits.maxEntries) {
    return { reason: 'too-many-entries', detail: `${entries.length} entries, more than the limit of ${limits.maxEntries}` };
  }
  if (entries.every((e) => e.directory)) return { reason: 'empty-archive', detail: 'the archive has no file entries' };
  const names = new Set<string>();
  let total = 0;
  let compressed = 0;
  for (const e of entries) {
    const fail = (reason: ArchiveFailureReason, detail: string): ArchiveFailure => ({ reason, detail: `entry ${JSON.stringify(e.name)} ${detail}`, entry: e.name });
    const unsafe = unsafePathProblem(e.name);
    if (unsafe !== undefined) return fail('unsafe-path', unsafe);
    if (e.symlink) return fail('symlink', 'is a symbolic link');
    if (names.has(e.name)) return fail('duplicate-entry', 'appears more than once');
    names.add(e.name);
    if ((e.flags & 0x1) !== 0) return fail('encrypted-entry', 'is encrypted');
    if (e.directory) continue;
    if (e.method !== 0 && e.method !== 8) return fail('unsupported-compression', `uses compression method ${e.method} (only 0 stored and 8 deflate)`);
    if (!ALLOWED_ENTRY_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) {
      return fail('extension-not-allowed', `has an extension outside ${ALLOWED_ENTRY_EXTENSIONS.join(', ')}`);
    }
    if (e.uncompressedSize > limits.maxEntryBytes) return fail('entry-too-large', `declares ${e.uncompressedSize} bytes, more than the limit of ${limits.maxEntryBytes}`);
    if (e.uncompressedSize >= RATIO_FLOOR_BYTES && ratio(e.uncompressedSize, e.compressedSize) > limits.maxCompressionRatio) {
      return fail('compression-ratio', `expands ${e.compressedSize} bytes to ${e.uncompressedSize} (ratio ${ratio(e.uncompressedSize, e.compressedSize).toFixed(0)}, limit ${limits.maxCompressionRatio})`);
    }
    total += e.uncompressedSize;
    compressed += e.compressedSize;
  }
  if (total > limits.maxTotalBytes) return { reason: 'total-too-large', detail: `the entries declare ${total} bytes, more than the limit of ${limits.maxTotalBytes}` };
  if (total >= RATIO_FLOOR_BYTES && ratio(total, compressed) > limits.maxCompressionRatio) {
    return { reason: 'compression-ratio', detail: `the archive expands ${compressed} bytes to ${total} (ratio ${ratio(total, compressed).toFixed(0)}, limit ${limits.maxCompressionRatio})` };
  }
  return undefined;
}

class ExtractionFailure extends Error {
  constructor(readonly failure: ArchiveFailure) {
    super(failure.detail);
  }
}

/** Reads and checks the central directory; a structure problem becomes the archive's failure. */
async function readDirectory(store: ArchiveDropStore, object: StagedObject, size: number, limits: ArchiveLimits): Promise<ZipEntry[]> {
  try {
    const tailStart = Math.max(0, size - EOCD_SEARCH_BYTES);
    const location = locateDirectory(await store.readRange(object, tailStart, size), size, limits.maxEntries);
    return parseDirectory(await store.readRange(object, location.offset, location.offset + location.size), location);
  } catch (error) {
    if (error instanceof ZipStructureError) throw new ExtractionFailure({ reason: error.problem, detail: error.detail });
    throw error;
  }
}

/**
 * Streams the archive once through fflate's Unzip, writing each file entry under `temporaryPrefix` as soon as it is
 * whole (its name and temporary key kept in `written`). Each entry is checked against its directory record as it inflates: the same
 * name in the same order, at most its declared size (so a lying header cannot grow past the limits), and its CRC-32
 * at the end.
 */
async function extract(
  store: ArchiveDropStore,
  object: StagedObject,
  temporaryPrefix: string,
  directory: readonly ZipEntry[],
  counts: { directories: number },
  written: { readonly name: string; readonly temporaryKey: string }[],
): Promise<void> {
  let index = 0;
  let failure: ArchiveFailure | undefined;
  const pending: Promise<void>[] = [];
  const unzip = new Unzip((file: UnzipFile) => {
    const expected = directory[index++];
    if (failure !== undefined) return file.terminate();
    if (expected === undefined || expected.name !== file.name) {
      failure = { reason: 'corrupt', detail: `local entry ${JSON.stringify(file.name)} is not the directory's next entry ${JSON.stringify(expected?.name ?? null)}`, entry: file.name };
      return file.terminate();
    }
    if (expected.directory) {
      counts.directories++;
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    let crc = 0;
    file.ondata = (error, chunk, final) => {
      if (failure !== undefined) return;
      if (error) {
        failure = { reason: 'corrupt', detail: `entry ${JSON.stringify(file.name)} does not inflate: ${error.message}`, entry: file.name };
        return;
      }
      size += chunk.length;
      if (size > expected.uncompressedSize) {
        failure = { reason: 'size-mismatch', detail: `entry ${JSON.stringify(file.name)} inflates past its declared ${expected.uncompressedSize} bytes`, entry: file.name };
        file.terminate();
        return;
      }
      crc = crc32(chunk, crc);
      chunks.push(chunk);
      if (!final) return;
      if (size !== expected.uncompressedSize) {
        failure = { reason: 'size-mismatch', detail: `entry ${JSON.stringify(file.name)} inflates to ${size} bytes, not its declared ${expected.uncompressedSize}`, entry: file.name };
        return;
      }
      if (crc >>> 0 !== expected.crc32 >>> 0) {
        failure = { reason: 'crc-mismatch', detail: `entry ${JSON.stringify(file.name)} has CRC-32 ${(crc >>> 0).toString(16)}, the directory says ${(expected.crc32 >>> 0).toString(16)}`, entry: file.name };
        return;
      }
      const body = Buffer.concat(chunks);
      chunks.length = 0;
      pending.push(
        store.writeTemporary(`${temporaryPrefix}${file.name}`, body).then(() => {
          written.push({ name: file.name, temporaryKey: `${temporaryPrefix}${file.name}` });
        }),
      );
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const settle = async () => {
    // Waiting for the writes before the next chunk is the back-pressure that keeps memory to one entry or so.
    const writes = pending.splice(0);
    await Promise.all(writes);
  };
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      failure ??= { reason: 'corrupt', detail: `the archive does not unzip: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  for await (const chunk of store.stream(object)) {
    push(chunk, false);
    await settle();
    if (failure !== undefined) throw new ExtractionFailure(failure);
  }
  push(new Uint8Array(0), true);
  await settle();
  if (failure !== undefined) throw new ExtractionFailure(failure);
  if (index < directory.length) {
    throw new ExtractionFailure({ reason: 'corrupt', detail: `the stream holds ${index} entries, the directory ${directory.length}` });
  }
}

/**
 * Processes one dropped archive: checks its name and directory, extracts it under a temporary prefix, copies the
 * entries into `<table>/` of the raw zone once all verified, starts the pipeline under executionName (an existing
 * execution of that name counts as already started), and removes the archive. A refused archive is moved to
 * failedKeysOf with its reason and its extracted entries are deleted; one replaced since its event (every read is
 * conditional on the event's ETag) is `changed`, and nothing of it is kept. Every entry is counted once: written
 * (in raw), refused (not written, the archive refused or changed) or a directory.
 */
export async function processArchiveDrop(drop: DroppedObject, deps: ArchiveDropDeps): Promise<ArchiveDropResult> {
  const { store, limits } = deps;
  const object: StagedObject = { key: drop.key, ...(drop.etag === undefined ? {} : { etag: drop.etag }) };
  const counts = { directories: 0 };
  const extracted: { readonly name: string; readonly temporaryKey: string }[] = [];
  let seen = 0;
  let written = 0;
  const entries = (): EntryCounts => ({ seen, written, refused: seen - written - counts.directories, directories: counts.directories });
  const discard = async () => {
    for (const entry of extracted.splice(0)) await store.removeTemporary(entry.temporaryKey);
  };
  const changed = async (error: ArchiveChangedError): Promise<ArchiveDropResult> => {
    await discard();
    return { status: 'changed', detail: error.message, entries: entries(), bytesWritten: 0 };
  };

  let size: number | undefined;
  try {
    size = await store.size(object);
  } catch (error) {
    if (error instanceof ArchiveChangedError) return changed(error);
    throw error;
  }
  if (size === undefined) return { status: 'gone', entries: entries(), bytesWritten: 0 };

  const fail = async (failure: ArchiveFailure): Promise<ArchiveDropResult> => {
    await discard();
    const failed = failedKeysOf(drop);
    const record: ArchiveFailureRecord = {
      ...failure,
      archive: `s3://${drop.bucket}/${drop.key}`,
      ...(drop.etag === undefined ? {} : { etag: drop.etag }),
      ...(drop.versionId === undefined ? {} : { versionId: drop.versionId }),
      entries: entries(),
    };
    try {
      await store.moveToFailed(object, failed, record);
    } catch (error) {
      if (error instanceof ArchiveChangedError) return changed(error);
      throw error;
    }
    return { status: 'failed', failure, failedKey: failed.archiveKey, entries: entries(), bytesWritten: 0 };
  };

  const named = tableOfKey(drop.key, deps.tables);
  if ('failure' in named) return fail(named.failure);
  const { table } = named;
  const prefix = `${table}/`;
  const name = executionName(drop, table);

  let directory: ZipEntry[];
  try {
    directory = await readDirectory(store, object, size, limits);
    seen = directory.length;
    const refused = directoryFailure(directory, limits);
    if (refused !== undefined) return fail(refused);
    await extract(store, object, `${TEMPORARY_PREFIX}${name}/`, directory, counts, extracted);
  } catch (error) {
    if (error instanceof ExtractionFailure) return fail(error.failure);
    if (error instanceof ArchiveChangedError) return changed(error);
    // An S3 error: the event is retried; what this attempt extracted is not left behind.
    await discard();
    throw error;
  }

  let bytesWritten = 0;
  const sizes = new Map(directory.map((e) => [e.name, e.uncompressedSize]));
  for (const entry of extracted.splice(0)) {
    await store.commitRaw(entry.temporaryKey, `${prefix}${entry.name}`);
    written++;
    bytesWritten += sizes.get(entry.name) ?? 0;
  }

  const input: ArchiveDropInput = pipelineInput({ trigger: 'archive-drop', table, archive: `s3://${drop.bucket}/${drop.key}`, rawPrefix: prefix, entries: written });
  const status = await deps.pipeline.start(name, JSON.stringify(input));
  await store.remove(object);
  return { status, table, executionName: name, entries: entries(), bytesWritten };
}
