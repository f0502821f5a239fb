import { describe, expect, it } from 'vitest';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { aslValidatorErrors } from '../../core/asl/testing/asl-validator.js';
import { MAIN_STATES, ROOM_STATES } from '../../core/orchestration/index.js';
import { main } from './render-cli.js';

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
