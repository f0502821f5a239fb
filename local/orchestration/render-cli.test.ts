import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { aslValidatorErrors } from '../../core/asl/testing/asl-validator.js';
import { MAIN_STATES, ROOM_STATES } from '../../core/orchestration/index.js';
import { zipOf } from '../../core/orchestration/archive-drop.testing.js';
import { tempDataDir } from '../lake/testing.js';
import { main, type DropRunner } from './render-cli.js';

describe('npm run pipeline -- render', () => {
  it('GIVEN --env dev --format asl WHEN run THEN it prints the main machine as JSON asl-validator accepts, ARNs in the account placeholder and dev region', async () => {
    const io = captureIo();
    expect(await main(['render', '--env', 'dev', '--format', 'asl'], io.io)).toBe(ExitCode.Ok);
    const definition = JSON.parse(io.out()) as { StartAt: string; States: Record<string, { Parameters?: Record<string, unknown> }> };
    expect(definition.StartAt).toBe(MAIN_STATES.skipGiven);
    expect(aslValidatorErrors(definition)).toStrictEqual([]);
    expect(definition.States[MAIN_STATES.curate]!.Parameters).toStrictEqual({ JobName: '${lake.jobNames.curate}' });
    expect(io.out()).toContain('"StateMachineArn": "arn:aws:states:eu-west-1:${AWS::AccountId}:stateMachine:${orchestration.roomStateMachineName}"');
  });

  it('GIVEN --account and --region WHEN run THEN the ARNs are in them; --machine room prints the room machine, --no-endpoint without the update', async () => {
    const main$ = captureIo();
    expect(await main(['render', '--env', 'prod', '--account', '123456789012', '--region', 'us-east-1'], main$.io)).toBe(ExitCode.Ok);
    expect(main$.out()).toContain('"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:${orchestration.roomStateMachineName}"');
    const io = captureIo();
    expect(await main(['render', '--env', 'prod', '--machine', 'room'], io.io)).toBe(ExitCode.Ok);
    expect(io.out()).toContain('"CopySource.$"');
    expect(Object.keys((JSON.parse(io.out()) as { States: object }).States)).toContain(ROOM_STATES.publish);
    const without = captureIo();
    expect(await main(['render', '--env', 'prod', '--machine', 'room', '--no-endpoint'], without.io)).toBe(ExitCode.Ok);
    expect(Object.keys((JSON.parse(without.out()) as { States: object }).States)).not.toContain(ROOM_STATES.publish);
  });

  it('GIVEN --format mermaid WHEN run THEN it prints the flowchart of the machine', async () => {
    const io = captureIo();
    expect(await main(['render', '--env', 'dev', '--format', 'mermaid'], io.io)).toBe(ExitCode.Ok);
    expect(io.out().startsWith('flowchart TD\n')).toBe(true);
    expect(io.out()).toMatch(new RegExp(`subgraph n\\d+\\["${MAIN_STATES.imports} \\(Parallel\\)"\\]`));
  });

  describe.each([
    [['render', '--env', 'qa'], "option '--env <env>' argument 'qa' is invalid. expected one of dev, prod."],
    [['render', '--env', 'dev', '--format', 'svg'], "option '--format <format>' argument 'svg' is invalid. expected one of asl, mermaid."],
    [['render', '--env', 'dev', '--account', '12'], "option '--account <id>' argument '12' is invalid. expected a 12-digit AWS account id."],
    [['render', '--env', 'dev', '--region', 'mars'], "option '--region <region>' argument 'mars' is invalid. expected an AWS region such as eu-west-1."],
    [['render'], "required option '--env <env>' not specified"],
  ])('GIVEN %j', (argv, message) => {
    it('WHEN run THEN it exits 2 naming the option and the value', async () => {
      const io = captureIo();
      expect(await main(argv, io.io)).toBe(ExitCode.Usage);
      expect(io.err()).toContain(message);
    });
  });
});

describe('npm run pipeline -- drop', () => {
  const dataDir = tempDataDir();
  const source = tempDataDir();
  const runs: string[] = [];
  const runner: DropRunner = () => async (name) => (runs.push(name), { status: 'SUCCEEDED' });
  afterAll(() => [dataDir, source].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('GIVEN readings.zip WHEN dropped THEN exit 0, its entries land in raw, an execution starts; dropped again THEN exit 0 and no second execution', async () => {
    const zip = path.join(source, 'readings.zip');
    writeFileSync(zip, zipOf({ 'a.csv': 'room_id,temperature\nhall,21.5\n' }));
    const first = captureIo();
    expect(await main(['drop', zip, '--data-dir', dataDir], first.io, undefined, runner)).toBe(ExitCode.Ok);
    expect(first.out()).toMatch(/^drop in\/readings\.zip: 1 of 1 entries written \(\d+ bytes\) to raw readings\/; started drop-readings-[0-9a-f]{32}: pipeline SUCCEEDED\n$/);
    expect(readFileSync(path.join(dataDir, 'raw', 'readings', 'a.csv'), 'utf8')).toBe('room_id,temperature\nhall,21.5\n');
    const second = captureIo();
    expect(await main(['drop', zip, '--data-dir', dataDir], second.io, undefined, runner)).toBe(ExitCode.Ok);
    expect(second.out()).toContain('already started by this archive: no new execution');
    expect(runs).toHaveLength(1);
  });

  it('GIVEN a zip of a table not in archiveDropTables WHEN dropped THEN exit 1 naming the reason, the archive in failed/, no execution', async () => {
    const zip = path.join(source, 'secrets.zip');
    writeFileSync(zip, zipOf({ 'a.csv': 'x\n' }));
    const io = captureIo();
    expect(await main(['drop', zip, '--data-dir', dataDir], io.io, undefined, runner)).toBe(ExitCode.Failure);
    expect(io.out()).toContain('drop in/secrets.zip: refused, unknown-table: table "secrets" is not one of the drop tables (readings); moved to failed/secrets.zip/');
    const kept = readdirSync(path.join(dataDir, 'staging', 'failed', 'secrets.zip'));
    expect(kept).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'staging', 'failed', 'secrets.zip', kept[0]!, 'reason.json'))).toBe(true);
    expect(runs).toHaveLength(1);
  });

  it('GIVEN no --data-dir WHEN run THEN exit 2 naming the option, nothing staged', async () => {
    const io = captureIo();
    expect(await main(['drop', path.join(source, 'readings.zip')], io.io, undefined, runner)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('--data-dir');
  });

  it('GIVEN the pipeline the drop started fails WHEN dropped THEN exit 4 (incomplete) with the error', async () => {
    const zip = path.join(source, 'readings.zip');
    writeFileSync(zip, zipOf({ 'b.csv': 'room_id,temperature\nhall,22\n' }));
    const io = captureIo();
    const failing: DropRunner = () => async () => ({ status: 'FAILED', error: 'Pipeline.ImportFailed' });
    expect(await main(['drop', zip, '--data-dir', dataDir], io.io, undefined, failing)).toBe(ExitCode.Incomplete);
    expect(io.out()).toContain('pipeline FAILED (Pipeline.ImportFailed)');
  });
});
