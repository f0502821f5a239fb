import { describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes.js';
import { captureIo } from './io.js';
import * as parse from './parsers.js';
import { newProgram, parseArgv } from './program.js';

function program(ran: number[]) {
  const c = captureIo();
  const p = newProgram('demo', 'a demo', c.io)
    .option('--n <n>', 'a count', parse.integer(1, 9), 1)
    .action((flags: { n: number }) => void ran.push(flags.n));
  return { c, p };
}

describe('parseArgv', () => {
  it('GIVEN a bad option value THEN ExitCode.Usage, the message naming the option and the value, and the action does not run', async () => {
    const ran: number[] = [];
    const { c, p } = program(ran);
    expect(await parseArgv(p, ['--n', '12'])).toBe(ExitCode.Usage);
    expect(c.err()).toContain("option '--n <n>' argument '12' is invalid. expected an integer from 1 to 9.");
    expect(ran).toStrictEqual([]);
  });

  it('GIVEN an unknown option THEN ExitCode.Usage naming it', async () => {
    const { c, p } = program([]);
    expect(await parseArgv(p, ['--m'])).toBe(ExitCode.Usage);
    expect(c.err()).toContain("unknown option '--m'");
  });

  it('GIVEN good options THEN the action runs and the exit code is left to it', async () => {
    const ran: number[] = [];
    const { p } = program(ran);
    expect(await parseArgv(p, ['--n', '3'])).toBeUndefined();
    expect(ran).toStrictEqual([3]);
  });

  it('GIVEN --help THEN ExitCode.Ok and the help ends with the exit-code convention', async () => {
    const { c, p } = program([]);
    expect(await parseArgv(p, ['--help'])).toBe(ExitCode.Ok);
    expect(c.out()).toContain('Exit codes: 0 ok, 1 unexpected error, 2 bad option or argument, 3 cannot connect');
  });

  it('GIVEN an action that throws THEN the error propagates (the CLI decides its code)', async () => {
    const c = captureIo();
    const p = newProgram('demo', 'a demo', c.io).action(() => {
      throw new RangeError('boom');
    });
    await expect(parseArgv(p, [])).rejects.toThrow(RangeError);
  });
});

describe('ExitCode', () => {
  it('GIVEN the convention THEN each code has one meaning and the numbers are stable', () => {
    expect({ ...ExitCode }).toMatchObject({ Ok: 0, Failure: 1, Usage: 2, Unavailable: 3, Incomplete: 4, DiskFull: 5 });
  });
});
