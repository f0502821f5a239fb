import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InvalidValueError } from '../../core/errors.js';
import type { TableFile } from './catalog.js';

/**
 * The twin's Glue job bookmarks, kept in `<dataDir>/bookmarks.json`: per job and input view, the objects a run
 * processed (Glue's S3 bookmark: a later run reads only objects it has not seen, or seen with another modification
 * time) or the last key read (Glue's JDBC bookmark on an ascending key: a later run reads only rows above it).
 * A run stages what it read and the runner commits only after every output was written, so a failed run reads the
 * same input again.
 */

/** What one input's bookmark holds. */
interface InputBookmark {
  /** Object key to its modification time (ms) when it was processed. */
  objects?: Record<string, number>;
  /** The largest key read so far, as text (a BIGINT may pass 2^53). */
  lastKey?: string;
}

type BookmarkState = Record<string, Record<string, InputBookmark>>;

const bookmarkStateSchema = z.record(
  z.string(),
  z.record(z.string(), z.strictObject({ objects: z.record(z.string(), z.number()).optional(), lastKey: z.string().regex(/^-?\d+$/).optional() })),
);

/** Reads the bookmark file; a damaged one is an error naming the file and what is wrong, never a silent re-read. */
function readState(file: string): BookmarkState {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidValueError('content', text.slice(0, 80), `JSON (${(error as Error).message}); delete the file to read every input again`, `bookmark file ${file}`);
  }
  const parsed = bookmarkStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new InvalidValueError(where === '' ? 'content' : where, JSON.stringify(value).slice(0, 80), `{<job>: {<input>: {objects?: {<key>: <mtime ms>}, lastKey?: "<integer>"}}} (${issue?.message ?? ''})`, `bookmark file ${file}`);
  }
  return parsed.data as BookmarkState;
}

/** Name of the bookmark file in the data directory. */
export const BOOKMARK_FILE = 'bookmarks.json';

/** The bookmarks of one job in one data directory. */
export class JobBookmarks {
  private readonly staged: Record<string, InputBookmark> = {};

  private constructor(
    private readonly file: string,
    private readonly job: string,
    private readonly state: BookmarkState,
  ) {}

  /** Opens the bookmarks of `job` in `dataDir` (none yet when the file does not exist). */
  static open(dataDir: string, job: string): JobBookmarks {
    const file = path.join(dataDir, BOOKMARK_FILE);
    const state = existsSync(file) ? readState(file) : {};
    return new JobBookmarks(file, job, state);
  }

  private committed(view: string): InputBookmark {
    return this.state[this.job]?.[view] ?? {};
  }

  /**
   * The files of `files` the input has not processed (new, or modified since), and how many it skipped; the new
   * ones are staged as processed.
   */
  unprocessed(view: string, files: readonly TableFile[]): { files: TableFile[]; skipped: number } {
    const seen = this.committed(view).objects ?? {};
    const fresh = files.filter((file) => seen[file.key] !== file.mtimeMs);
    this.staged[view] = { ...this.staged[view], objects: { ...seen, ...Object.fromEntries(fresh.map((f) => [f.key, f.mtimeMs])) } };
    return { files: fresh, skipped: files.length - fresh.length };
  }

  /** The last key the input read in a committed run, if any. */
  lastKey(view: string): string | undefined {
    return this.committed(view).lastKey;
  }

  /** Stages the last key read by this run (a decimal integer). */
  stageLastKey(view: string, key: string): void {
    if (!/^-?\d+$/.test(key)) throw new InvalidValueError('lastKey', key, 'a decimal integer key', `bookmark of ${this.job} ${view}`);
    this.staged[view] = { ...this.staged[view], lastKey: key };
  }

  /** Writes the staged bookmarks (beside the file, then renamed over it, so a crash leaves the last commit). */
  commit(): void {
    if (Object.keys(this.staged).length === 0) return;
    this.state[this.job] = { ...this.state[this.job], ...this.staged };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
