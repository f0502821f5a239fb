import { ExitCode, processIo } from '../core/cli/index.js';
import { main } from './cli/program.js';

try {
  await main(process.argv.slice(2), processIo());
} catch (error) {
  process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = ExitCode.Failure;
}
