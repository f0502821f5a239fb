import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ArchiveChangedError,
  ARCHIVE_SUFFIX,
  DROP_PREFIX,
  processArchiveDrop,
  type ArchiveDropResult,
  type ArchiveDropStore,
  type ArchiveLimits,
  type PipelineStarter,
  type StagedObject,
} from '../../core/orchestration/archive-drop.js';
import { RAW_TELEMETRY } from '../../core/lake/tables.js';
import type { PipelineOptions } from '../../core/orchestration/index.js';
import { startLakeTwin, type LakeTwin } from '../lake/index.js';
import { runPipelineTwin } from './pipeline-twin.js';

/**
 * Archive drops in the twin: the staging bucket is `<dataDir>/staging/` (`in/<table>.zip` in, `tmp/` for entries
 * until the whole archive verified, `failed/<name>/<ETag>/` with its `reason.json` for a refused one), the raw zone `<dataDir>/raw/`, and a drop goes through the very core the
 * Lambda runs (core/orchestration's processArchiveDrop), its pipeline a local execution under the drop's
 * deterministic name.
 */

/** The staging bucket's name in the twin's drop identities (`s3://<name>/in/<table>.zip`). */
export const LOCAL_STAGING_BUCKET = 'sensorlake-local-staging';

/** The twin's staging folder. */
export function stagingDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'staging');
}

/** Where the local starter records the executions it started, one `<name>.json` each. */
export function dropExecutionsDir(dataDir: string): string {
  return path.join(stagingDir(dataDir), 'executions');
}

/** Writes a file whole or not at all (a reader never sees half of it). */
async function writeAtomic(file: string, body: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}

/** The MD5 of a file's bytes: S3's ETag of a single-part upload, so the twin's If-Match behaves as S3's. */
async function md5Of(file: string): Promise<string | undefined> {
  try {
    return createHash('md5').update(await readFile(file)).digest('hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The ArchiveDropStore over the twin's folders: staging keys under `<dataDir>/staging/`, raw keys under
 * `<dataDir>/raw/`. Every read of a staged object with an ETag is conditional on it, as S3's If-Match: a file
 * replaced since its drop was seen is ArchiveChangedError.
 */
export function localDropStore(dataDir: string): ArchiveDropStore {
  const staging = stagingDir(dataDir);
  const raw = path.join(path.resolve(dataDir), RAW_TELEMETRY.zone);
  const staged = (key: string) => path.join(staging, key);
  const ifMatch = async (object: StagedObject) => {
    if (object.etag === undefined) return;
    const current = await md5Of(staged(object.key));
    if (current !== undefined && current !== object.etag) throw new ArchiveChangedError(LOCAL_STAGING_BUCKET, object);
  };
  return {
    async size(object) {
      await ifMatch(object);
      try {
        return (await stat(staged(object.key))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async readRange(object, start, end) {
      await ifMatch(object);
      const handle = await open(staged(object.key), 'r');
      try {
        const buffer = Buffer.alloc(Math.max(0, end - start));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async *stream(object) {
      await ifMatch(object);
      yield* createReadStream(staged(object.key));
    },
    writeTemporary: (key, body) => writeAtomic(staged(key), body),
    async commitRaw(temporaryKey, rawKey) {
      const target = path.join(raw, rawKey);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(staged(temporaryKey), target);
    },
    removeTemporary: (key) => rm(staged(key), { force: true }),
    async moveToFailed(object, failed, reason) {
      await ifMatch(object);
      await mkdir(path.dirname(staged(failed.archiveKey)), { recursive: true });
      await rename(staged(object.key), staged(failed.archiveKey));
      await writeAtomic(staged(failed.reasonKey), `${JSON.stringify(reason, null, 2)}\n`);
    },
    async remove(object) {
      await ifMatch(object);
      await unlink(staged(object.key));
    },
  };
}

/** What the local starter records of an execution it started. */
export interface DropExecution {
  readonly name: string;
  readonly input: unknown;
  /** The process that claimed the name and runs it (a claim without `status`). */
  readonly pid?: number;
  /** The claim's own id (a claim without `status`): names the marker that takes it over. */
  readonly claim?: string;
  /** The execution's status once it ended; absent while it runs (or when the process died during it). */
  readonly status?: string;
  readonly error?: string;
}

/** A local execution of the pipeline under a given name and input; resolves with its status when it ended. */
export type LocalPipelineRun = (name: string, input: Readonly<Record<string, unknown>>) => Promise<{ readonly status: string; readonly error?: string }>;

/** The ids of the claims this process is running now. */
const running = new Set<string>();

/** True while process `pid` exists (EPERM: it does, under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when a claim is still being run: it ended (has a status), or its process is running it (this one, or
 * another that is alive). A claim without a status whose run is not going (the process died, or the run threw) is
 * unfinished: its data is in raw and no run finished, so it runs again.
 */
function claimHeld(record: DropExecution): boolean {
  if (record.status !== undefined) return true;
  if (record.pid === undefined) return false;
  return record.pid === process.pid ? record.claim !== undefined && running.has(record.claim) : processAlive(record.pid);
}

/** The marker whose exclusive create takes over `record` (a claim recorded before claims had ids: by its pid). */
function takeoverMarker(file: string, record: DropExecution): string {
  return `${file.slice(0, -'.json'.length)}.${record.claim ?? `pid-${record.pid ?? 'none'}`}.takeover`;
}

/**
 * Creates `file` with `body` only if no file has that name; false when one has. The body is written to a file of
 * its own first and then hard-linked to the name: link(2) is atomic and refuses an existing name (one creator wins
 * on a local filesystem), and a reader never sees the file before its whole body (as an O_EXCL create would show it
 * empty).
 */
async function createExclusive(file: string, body: string): Promise<boolean> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, body);
  try {
    await link(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp);
  }
}

/**
 * The claim now in force for the record file: the record, or, when it was taken over, the claim in its takeover
 * marker (followed again while that one was taken over too: a taker that died before rewriting the record).
 */
async function currentClaim(file: string): Promise<{ readonly record: DropExecution; readonly marker: string }> {
  let record = JSON.parse(await readFile(file, 'utf8')) as DropExecution;
  for (;;) {
    const marker = takeoverMarker(file, record);
    if (record.status !== undefined) return { record, marker };
    try {
      record = JSON.parse(await readFile(marker, 'utf8')) as DropExecution;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { record, marker };
      throw error;
    }
  }
}

/**
 * The PipelineStarter of the twin: a name seen before (its record in dropExecutionsDir, kept across runs of the
 * twin, as Step Functions keeps execution names) whose run ended or is still going is 'already-started' and starts
 * nothing; otherwise the name is claimed first, then the local run goes and its end is recorded.
 *
 * Claiming is an exclusive create (a hard link, atomic on a local filesystem), so of the processes that race one wins:
 * the record file for a new name, and for an unfinished claim `<name>.<claim id>.takeover` (each claim has its own
 * id, so a marker takes over that one claim and no later one). The winner then writes its claim into the record.
 * Markers stay, as the records do: removing one would let a taker that read the old claim take it over again.
 */
export function localPipelineStarter(dataDir: string, run: LocalPipelineRun): PipelineStarter {
  const dir = dropExecutionsDir(dataDir);
  return {
    async start(name, input) {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${name}.json`);
      const parsed = JSON.parse(input) as Readonly<Record<string, unknown>>;
      const own = { name, input: parsed, pid: process.pid, claim: randomUUID() } satisfies DropExecution;
      const claim = `${JSON.stringify(own)}\n`;
      running.add(own.claim);
      try {
        if (!(await createExclusive(file, claim))) {
          for (;;) {
            const current = await currentClaim(file);
            if (claimHeld(current.record)) return 'already-started';
            if (await createExclusive(current.marker, claim)) break;
          }
          await writeAtomic(file, claim);
        }
        const ended = await run(name, parsed);
        await writeAtomic(file, `${JSON.stringify({ name, input: parsed, status: ended.status, ...(ended.error === undefined ? {} : { error: ended.error }) } satisfies DropExecution)}\n`);
      } finally {
        running.delete(own.claim);
      }
      return 'started';
    },
  };
}

/** The executions the local starter recorded, by name order. */
export async function dropExecutions(dataDir: string): Promise<DropExecution[]> {
  const dir = dropExecutionsDir(dataDir);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as DropExecution));
}

/** The outcome of a drop as one line. */
export function formatDrop(key: string, result: ArchiveDropResult, pipeline?: { status: string; error?: string }): string {
  const entries = `${result.entries.written} of ${result.entries.seen} entries written (${result.bytesWritten} bytes)`;
  switch (result.status) {
    case 'started':
      return `drop ${key}: ${entries} to raw ${result.table}/; started ${result.executionName}: pipeline ${pipeline?.status ?? 'started'}${pipeline?.error === undefined ? '' : ` (${pipeline.error})`}`;
    case 'already-started':
      return `drop ${key}: ${entries} to raw ${result.table}/; ${result.executionName} already started by this archive: no new execution`;
    case 'failed':
      return `drop ${key}: refused, ${result.failure.reason}: ${result.failure.detail}; moved to ${result.failedKey}`;
    case 'changed':
      return `drop ${key}: replaced since it was seen (${result.detail}); left for its own drop`;
    case 'gone':
      return `drop ${key}: no longer staged, nothing done`;
  }
}

/** What a local drop needs: the tables and limits of the environment, and how to run the pipeline. */
export interface LocalDropDeps {
  readonly dataDir: string;
  readonly tables: readonly string[];
  readonly limits: ArchiveLimits;
  readonly run: LocalPipelineRun;
}

/**
 * Processes the staged object `key` (`in/<table>.zip` under the staging folder) with the core: its identity is the
 * local bucket, the key and the MD5 of its bytes (S3's ETag of a single-part upload), so the same zip put again
 * gets the same execution name and starts nothing.
 */
export async function processLocalDrop(key: string, deps: LocalDropDeps): Promise<ArchiveDropResult> {
  const file = path.join(stagingDir(deps.dataDir), key);
  const etag = await md5Of(file);
  return processArchiveDrop(
    { bucket: LOCAL_STAGING_BUCKET, key, ...(etag === undefined ? {} : { etag }) },
    { store: localDropStore(deps.dataDir), pipeline: localPipelineStarter(deps.dataDir, deps.run), limits: deps.limits, tables: deps.tables },
  );
}

/** Options of watchStaging. */
export interface StagingWatchOptions extends LocalDropDeps {
  /** Milliseconds between two looks at `in/`. Default 500. */
  readonly pollMs?: number;
  /** Receives each drop's outcome (and the key), in the order they ended. */
  readonly onDrop?: (key: string, result: ArchiveDropResult) => void;
  /** Receives an error of a drop that could not be processed (the file stays for the next look). */
  readonly onError?: (key: string, error: unknown) => void;
}

/** A running watch of the staging folder. */
export interface StagingWatch {
  /** Looks at `in/` once now: drops whose size and time stood still since the last look are processed. */
  poll(): Promise<void>;
  /** Stops looking and waits for the drop being processed. */
  stop(): Promise<void>;
}

/**
 * Watches `<dataDir>/staging/in/` by polling: a `.zip` is processed once its size and modification time are the
 * same on two looks in a row, so an archive still being copied (a half-written zip) is never read. One drop at a
 * time, in name order; a drop processed leaves `in/` (removed, or moved to `failed/`).
 */
export function watchStaging(options: StagingWatchOptions): StagingWatch {
  const inbox = path.join(stagingDir(options.dataDir), DROP_PREFIX);
  const seen = new Map<string, string>();
  let busy: Promise<void> = Promise.resolve();
  let stopped = false;
  const look = async () => {
    const names = (await readdir(inbox).catch(() => [] as string[])).filter((n) => n.endsWith(ARCHIVE_SUFFIX)).sort();
    for (const name of new Set(seen.keys())) if (!names.includes(name)) seen.delete(name);
    for (const name of names) {
      if (stopped) return;
      const info = await stat(path.join(inbox, name)).catch(() => undefined);
      if (info === undefined) continue;
      const signature = `${info.size}:${info.mtimeMs}`;
      const stable = seen.get(name) === signature;
      seen.set(name, signature);
      if (!stable) continue;
      const key = `${DROP_PREFIX}${name}`;
      try {
        options.onDrop?.(key, await processLocalDrop(key, options));
        seen.delete(name);
      } catch (error) {
        options.onError?.(key, error);
      }
    }
  };
  const poll = () => (busy = busy.then(look).catch((error: unknown) => options.onError?.(DROP_PREFIX, error)));
  const timer = setInterval(() => void poll(), options.pollMs ?? 500);
  timer.unref();
  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}

/**
 * The LocalPipelineRun of the twin: opens a lake session on the data dir (the source database, the historical
 * folder), runs the pipeline (runPipelineTwin) under the given name and input, and closes the session. Runs one at a
 * time: the lake's catalog and bookmarks are files a run reads, changes and saves whole.
 */
export function twinPipelineRun(o: { readonly dataDir: string; readonly options: PipelineOptions; readonly lake?: LakeTwin; readonly progress?: (line: string) => void }): LocalPipelineRun {
  const lake = o.lake ?? startLakeTwin({ dataDir: o.dataDir, ...(o.progress === undefined ? {} : { progress: o.progress }) });
  let tail: Promise<unknown> = Promise.resolve();
  return (name, input) => {
    const work = async () => {
      const session = await lake.open();
      try {
        const run = await runPipelineTwin({ dataDir: o.dataDir, lake: session, options: o.options, name, input });
        return { status: run.status, ...(run.error === undefined ? {} : { error: run.error }) };
      } finally {
        await session.close();
      }
    };
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}
