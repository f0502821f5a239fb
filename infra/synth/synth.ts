import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, type Environment } from '../../core/settings.js';
import { SensorlakeError } from '../../core/errors.js';
import { stackName, type Layer } from '../stack-name.js';
import type { StackGraph } from './graph.js';

/** The child-process entry that runs one stack under mocks. */
const WORKER = path.join(import.meta.dirname, 'worker.ts');

/** Running a stack under mocks failed (the program threw, or the child process died). */
export class SynthFailedError extends SensorlakeError {
  override name = 'SynthFailedError';

  constructor(
    readonly stackName: string,
    readonly reason: string,
  ) {
    super(`synth of ${stackName} failed: ${reason}`);
  }
}

/** The outcome for one layer of an environment: its stack's graph under mocks. */
export interface LayerSynth {
  readonly layer: Layer;
  readonly stack: string;
  readonly graph: StackGraph;
}

/** The outcome for every requested layer of an environment, in deploy order. */
export interface EnvironmentSynth {
  readonly env: Environment;
  readonly layers: readonly LayerSynth[];
}

/**
 * Runs one stack under the Pulumi mocks in a child process (`node --import tsx worker.ts`) and returns its graph.
 * A fresh process per stack, because the mocks, the runtime's settings and the program's modules are all
 * process-wide. Secrets are redacted in the child, so they never cross the pipe.
 */
export async function synthStack(stack: string): Promise<StackGraph> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sensorlake-synth-'));
  const outFile = path.join(dir, `${stack}.json`);
  try {
    const { code, signal, stderr } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', WORKER, stack, outFile], {
          cwd: PROJECT_ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal, stderr }));
      },
    );
    if (code !== 0) {
      const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${String(code)}`);
      throw new SynthFailedError(stack, why);
    }
    return JSON.parse(await readFile(outFile, 'utf8')) as StackGraph;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes each of `layers` in `env`, in the given order, one child process at a time. Rejects with
 * SynthFailedError on the first stack that fails.
 */
export async function synthEnvironment(env: Environment, layers: readonly Layer[]): Promise<EnvironmentSynth> {
  const results: LayerSynth[] = [];
  for (const layer of layers) {
    const stack = stackName(layer, env);
    results.push({ layer, stack, graph: await synthStack(stack) });
  }
  return { env, layers: results };
}

/** The JSON file `--json` writes: two-space indented, keys in a fixed order, so equal runs give equal bytes. */
export function synthJson(result: EnvironmentSynth): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
