import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { WalError } from './errors.js';
import { nodeFs } from './fs.js';
import type { TwinFs } from './fs.js';

/**
 * The twin's write-ahead log: every envelope is appended (one JSON line) before the broker acknowledges the
 * publish, and a checkpoint records how far the raw zone already holds the log. Appends use `writeSync`, so once
 * an append returns the bytes are in the kernel and survive a killed process; `fsync: true` also survives a power
 * loss, at a cost. Logs are split in numbered segments; a new one starts at every open and past `segmentBytes`.
 */

/** Where an entry sits: its segment and how many entries of that segment are consumed once it is. */
export interface WalPosition {
  readonly segment: number;
  readonly consumed: number;
}

/** What the checkpoint stores besides the position: the twin's counters, so a restart keeps the account. */
export type WalCounters = Record<string, unknown>;

/** The last checkpoint. */
export interface WalCheckpoint {
  readonly position: WalPosition;
  readonly counters: WalCounters | undefined;
}

/** An entry found after the checkpoint when the log was opened. */
export interface RecoveredEntry {
  readonly line: string;
  readonly position: WalPosition;
}

/** Options of the write-ahead log. */
export interface WalOptions {
  /** fsync after every append batch and checkpoint (survives power loss; slower). Default false. */
  readonly fsync?: boolean;
  /** Start a new segment when the current one is larger than this. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** The writes of the log (tests inject a full disk). Default the real file system. */
  readonly fs?: TwinFs;
}

const SEGMENT = /^segment-(\d{10})\.ndjson$/;
const CHECKPOINT = 'checkpoint.json';

function segmentName(n: number): string {
  return `segment-${String(n).padStart(10, '0')}.ndjson`;
}

/** An open write-ahead log. */
export class WriteAheadLog {
  private fd: number | undefined;
  private segment: number;
  private entriesInSegment = 0;
  private bytesInSegment = 0;
  private readonly fsync: boolean;
  private readonly segmentBytes: number;
  private readonly fs: TwinFs;
  /** A failed append could not be undone in the current segment: the next append starts a new one. */
  private mustRotate = false;
  private lastCheckpoint: WalPosition;

  private constructor(
    /** Directory of the segments and the checkpoint. */
    readonly dir: string,
    nextSegment: number,
    checkpoint: WalPosition,
    options: WalOptions,
  ) {
    this.segment = nextSegment;
    this.fsync = options.fsync ?? false;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.fs = options.fs ?? nodeFs;
    this.lastCheckpoint = checkpoint;
  }

  /**
   * Opens the log in `dir`, returning it with the last checkpoint and every complete entry after it, in order. A
   * torn last line (the process died inside an append, before any acknowledgement) is reported in `tornBytes`.
   */
  static open(
    dir: string,
    options: WalOptions = {},
  ): { wal: WriteAheadLog; checkpoint: WalCheckpoint; recovered: RecoveredEntry[]; tornBytes: number } {
    mkdirSync(dir, { recursive: true });
    const checkpoint = readCheckpoint(dir);
    const segments = listSegments(dir);
    for (const segment of segments.filter((s) => s < checkpoint.position.segment)) rmSync(path.join(dir, segmentName(segment)), { force: true });
    const { recovered, tornBytes } = readAfter(dir, checkpoint.position, segments);
    const next = Math.max(checkpoint.position.segment, ...segments, 0) + 1;
    return { wal: new WriteAheadLog(dir, next, checkpoint.position, options), checkpoint, recovered, tornBytes };
  }

  /**
   * How many complete entries follow the checkpoint in the log files of `dir`, read back from them (0 when there
   * is no log): what a restart would deliver. Reads only; safe beside an open log between appends.
   */
  static countPending(dir: string): number {
    if (!existsSync(dir)) return 0;
    const checkpoint = readCheckpoint(dir);
    return readAfter(dir, checkpoint.position, listSegments(dir)).recovered.length;
  }

  /**
   * Appends lines (each without its newline) in one write and returns the position of the first; the i-th line's
   * position is `{segment, consumed: first.consumed + i}`. When this returns, the lines survive a process kill.
   * When it throws (a full disk: ENOSPC), none of the lines is in the log: a partial write is truncated away, so a
   * refused (unacknowledged) publish is never replayed.
   */
  append(lines: readonly string[]): WalPosition {
    if (this.fd === undefined || this.mustRotate || this.bytesInSegment >= this.segmentBytes) this.rotate();
    const fd = this.fd as number;
    const buffer = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    let bytes = 0;
    try {
      // A short write to a regular file is rare (disk full, signals); finish it.
      while (bytes < buffer.length) bytes += this.fs.writeSync(fd, buffer, bytes, buffer.length - bytes);
      if (this.fsync) this.fs.fsyncSync(fd);
    } catch (error) {
      this.undo(fd, bytes);
      throw error;
    }
    const first = { segment: this.segment, consumed: this.entriesInSegment + 1 };
    this.entriesInSegment += lines.length;
    this.bytesInSegment += bytes;
    return first;
  }

  private undo(fd: number, written: number): void {
    if (written === 0) return;
    try {
      this.fs.ftruncateSync(fd, this.bytesInSegment);
    } catch {
      // The partial lines stay at the end of this segment; a new segment keeps them from being followed by more.
      this.mustRotate = true;
    }
  }

  /**
   * Records that every entry up to `position` is in the raw zone, with the counters to restore on restart, and
   * deletes segments entirely before it. Written atomically (temporary file, then rename).
   */
  checkpoint(position: WalPosition, counters: WalCounters): void {
    const file = path.join(this.dir, CHECKPOINT);
    const tmp = `${file}.tmp`;
    this.fs.writeFileSync(tmp, JSON.stringify({ version: 1, position, counters }));
    if (this.fsync) {
      const fd = this.fs.openSync(tmp, 'r+');
      this.fs.fsyncSync(fd);
      this.fs.closeSync(fd);
    }
    this.fs.renameSync(tmp, file);
    const previous = this.lastCheckpoint;
    this.lastCheckpoint = position;
    for (let s = previous.segment; s < position.segment; s++) rmSync(path.join(this.dir, segmentName(s)), { force: true });
  }

  /** The last checkpointed position. */
  get checkpointed(): WalPosition {
    return this.lastCheckpoint;
  }

  /** Closes the current segment. */
  close(): void {
    if (this.fd !== undefined) this.fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      this.fs.closeSync(this.fd);
      this.segment += 1;
    }
    this.fd = this.fs.openSync(path.join(this.dir, segmentName(this.segment)), 'a');
    this.mustRotate = false;
    this.entriesInSegment = 0;
    this.bytesInSegment = 0;
  }
}

/** The segment numbers in `dir`, ascending. */
function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Every complete entry after `checkpoint` in the segments, in order, and the bytes of torn last lines. */
function readAfter(dir: string, checkpoint: WalPosition, segments: readonly number[]): { recovered: RecoveredEntry[]; tornBytes: number } {
  const recovered: RecoveredEntry[] = [];
  let tornBytes = 0;
  for (const segment of segments) {
    if (segment < checkpoint.segment) continue;
    const text = readFileSync(path.join(dir, segmentName(segment)), 'utf8');
    const lastNewline = text.lastIndexOf('\n');
    tornBytes += text.length - (lastNewline + 1);
    const lines = lastNewline < 0 ? [] : text.slice(0, lastNewline).split('\n');
    const skip = segment === checkpoint.segment ? checkpoint.consumed : 0;
    if (skip > lines.length) {
      throw new WalError(path.join(dir, segmentName(segment)), text.length, `checkpoint says ${skip} entries are consumed but the segment holds ${lines.length}`);
    }
    for (let i = skip; i < lines.length; i++) {
      recovered.push({ line: lines[i] as string, position: { segment, consumed: i + 1 } });
    }
  }
  return { recovered, tornBytes };
}

function readCheckpoint(dir: string): WalCheckpoint {
  const file = path.join(dir, CHECKPOINT);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { position: { segment: 0, consumed: 0 }, counters: undefined };
    throw error;
  }
  let value: { position?: WalPosition; counters?: WalCounters };
  try {
    value = JSON.parse(text) as typeof value;
  } catch (error) {
    throw new WalError(file, 0, `checkpoint is not JSON (${(error as Error).message})`);
  }
  const p = value.position;
  if (!p || !Number.isInteger(p.segment) || !Number.isInteger(p.consumed) || p.segment < 0 || p.consumed < 0) {
    throw new WalError(file, 0, `checkpoint position ${JSON.stringify(p)} is not {segment, consumed} of non-negative integers`);
  }
  return { position: p, counters: value.counters };
}
