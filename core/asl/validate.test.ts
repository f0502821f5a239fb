import { describe, expect, it } from 'vitest';
import {
  type AslValidationError,
  Chain,
  Choice,
  Condition,
  Fail,
  isAslValidationError,
  Map,
  Parallel,
  Pass,
  StateMachine,
  Succeed,
  validateDefinition,
  Wait,
  type AslDefinition,
  type AslProblem,
  type StateJson,
} from './index.js';

/** The problems of a machine: built ones through StateMachine, rendered ones through validateDefinition. */
type Fixture = () => StateMachine | AslDefinition;

function problemsOf(fixture: Fixture): AslProblem[] {
  const built = fixture();
  return built instanceof StateMachine ? built.problems() : validateDefinition(built);
}

const raw = (states: Record<string, StateJson>, startAt = Object.keys(states)[0]!): AslDefinition => ({ StartAt: startAt, States: states });
const retrying = (retry: StateJson['Retry']): AslDefinition => raw({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: retry, End: true } });
const catching = (errors: string[][]): AslDefinition =>
  raw({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: errors.map((e) => ({ ErrorEquals: e, Next: 'F' })), End: true }, F: { Type: 'Fail' } });

/** A machine that may skip to its end or enter a Poll → Check → Again? cycle; `exit` gives the cycle a way out. */
function cycle(exit: boolean): StateMachine {
  const wait = new Wait('Poll', { time: { seconds: 5 } });
  const again = new Choice('Again?').when(Condition.booleanEquals('$.done', true), exit ? new Succeed('Out') : wait).otherwise(wait);
  wait.next(new Pass('Check')).next(again);
  return new StateMachine({ definition: new Choice('Route').when(Condition.booleanEquals('$.skip', true), new Succeed('Skipped')).otherwise(wait) });
}

describe.each<[string, Fixture, RegExp, Fixture]>([
  [
    'duplicate names in one graph',
    () => new StateMachine({ definition: Chain.start(new Pass('Same')).next(new Pass('Same')) }),
    /state name "Same" is given to two different states in the machine/,
    () => new StateMachine({ definition: Chain.start(new Pass('One')).next(new Pass('Two')) }),
  ],
  [
    'duplicate names across Parallel branches',
    () => new StateMachine({ definition: new Parallel('P').branch(new Pass('Step'), new Pass('Step')) }),
    /state name "Step" is used 2 times \(in branch 1 of "P" and branch 2 of "P"\)/,
    () => new StateMachine({ definition: new Parallel('P').branch(new Pass('Step 1'), new Pass('Step 2')) }),
  ],
  [
    'duplicate names between the machine and a Map item processor',
    () => new StateMachine({ definition: Chain.start(new Map('M').itemProcessor(new Pass('Step'))).next(new Pass('Step')) }),
    /state name "Step" is used 2 times \(in the machine and the item processor of "M"\)/,
    () => new StateMachine({ definition: Chain.start(new Map('M').itemProcessor(new Pass('Item step'))).next(new Pass('Step')) }),
  ],
  [
    'a Next target that does not exist',
    () => raw({ A: { Type: 'Pass', Next: 'Missing' } }),
    /state "A" field Next names "Missing", which is not a state of the machine/,
    () => raw({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } }),
  ],
  [
    'a transition leaving its Parallel branch',
    () => raw({
      P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Pass', Next: 'Outer' } } }], Next: 'Outer' },
      Outer: { Type: 'Fail' },
    }),
    /state "W" field Next names "Outer", which is not a state of branch 1 of "P" \(it is in the machine: transitions cannot leave or enter a branch or item processor\)/,
    () => raw({
      P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Pass', End: true } } }], Next: 'Outer' },
      Outer: { Type: 'Fail' },
    }),
  ],
  [
    'an unreachable state (built)',
    () => new StateMachine({ definition: Chain.start(new Choice('C').when(Condition.isPresent('$.x'), new Fail('F1')).otherwise(new Fail('F2')).afterwards()).next(new Pass('Never')) }),
    /state "Never" is unreachable in the machine/,
    () => new StateMachine({ definition: Chain.start(new Choice('C').when(Condition.isPresent('$.x'), new Fail('F1')).otherwise(new Pass('P2')).afterwards()).next(new Pass('Sometimes')) }),
  ],
  [
    'an unreachable state (rendered)',
    () => raw({ A: { Type: 'Succeed' }, B: { Type: 'Succeed' } }),
    /state "B" is unreachable from StartAt "A" in the machine/,
    () => raw({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } }),
  ],
  [
    'a Choice without a Default',
    () => new StateMachine({ definition: new Choice('C').when(Condition.isPresent('$.x'), new Succeed('S')) }),
    /state "C" field Default is missing: expected a Default state/,
    () => new StateMachine({ definition: new Choice('C').when(Condition.isPresent('$.x'), new Succeed('S')).otherwise(new Fail('F')) }),
  ],
  [
    'States.ALL not alone in a Retry',
    () => retrying([{ ErrorEquals: ['States.ALL', 'States.Timeout'] }]),
    /state "T" field Retry\[0\]\.ErrorEquals has invalid value \["States.ALL","States.Timeout"\]: expected States.ALL alone/,
    () => retrying([{ ErrorEquals: ['States.Timeout'] }, { ErrorEquals: ['States.ALL'] }]),
  ],
  [
    'States.ALL not last in a Retry',
    () => retrying([{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['States.Timeout'] }]),
    /field Retry\[0\]\.ErrorEquals .*expected States.ALL only in the last entry/,
    () => retrying([{ ErrorEquals: ['States.Timeout'] }, { ErrorEquals: ['States.ALL'] }]),
  ],
  [
    'States.ALL not alone in a Catch',
    () => catching([['States.ALL', 'X']]),
    /field Catch\[0\]\.ErrorEquals .*expected States.ALL alone/,
    () => catching([['X'], ['States.ALL']]),
  ],
  [
    'States.ALL not last in a Catch',
    () => catching([['States.ALL'], ['X']]),
    /field Catch\[0\]\.ErrorEquals .*expected States.ALL only in the last entry/,
    () => catching([['X'], ['States.ALL']]),
  ],
  [
    'a machine with no end',
    () => {
      const a = new Pass('A');
      a.next(new Pass('B')).next(a);
      return new StateMachine({ definition: a });
    },
    /the machine has no end: no Succeed, Fail or End is reachable from StartAt "A"/,
    () => new StateMachine({ definition: Chain.start(new Pass('A')).next(new Pass('B')) }),
  ],
  [
    'a loop with no exit',
    () => cycle(false),
    /loop with no exit in the machine: states "Poll", "Check", "Again\?" never reach a Succeed, Fail or End/,
    () => cycle(true),
  ],
  [
    'a state name over 80 characters',
    () => raw({ ['n'.repeat(81)]: { Type: 'Succeed' } }),
    /field name has invalid value "n{81}": expected a state name of at most 80 characters/,
    () => raw({ ['n'.repeat(80)]: { Type: 'Succeed' } }),
  ],
  [
    'IntervalSeconds below 1',
    () => retrying([{ ErrorEquals: ['X'], IntervalSeconds: 0 }]),
    /Retry\[0\]\.IntervalSeconds has invalid value 0: expected an integer >= 1/,
    () => retrying([{ ErrorEquals: ['X'], IntervalSeconds: 1 }]),
  ],
  [
    'MaxAttempts below 0',
    () => retrying([{ ErrorEquals: ['X'], MaxAttempts: -1 }]),
    /Retry\[0\]\.MaxAttempts has invalid value -1: expected an integer >= 0/,
    () => retrying([{ ErrorEquals: ['X'], MaxAttempts: 0 }]),
  ],
  [
    'BackoffRate below 1',
    () => retrying([{ ErrorEquals: ['X'], BackoffRate: 0.9 }]),
    /Retry\[0\]\.BackoffRate has invalid value 0\.9: expected a number >= 1/,
    () => retrying([{ ErrorEquals: ['X'], BackoffRate: 1 }]),
  ],
  [
    'MaxDelaySeconds below 1',
    () => retrying([{ ErrorEquals: ['X'], MaxDelaySeconds: 0 }]),
    /Retry\[0\]\.MaxDelaySeconds has invalid value 0: expected an integer >= 1/,
    () => retrying([{ ErrorEquals: ['X'], MaxDelaySeconds: 1 }]),
  ],
  [
    'a JitterStrategy other than FULL or NONE',
    () => retrying([{ ErrorEquals: ['X'], JitterStrategy: 'HALF' as 'FULL' }]),
    /Retry\[0\]\.JitterStrategy has invalid value "HALF": expected FULL or NONE/,
    () => retrying([{ ErrorEquals: ['X'], JitterStrategy: 'NONE' }]),
  ],
  [
    'a Task TimeoutSeconds that is not positive',
    () => raw({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 0, End: true } }),
    /state "T" field TimeoutSeconds has invalid value 0: expected an integer >= 1/,
    () => raw({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, End: true } }),
  ],
  [
    'a machine TimeoutSeconds that is not positive',
    () => ({ ...raw({ S: { Type: 'Succeed' } }), TimeoutSeconds: -5 }),
    /state "\(machine\)" field TimeoutSeconds has invalid value -5/,
    () => ({ ...raw({ S: { Type: 'Succeed' } }), TimeoutSeconds: 5 }),
  ],
  [
    'a StartAt that is not a state',
    () => raw({ S: { Type: 'Succeed' } }, 'Nowhere'),
    /StartAt of the machine names "Nowhere", which is not one of its states/,
    () => raw({ S: { Type: 'Succeed' } }, 'S'),
  ],
  [
    'a Map without an item processor',
    () => new StateMachine({ definition: new Map('M') }),
    /state "M" field ItemProcessor is missing: expected an item processor/,
    () => new StateMachine({ definition: new Map('M').itemProcessor(new Pass('Item')) }),
  ],
  [
    'a Parallel without branches',
    () => new StateMachine({ definition: new Parallel('P') }),
    /state "P" field Branches has invalid value \[\]: expected at least one branch/,
    () => new StateMachine({ definition: new Parallel('P').branch(new Pass('B')) }),
  ],
  [
    'a branch with no end',
    () => {
      const a = new Pass('A');
      a.next(a);
      return new StateMachine({ definition: new Parallel('P').branch(a) });
    },
    /branch 1 of "P" has no end/,
    () => new StateMachine({ definition: new Parallel('P').branch(new Pass('A')) }),
  ],
])('rule: %s', (_, failing, message, passing) => {
  it('GIVEN a machine breaking it WHEN validated THEN a problem names the state and field', () => {
    const problems = problemsOf(failing);
    expect(problems.map((p) => p.message)).toContainEqual(expect.stringMatching(message));
  });

  it('GIVEN the same machine made right WHEN validated THEN it has no problem', () => {
    expect(problemsOf(passing)).toStrictEqual([]);
  });
});

describe('reporting', () => {
  it('GIVEN a machine with three problems WHEN rendered THEN one AslValidationError lists all three and nothing is returned', () => {
    const choice = new Choice('C').when(Condition.isPresent('$.x'), new Succeed('S'));
    const definition = Chain.start(new Parallel('P').branch(new Pass('S'))).next(choice);
    const machine = new StateMachine({ definition: Chain.start(new Map('M')).next(definition) });
    let error: unknown;
    try {
      machine.toJson();
    } catch (e) {
      error = e;
    }
    expect(isAslValidationError(error)).toBe(true);
    const problems = (error as AslValidationError).problems;
    expect(problems.map((p) => p.message)).toStrictEqual([
      'state name "S" is used 2 times (in the machine and branch 1 of "P"): names must be unique across the machine, its branches and item processors',
      'state "M" field ItemProcessor is missing: expected an item processor',
      'state "C" field Default is missing: expected a Default state (required here: an unmatched input would fail with States.NoChoiceMatched)',
    ]);
    expect((error as Error).message).toBe(`state machine definition has 3 problems:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
  });
});
