import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ExitCode } from '../../core/cli/exit-codes.js';
import { isDiskFull } from '../../core/errors.js';
import { runStackUnderMocks, type MockRunOptions } from '../testing/index.js';
import { buildStackGraph, type StackGraph } from './graph.js';
import { recordStackReferenceReads } from './references.js';

/**
 * Runs one stack under the Pulumi mocks in this process and builds its graph. The mocks and the program's
 * modules are process-wide, so call it once per process (synthStack runs it in a child process).
 */
export async function synthInProcess(stack: string, options: MockRunOptions = {}): Promise<StackGraph> {
  const recorder = recordStackReferenceReads();
  try {
    const run = await runStackUnderMocks(stack, options);
    return await buildStackGraph(run, recorder.reads);
  } finally {
    recorder.restore();
  }
}

/** `worker.ts <stack> <out.json>`: writes the graph of one stack to a file; errors go to stderr, ExitCode.Failure (ExitCode.DiskFull for ENOSPC). */
async function workerMain(argv: readonly string[]): Promise<void> {
  const [stack, outFile] = argv;
  if (stack === undefined || outFile === undefined) {
    process.stderr.write('usage: worker.ts <stack> <out.json>\n');
    process.exitCode = ExitCode.Usage;
    return;
  }
  try {
    writeFileSync(outFile, JSON.stringify(await synthInProcess(stack)));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = isDiskFull(error) ? ExitCode.DiskFull : ExitCode.Failure;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await workerMain(process.argv.slice(2));
}
