import path from 'node:path';
import { z } from 'zod';
import type { AslDefinition } from '../../core/asl/index.js';
import { readJsonFile, writeJsonFileAtomic } from '../json-file.js';
import type { StateVisit } from './history.js';
import type { LocalRunResult } from './run.js';

/**
 * The twin's last pipeline execution, kept in `<dataDir>/pipeline/last-execution.json` so the dashboard can draw it
 * after the run: what the execution did (status, every state visit, the failure notifications) and the definition
 * it ran, so the graph is drawn from the very machine that ran.
 */
export interface LastExecution {
  readonly name: string;
  readonly status: LocalRunResult['status'];
  readonly startTime: string;
  /** What the execution would have taken on AWS (virtual: Waits and retry intervals included). */
  readonly durationMs: number;
  readonly error?: string;
  readonly cause?: string;
  readonly states: readonly StateVisit[];
  readonly notifications: readonly { readonly subject?: string; readonly message: string }[];
  readonly definition: AslDefinition;
}

const STATE_TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Parallel', 'Map', 'Succeed', 'Fail'] as const;

const visitSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(STATE_TYPES),
  lane: z.string(),
  start: z.number(),
  end: z.number(),
  status: z.enum(['SUCCEEDED', 'CAUGHT', 'FAILED', 'ABORTED']),
  attempts: z.number().int().min(1),
  error: z.string().optional(),
  cause: z.string().optional(),
});

const graphSchema: z.ZodType<AslDefinition> = z.looseObject({
  StartAt: z.string(),
  States: z.record(z.string(), z.looseObject({ Type: z.enum(STATE_TYPES) })),
}) as unknown as z.ZodType<AslDefinition>;

/** The file's schema: a damaged file is refused naming the field, never drawn half. */
export const lastExecutionSchema = z.strictObject({
  name: z.string().min(1),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT']),
  startTime: z.iso.datetime(),
  durationMs: z.number().min(0),
  error: z.string().optional(),
  cause: z.string().optional(),
  states: z.array(visitSchema),
  notifications: z.array(z.strictObject({ subject: z.string().optional(), message: z.string() })),
  definition: graphSchema,
});

/** Where a data directory keeps its last pipeline execution. */
export function lastExecutionFile(dataDir: string): string {
  return path.join(dataDir, 'pipeline', 'last-execution.json');
}

/** The record of a run: its notifications' messages as the text SNS delivers (JSON for a structured one). */
export function lastExecutionOf(run: LocalRunResult, definition: AslDefinition): LastExecution {
  return {
    name: run.name,
    status: run.status,
    startTime: run.startTime,
    durationMs: run.virtualDurationMs,
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.cause === undefined ? {} : { cause: run.cause }),
    states: run.states,
    notifications: run.notifications.map((n) => ({
      ...(n.subject === undefined ? {} : { subject: n.subject }),
      message: typeof n.message === 'string' ? n.message : JSON.stringify(n.message),
    })),
    definition,
  };
}

/** Writes the record atomically (tmp + rename), so a reader never sees half of it. */
export function writeLastExecution(dataDir: string, execution: LastExecution): string {
  const file = lastExecutionFile(dataDir);
  writeJsonFileAtomic(file, execution);
  return file;
}

/** The last execution of a data directory (undefined: none yet); a damaged file is an error naming it and the field. */
export function readLastExecution(dataDir: string): LastExecution | undefined {
  return readJsonFile(lastExecutionFile(dataDir), lastExecutionSchema) as LastExecution | undefined;
}
