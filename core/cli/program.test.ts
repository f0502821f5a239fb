import { InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { captureIo } from './io.js';
import type { Accumulator } from './parsers.js';
import * as parse from './parsers.js';
import { kitOption, newProgram, optionParser, parseArgv, runMain, runProgram } from './program.js';

function program(ran: number[]) {
  const c = captureIo();
  const p = newProgram('demo', 'a demo', c.io)
    .addOption(kitOption('--n <n>', 'a count', parse.integer(1, 9), 1))
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

describe('optionParser, the one adapter from kit parsers to commander', () => {
  it('GIVEN a value the parser refuses THEN commander\'s InvalidArgumentError with the InvalidValueError\'s expected', () => {
    const call = () => optionParser('--n', parse.integer(1, 9))('12', undefined);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(/^expected an integer from 1 to 9\.$/);
  });

  it('GIVEN the option name THEN the parser is called with it', () => {
    const seen: string[] = [];
    optionParser('--rate', (raw: string, option: string) => seen.push(`${option}=${raw}`))('3', undefined);
    expect(seen).toStrictEqual(['--rate=3']);
  });

  it('GIVEN an error that is not an InvalidValueError THEN it propagates unchanged', () => {
    const call = () =>
      optionParser('--n', () => {
        throw new RangeError('a bug');
      })('1', undefined);
    expect(call).toThrow(RangeError);
  });

  it('GIVEN a repeatable option THEN the accumulator gets what the earlier occurrences gave', async () => {
    const collect: Accumulator<string[]> = (raw, option, previous = []) => {
      if (raw === '') throw new InvalidValueError(option, raw, 'a word', 'option');
      return [...previous, raw];
    };
    const c = captureIo();
    const got: string[][] = [];
    const p = newProgram('demo', 'a demo', c.io)
      .addOption(kitOption('--w <word>', 'a word (repeatable)', collect))
      .action((flags: { w: string[] }) => void got.push(flags.w));
    expect(await parseArgv(p, ['--w', 'a', '--w', 'b'])).toBeUndefined();
    expect(got).toStrictEqual([['a', 'b']]);
    expect(await parseArgv(p, ['--w', ''])).toBe(ExitCode.Usage);
    expect(c.err()).toContain("option '--w <word>' argument '' is invalid. expected a word.");
  });

  it('GIVEN a default THEN it is used without parsing and shown in the help', async () => {
    const ran: number[] = [];
    expect(await parseArgv(program(ran).p, [])).toBeUndefined();
    expect(ran).toStrictEqual([1]);
    const { c, p } = program([]);
    expect(await parseArgv(p, ['--help'])).toBe(ExitCode.Ok);
    expect(c.out()).toMatch(/--n <n> +a count \(default: 1\)/);
  });
});

describe('ExitCode', () => {
  it('GIVEN the convention THEN each code has one meaning and the numbers are stable', () => {
    expect({ ...ExitCode }).toMatchObject({ Ok: 0, Failure: 1, Usage: 2, Unavailable: 3, Incomplete: 4, DiskFull: 5 });
  });
});

describe('runMain', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  const fails = (error: unknown) => async (): Promise<ExitCode> => Promise.reject(error);
  const diskFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it.each([
    ['an InvalidValueError', new InvalidValueError('--n', 'x', 'an integer', 'option'), undefined, ExitCode.Usage, true],
    ['a full disk', diskFull, undefined, ExitCode.DiskFull, false],
    ['any other error', new Error('boom'), undefined, ExitCode.Failure, false],
    ['an error the command maps', new Error('no cli'), () => ExitCode.Unavailable, ExitCode.Unavailable, false],
  ] as const)('GIVEN %s THEN the message, exit code %s and the usage line only for a bad value', async (_what, error, exitCodeOf, code, usage) => {
    const c = captureIo();
    expect(await runMain(c.io, { usage: 'usage: x <n>', ...(exitCodeOf ? { exitCodeOf } : {}) }, fails(error))).toBe(code);
    expect(process.exitCode).toBe(code);
    expect(c.err()).toBe(`error: ${(error as Error).message}\n${usage ? 'usage: x <n>\n' : ''}`);
  });

  it('GIVEN a run that returns a code THEN that code, nothing written', async () => {
    const c = captureIo();
    expect(await runMain(c.io, { usage: 'usage: x' }, async () => ExitCode.Incomplete)).toBe(ExitCode.Incomplete);
    expect(c.err()).toBe('');
  });
});

describe('runProgram', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  /** A program whose action checks `--n` itself (an InvalidValueError) or returns. */
  const build = (io: ReturnType<typeof captureIo>['io'], ran: number[]) =>
    newProgram('demo', 'a demo', io)
      .addOption(kitOption('--n <n>', 'a count', parse.integer(0, 9), 1))
      .action((flags: { n: number }) => {
        if (flags.n === 0) throw new InvalidValueError('--n', flags.n, 'not 0', 'option');
        ran.push(flags.n);
      });

  it.each([
    { argv: ['--n', '3'], code: ExitCode.Ok, ran: [3], err: '' },
    { argv: ['--help'], code: ExitCode.Ok, ran: [], err: '' },
    { argv: ['--n', '12'], code: ExitCode.Usage, ran: [], err: "option '--n <n>' argument '12' is invalid" },
    { argv: ['--n', '0'], code: ExitCode.Usage, ran: [], err: 'error: option --n has invalid value 0: expected not 0\nusage: demo [--n <n>]\n' },
  ])('GIVEN $argv THEN exit code $code (also process.exitCode), the action run as parsed', async ({ argv, code, ran, err }) => {
    const c = captureIo();
    const runs: number[] = [];
    expect(await runProgram(c.io, { usage: 'usage: demo [--n <n>]' }, argv, () => build(c.io, runs))).toBe(code);
    expect(process.exitCode).toBe(code);
    expect(runs).toStrictEqual(ran);
    expect(c.err()).toContain(err);
  });

  it('GIVEN a program that cannot be built THEN its error is reported as runMain reports it, with the command\'s own code', async () => {
    const c = captureIo();
    const code = await runProgram(c.io, { usage: 'usage: demo', exitCodeOf: () => ExitCode.Unavailable }, [], () => {
      throw new Error('no engine');
    });
    expect(code).toBe(ExitCode.Unavailable);
    expect(c.err()).toBe('error: no engine\n');
  });
});
