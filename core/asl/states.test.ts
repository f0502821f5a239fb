import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../errors.js';
import {
  Chain,
  Choice,
  Condition,
  Fail,
  Map,
  Parallel,
  Pass,
  StateFieldError,
  StateMachine,
  Succeed,
  Task,
  Wait,
  type ConditionJson,
} from './index.js';
import { aslValidatorErrors } from './testing/asl-validator.js';

const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:f';

describe('rendering every state kind', () => {
  it('GIVEN a machine using every state kind and field WHEN rendered THEN the whole ASL is as written and asl-validator accepts it', () => {
    const done = new Succeed('Done', { outputPath: '$.result' });
    const failed = new Fail('Failed', { error: 'Pipeline.Failed', causePath: '$.error.Cause' });
    const work = new Task('Work', {
      resource: 'arn:aws:states:::lambda:invoke',
      comment: 'does the work',
      inputPath: '$.in',
      parameters: { FunctionName: FN, 'Payload.$': '$' },
      resultSelector: { 'value.$': '$.Payload' },
      resultPath: '$.result',
      outputPath: '$',
      timeoutSeconds: 60,
      heartbeatSeconds: 30,
    })
      .addRetry({ errors: ['Lambda.TooManyRequestsException'], intervalSeconds: 2, maxAttempts: 5, backoffRate: 2, maxDelaySeconds: 30, jitter: 'FULL' })
      .addRetry({})
      .addCatch(failed, { resultPath: '$.error' });
    const perItem = new Map('PerItem', { itemsPath: '$.items', itemSelector: { 'item.$': '$$.Map.Item.Value' }, maxConcurrency: 2, resultPath: '$.mapped' })
      .itemProcessor(new Pass('Echo', { parameters: { 'echo.$': '$.item' } }))
      .addCatch(failed);
    const both = new Parallel('Both', { resultSelector: { 'first.$': '$[0]' }, resultPath: '$.both' })
      .branch(new Pass('Left', { result: { side: 'left' } }), new Wait('Pause', { time: { secondsPath: '$.pause' } }))
      .addRetry({ maxAttempts: 0 });
    const check = new Choice('Check')
      .when(Condition.booleanEquals('$.ok', true), done)
      .otherwise(failed);
    const definition = Chain.start(new Pass('Start', { result: 1, resultPath: '$.started' }))
      .next(new Wait('Settle', { time: { seconds: 5 } }))
      .next(work)
      .next(perItem)
      .next(both)
      .next(check);
    const json = new StateMachine({ definition, comment: 'every kind', timeoutSeconds: 3600 }).toJson();

    expect(json).toStrictEqual({
      Comment: 'every kind',
      StartAt: 'Start',
      TimeoutSeconds: 3600,
      States: {
        Start: { Type: 'Pass', Result: 1, ResultPath: '$.started', Next: 'Settle' },
        Settle: { Type: 'Wait', Seconds: 5, Next: 'Work' },
        Work: {
          Type: 'Task',
          Comment: 'does the work',
          Resource: 'arn:aws:states:::lambda:invoke',
          InputPath: '$.in',
          Parameters: { FunctionName: FN, 'Payload.$': '$' },
          ResultSelector: { 'value.$': '$.Payload' },
          ResultPath: '$.result',
          OutputPath: '$',
          TimeoutSeconds: 60,
          HeartbeatSeconds: 30,
          Retry: [
            { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' },
            { ErrorEquals: ['States.ALL'] },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed', ResultPath: '$.error' }],
          Next: 'PerItem',
        },
        Failed: { Type: 'Fail', Error: 'Pipeline.Failed', CausePath: '$.error.Cause' },
        PerItem: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'item.$': '$$.Map.Item.Value' },
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Echo',
            States: { Echo: { Type: 'Pass', Parameters: { 'echo.$': '$.item' }, End: true } },
          },
          ResultPath: '$.mapped',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: { side: 'left' }, End: true } } },
            { StartAt: 'Pause', States: { Pause: { Type: 'Wait', SecondsPath: '$.pause', End: true } } },
          ],
          ResultSelector: { 'first.$': '$[0]' },
          ResultPath: '$.both',
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }],
          Next: 'Check',
        },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Failed' },
        Done: { Type: 'Succeed', OutputPath: '$.result' },
      },
    });
    expect(aslValidatorErrors(json)).toStrictEqual([]);
  });

  it.each([
    ['timestamp', { timestamp: '2026-01-01T00:00:00Z' }, { Timestamp: '2026-01-01T00:00:00Z' }],
    ['timestampPath', { timestampPath: '$.at' }, { TimestampPath: '$.at' }],
    ['secondsPath', { secondsPath: '$.s' }, { SecondsPath: '$.s' }],
  ] as const)('GIVEN a Wait on %s WHEN rendered THEN only that field is set', (_, time, fields) => {
    expect(new Wait('W', { time }).toStateJson()).toStrictEqual({ Type: 'Wait', ...fields, End: true });
  });

  it('GIVEN a Fail with ErrorPath and Cause WHEN rendered THEN both appear', () => {
    expect(new Fail('F', { errorPath: '$.e', cause: 'boom' }).toStateJson()).toStrictEqual({ Type: 'Fail', ErrorPath: '$.e', Cause: 'boom' });
  });

  it('GIVEN a Pass with null paths WHEN rendered THEN null is kept (it means "{}" or "discard", unlike a missing path)', () => {
    expect(new Pass('P', { inputPath: null, resultPath: null, outputPath: null }).toStateJson()).toStrictEqual({
      Type: 'Pass', InputPath: null, ResultPath: null, OutputPath: null, End: true,
    });
  });

  it('GIVEN opaque values in a payload WHEN rendered THEN they pass through untouched, by identity', () => {
    const output = { apply: () => 'not JSON' };
    const json = new Task('T', { resource: output, parameters: { Arn: output } }).toStateJson();
    expect(json.Resource).toBe(output);
    expect(json.Parameters?.Arn).toBe(output);
  });
});

describe('Choice conditions', () => {
  describe.each<[string, () => Condition, ConditionJson]>([
    ['string equals', () => Condition.stringEquals('$.s', 'a'), { Variable: '$.s', StringEquals: 'a' }],
    ['string less than', () => Condition.string('$.s', 'LessThan', 'b'), { Variable: '$.s', StringLessThan: 'b' }],
    ['string >= path', () => Condition.stringPath('$.s', 'GreaterThanEquals', '$.t'), { Variable: '$.s', StringGreaterThanEqualsPath: '$.t' }],
    ['string matches', () => Condition.stringMatches('$.key', 'in/*.zip'), { Variable: '$.key', StringMatches: 'in/*.zip' }],
    ['numeric equals', () => Condition.numberEquals('$.n', 0), { Variable: '$.n', NumericEquals: 0 }],
    ['numeric greater than', () => Condition.numeric('$.n', 'GreaterThan', 3), { Variable: '$.n', NumericGreaterThan: 3 }],
    ['numeric <= path', () => Condition.numericPath('$.n', 'LessThanEquals', '$.max'), { Variable: '$.n', NumericLessThanEqualsPath: '$.max' }],
    ['boolean equals', () => Condition.booleanEquals('$.b', false), { Variable: '$.b', BooleanEquals: false }],
    ['boolean equals path', () => Condition.booleanEqualsPath('$.b', '$.c'), { Variable: '$.b', BooleanEqualsPath: '$.c' }],
    ['timestamp before', () => Condition.timestamp('$.t', 'LessThan', '2026-01-01T00:00:00Z'), { Variable: '$.t', TimestampLessThan: '2026-01-01T00:00:00Z' }],
    ['timestamp equals path', () => Condition.timestampPath('$.t', 'Equals', '$.u'), { Variable: '$.t', TimestampEqualsPath: '$.u' }],
    ['is present', () => Condition.isPresent('$.x'), { Variable: '$.x', IsPresent: true }],
    ['is not present', () => Condition.isNotPresent('$.x'), { Variable: '$.x', IsPresent: false }],
    ['is null', () => Condition.is('$.x', 'IsNull'), { Variable: '$.x', IsNull: true }],
    ['is string', () => Condition.is('$.x', 'IsString'), { Variable: '$.x', IsString: true }],
    ['is numeric', () => Condition.is('$.x', 'IsNumeric'), { Variable: '$.x', IsNumeric: true }],
    ['is boolean', () => Condition.is('$.x', 'IsBoolean'), { Variable: '$.x', IsBoolean: true }],
    ['is timestamp', () => Condition.is('$.x', 'IsTimestamp', false), { Variable: '$.x', IsTimestamp: false }],
    ['and', () => Condition.and(Condition.isPresent('$.a'), Condition.numberEquals('$.a', 1)), { And: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.a', NumericEquals: 1 }] }],
    ['or', () => Condition.or(Condition.booleanEquals('$.a', true)), { Or: [{ Variable: '$.a', BooleanEquals: true }] }],
    ['not', () => Condition.not(Condition.isPresent('$.a')), { Not: { Variable: '$.a', IsPresent: true } }],
  ])('%s', (_, build, expected) => {
    it('WHEN rendered in a Choice THEN the rule is the condition plus Next, and asl-validator accepts it', () => {
      const choice = new Choice('C').when(build(), new Succeed('Yes')).otherwise(new Succeed('No'));
      const json = new StateMachine({ definition: choice }).toJson();
      expect(json.States.C!.Choices).toStrictEqual([{ ...expected, Next: 'Yes' }]);
      expect(aslValidatorErrors(json)).toStrictEqual([]);
    });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a variable that is not a path', () => Condition.stringEquals('status', 'a'), /condition field Variable has invalid value "status": expected a JSONPath/],
    ['a path operand that is not a path', () => Condition.numericPath('$.n', 'Equals', 'max'), /NumericEqualsPath has invalid value "max"/],
    ['a timestamp that is not RFC 3339', () => Condition.timestamp('$.t', 'Equals', '2026-01-01'), /TimestampEquals has invalid value "2026-01-01"/],
    ['a number that is not finite', () => Condition.numeric('$.n', 'Equals', Number.NaN), /NumericEquals has invalid value null: expected a finite number/],
    ['an empty And', () => Condition.and(), /And has invalid value \[\]: expected at least one condition/],
  ])('GIVEN %s WHEN the condition is built THEN it throws naming the field and value', (_, build, message) => {
    expect(build).toThrow(InvalidValueError);
    expect(build).toThrow(message);
  });
});

describe('local mistakes throw at once, naming the state and field', () => {
  const task = () => new Task('T', { resource: FN });
  it.each<[string, () => unknown, RegExp]>([
    ['a state name over 80 characters', () => new Pass('x'.repeat(81)), /field name has invalid value "x{81}": expected a state name of at most 80 characters \(it has 81\)/],
    ['an empty state name', () => new Pass(''), /expected a non-empty state name/],
    ['IntervalSeconds 0', () => task().addRetry({ intervalSeconds: 0 }), /state "T" field Retry\[0\]\.IntervalSeconds has invalid value 0: expected an integer >= 1/],
    ['MaxAttempts -1', () => task().addRetry({ maxAttempts: -1 }), /Retry\[0\]\.MaxAttempts has invalid value -1: expected an integer >= 0/],
    ['BackoffRate 0.5', () => task().addRetry({ backoffRate: 0.5 }), /Retry\[0\]\.BackoffRate has invalid value 0\.5: expected a number >= 1/],
    ['MaxDelaySeconds 0', () => task().addRetry({ maxDelaySeconds: 0 }), /Retry\[0\]\.MaxDelaySeconds has invalid value 0/],
    ['States.ALL with other errors in a Retry', () => task().addRetry({ errors: ['States.ALL', 'States.Timeout'] }), /Retry\[0\]\.ErrorEquals .*States\.ALL alone/],
    ['a retrier after States.ALL', () => task().addRetry({}).addRetry({ errors: ['States.Timeout'] }), /Retry\[0\]\.ErrorEquals .*States\.ALL only in the last entry/],
    ['a catcher after States.ALL', () => task().addCatch(new Fail('F')).addCatch(new Fail('G'), { errors: ['X'] }), /Catch\[0\]\.ErrorEquals .*only in the last entry/],
    ['an empty ErrorEquals', () => task().addCatch(new Fail('F'), { errors: [] }), /Catch\[0\]\.ErrorEquals has invalid value \[\]: expected at least one error name/],
    ['TimeoutSeconds 0 on a Task', () => new Task('T', { resource: FN, timeoutSeconds: 0 }), /state "T" field TimeoutSeconds has invalid value 0: expected an integer >= 1/],
    ['a heartbeat not shorter than the timeout', () => new Task('T', { resource: FN, timeoutSeconds: 10, heartbeatSeconds: 10 }), /HeartbeatSeconds has invalid value 10: expected less than TimeoutSeconds \(10\)/],
    ['TimeoutSeconds 1.5 on the machine', () => new StateMachine({ definition: new Succeed('S'), timeoutSeconds: 1.5 }), /state "\(machine\)" field TimeoutSeconds has invalid value 1\.5/],
    ['a second Next', () => { const p = new Pass('P'); p.next(new Succeed('A')); p.next(new Succeed('B')); }, /state "P" field Next has invalid value "B": expected no second Next \(it already goes to "A"\)/],
    ['a second Default', () => new Choice('C').otherwise(new Succeed('A')).otherwise(new Succeed('B')), /state "C" field Default has invalid value "B"/],
    ['a second item processor', () => new Map('M').itemProcessor(new Pass('A')).itemProcessor(new Pass('B')), /state "M" field ItemProcessor/],
    ['a Wait with two times', () => new Wait('W', { time: { seconds: 1, secondsPath: '$.s' } as never }), /state "W" field time .*exactly one of/],
    ['a Wait of 0 seconds', () => new Wait('W', { time: { seconds: 0 } }), /state "W" field Seconds has invalid value 0/],
    ['a Wait timestamp that is not RFC 3339', () => new Wait('W', { time: { timestamp: 'tomorrow' } }), /field Timestamp has invalid value "tomorrow"/],
    ['a Fail with Error and ErrorPath', () => new Fail('F', { error: 'E', errorPath: '$.e' }), /state "F" field ErrorPath .*no ErrorPath beside Error "E"/],
    ['a Fail with Cause and CausePath', () => new Fail('F', { cause: 'c', causePath: '$.c' }), /state "F" field CausePath/],
    ['an InputPath that is not a path', () => new Pass('P', { inputPath: 'in' }), /state "P" field InputPath has invalid value "in": expected a JSONPath starting with \$/],
    ['a negative MaxConcurrency', () => new Map('M', { maxConcurrency: -1 }), /state "M" field MaxConcurrency has invalid value -1: expected an integer >= 0/],
  ])('GIVEN %s THEN it throws at once', (_, build, message) => {
    expect(build).toThrow(StateFieldError);
    expect(build).toThrow(message);
  });

  it.each<[string, () => unknown]>([
    ['a name of exactly 80 characters', () => new Pass('x'.repeat(80))],
    ['retry numbers at their bounds', () => task().addRetry({ intervalSeconds: 1, maxAttempts: 0, backoffRate: 1, maxDelaySeconds: 1 })],
    ['States.ALL alone in the last retrier', () => task().addRetry({ errors: ['States.Timeout'] }).addRetry({})],
    ['a heartbeat shorter than the timeout', () => new Task('T', { resource: FN, timeoutSeconds: 10, heartbeatSeconds: 9 })],
  ])('GIVEN %s THEN it is accepted', (_, build) => {
    expect(build).not.toThrow();
  });
});
