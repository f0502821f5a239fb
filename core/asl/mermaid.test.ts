import { describe, expect, it } from 'vitest';
import { Chain, Choice, Condition, describeCondition, Fail, Map, Parallel, Pass, StateMachine, Succeed, Task, toMermaid, type ConditionJson } from './index.js';

function machine(): StateMachine {
  const failed = new Fail('Failed');
  const imports = new Parallel('Imports')
    .branch(new Task('Import "db"', { resource: 'arn:aws:states:::glue:startJobRun.sync' }), new Pass('Import csv'))
    .addCatch(failed, { errors: ['States.TaskFailed', 'States.Timeout'] });
  const rooms = new Map('Rooms', { itemsPath: '$.rooms' }).itemProcessor(new Pass('Score room'));
  const fresh = new Choice('New data?')
    .when(Condition.and(Condition.isPresent('$.count'), Condition.numeric('$.count', 'GreaterThan', 0)), rooms)
    .otherwise(new Succeed('Nothing to do'));
  return new StateMachine({ definition: Chain.start(imports).next(fresh) });
}

describe('Mermaid', () => {
  it('GIVEN a machine with a Parallel, a Catch, a Choice and a Map WHEN drawn THEN the whole flowchart is as expected, and drawing again gives the same text', () => {
    const json = machine().toJson();
    expect(toMermaid(json)).toBe(
      [
        'flowchart TD',
        '  start((start))',
        '  stop((end))',
        '  subgraph n0["Imports (Parallel)"]',
        '    subgraph n0_1["branch 1"]',
        '      n5["Import #quot;db#quot;"]',
        '    end',
        '    subgraph n0_2["branch 2"]',
        '      n6("Import csv")',
        '    end',
        '  end',
        '  n1{"New data?"}',
        '  n2[["Failed"]]',
        '  subgraph n3["Rooms (Map)"]',
        '    subgraph n3_1["item processor"]',
        '      n7("Score room")',
        '    end',
        '  end',
        '  n4(["Nothing to do"])',
        '  start --> n0',
        '  n0 --> n1',
        '  n0 -.->|"States.TaskFailed, States.Timeout"| n2',
        '  n1 -->|"($.count is present) and ($.count > 0)"| n3',
        '  n1 -->|"otherwise"| n4',
        '  n2 --> stop',
        '  n3 --> stop',
        '  n4 --> stop',
        '',
      ].join('\n'),
    );
    expect(toMermaid(machine().toJson())).toBe(toMermaid(json));
  });

  it.each<[ConditionJson, string]>([
    [{ Variable: '$.s', StringEquals: 'a' }, '$.s == "a"'],
    [{ Variable: '$.s', StringLessThanEqualsPath: '$.t' }, '$.s <= $.t'],
    [{ Variable: '$.k', StringMatches: 'in/*.zip' }, '$.k matches "in/*.zip"'],
    [{ Variable: '$.x', IsPresent: false }, '$.x is not present'],
    [{ Variable: '$.x', IsTimestamp: true }, '$.x is a timestamp'],
    [{ Not: { Variable: '$.b', BooleanEquals: true } }, 'not ($.b == true)'],
    [{ Or: [{ Variable: '$.n', NumericLessThan: 1 }, { Variable: '$.n', NumericGreaterThan: 9 }] }, '($.n < 1) or ($.n > 9)'],
  ])('GIVEN the condition %j WHEN described THEN it reads %s', (condition, text) => {
    expect(describeCondition(condition)).toBe(text);
  });
});
