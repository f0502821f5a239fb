import { ExitCode } from './cli/action.js';
import { main } from './cli/program.js';

try {
  await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
} catch (error) {
  process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = ExitCode.Failure;
}
