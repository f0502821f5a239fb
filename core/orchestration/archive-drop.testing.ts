import { zipSync, type Zippable } from 'fflate';
import { ArchiveChangedError, type ArchiveDropStore, type ArchiveFailureRecord, type ArchiveLimits, type FailedKeys, type PipelineStarter, type StagedObject } from './archive-drop.js';
import { EOCD_SEARCH_BYTES, locateDirectory } from './archive-zip.js';

/** Small limits so the tests build their hostile archives in milliseconds. */
export const TEST_LIMITS: ArchiveLimits = { maxEntries: 8, maxEntryBytes: 6 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024, maxCompressionRatio: 100 };

/** A zip of these files (path → text or bytes), deflated unless `level` 0. */
export function zipOf(files: Record<string, string | Uint8Array | [Uint8Array, { os?: number; attrs?: number }]>, level: 0 | 6 = 6): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, value] of Object.entries(files)) {
    if (Array.isArray(value)) zippable[name] = [value[0], { ...value[1], level }];
    else zippable[name] = [typeof value === 'string' ? new TextEncoder().encode(value) : value, { level }];
  }
  return zipSync(zippable);
}

/** Deterministic bytes that do not compress (xorshift), so sizes survive deflate. */
export function incompressible(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * The archive with central directory record `index` patched by `patch` (a DataView of the copy and the record's
 * offset): hostile archives no zip writer produces.
 */
export function withCentralRecord(archive: Uint8Array, index: number, patch: (v: DataView, at: number) => void): Uint8Array {
  const copy = archive.slice();
  const tailStart = Math.max(0, copy.length - EOCD_SEARCH_BYTES);
  const location = locateDirectory(copy.subarray(tailStart), copy.length, 1 << 16);
  const v = new DataView(copy.buffer);
  let at = location.offset;
  for (let n = 0; n < index; n++) at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  patch(v, at);
  return copy;
}

/** The archive with the central directory's uncompressed size of entry `index` set to `size` (a lying header). */
export function withDeclaredSize(archive: Uint8Array, index: number, size: number): Uint8Array {
  return withCentralRecord(archive, index, (v, at) => v.setUint32(at + 24, size, true));
}

/** The archive with one byte of entry `index`'s name changed to `char`, in its local header only (a smuggled entry). */
export function withLocalNameByte(archive: Uint8Array, index: number, char: string): Uint8Array {
  let offset = 0;
  const located = withCentralRecord(archive, index, (v, at) => {
    offset = v.getUint32(at + 42, true);
  });
  located[offset + 30] = char.charCodeAt(0);
  return located;
}

/** The archive with its end-of-central-directory record's disk number set to `disk` (a multi-disk archive). */
export function withDiskNumber(archive: Uint8Array, disk: number): Uint8Array {
  const copy = archive.slice();
  // zipSync writes no archive comment, so the end record is the last 22 bytes.
  new DataView(copy.buffer).setUint16(copy.length - 22 + 4, disk, true);
  return copy;
}

/**
 * A staging and raw store in memory, recording what the drop did. Each staged object has an ETag (`"e1"` unless
 * set in `etags`); a read naming another ETag throws ArchiveChangedError, as S3 answers 412 to `If-Match`.
 */
export class MemoryDropStore implements ArchiveDropStore {
  readonly staged = new Map<string, Uint8Array>();
  readonly etags = new Map<string, string>();
  readonly temporary = new Map<string, Uint8Array>();
  readonly raw = new Map<string, Uint8Array>();
  readonly failed = new Map<string, { archive: Uint8Array; reasonKey: string; reason: ArchiveFailureRecord }>();
  readonly removed: string[] = [];
  /** Called after each chunk `stream` yields (its 1-based number): a test replaces the object mid-read here. */
  afterChunk: (chunk: number) => void = () => undefined;
  /** Bytes per chunk of `stream`, so entries span chunks as they do from S3. */
  constructor(readonly chunkSize = 4096, readonly bucket = 'staging-bucket') {}

  async size(object: StagedObject): Promise<number | undefined> {
    if (!this.staged.has(object.key)) return undefined;
    return this.object(object).length;
  }

  async readRange(object: StagedObject, start: number, end: number): Promise<Uint8Array> {
    return this.object(object).slice(start, end);
  }

  async *stream(object: StagedObject): AsyncIterable<Uint8Array> {
    const body = this.object(object);
    for (let i = 0, n = 1; i < body.length; i += this.chunkSize, n++) {
      this.object(object);
      yield body.slice(i, i + this.chunkSize);
      this.afterChunk(n);
    }
  }

  async writeTemporary(key: string, body: Uint8Array): Promise<void> {
    this.temporary.set(key, body);
  }

  async commitRaw(temporaryKey: string, rawKey: string): Promise<void> {
    const body = this.temporary.get(temporaryKey);
    if (body === undefined) throw new Error(`no temporary object ${temporaryKey}`);
    this.raw.set(rawKey, body);
    this.temporary.delete(temporaryKey);
  }

  async removeTemporary(key: string): Promise<void> {
    this.temporary.delete(key);
  }

  async moveToFailed(object: StagedObject, failed: FailedKeys, reason: ArchiveFailureRecord): Promise<void> {
    this.failed.set(failed.archiveKey, { archive: this.object(object), reasonKey: failed.reasonKey, reason });
    this.staged.delete(object.key);
  }

  async remove(object: StagedObject): Promise<void> {
    this.removed.push(object.key);
    this.staged.delete(object.key);
  }

  private object(object: StagedObject): Uint8Array {
    const body = this.staged.get(object.key);
    if (body === undefined) throw new Error(`no staged object ${object.key}`);
    if (object.etag !== undefined && object.etag !== (this.etags.get(object.key) ?? '"e1"')) throw new ArchiveChangedError(this.bucket, object);
    return body;
  }
}

/** A pipeline that remembers the names it started, as Step Functions does. */
export class MemoryPipeline implements PipelineStarter {
  readonly executions = new Map<string, string>();

  async start(name: string, input: string): Promise<'started' | 'already-started'> {
    if (this.executions.has(name)) return 'already-started';
    this.executions.set(name, input);
    return 'started';
  }
}
