import './promise-polyfill.js';
import { StateMachine as LocalMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { Chain, Choice, Condition, Fail, glueGetCrawler, glueStartCrawler, lambdaInvoke, Map, Parallel, Pass, StateMachine, Succeed, Wait } from './index.js';

const CRAWLER = 'arn:aws:glue:eu-west-1:123456789012:crawler/raw';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:double';

/** Crawl and poll until READY, a Parallel of two passes, a Map calling a Lambda per item, a Catch to Fail. */
function pipeline(): StateMachine {
  const failed = new Fail('Failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
  const wait = new Wait('Wait for crawler', { time: { seconds: 60 } });
  const poll = new Choice('Crawler ready?')
    .when(Condition.stringEquals('$.crawler.State', 'READY'), new Pass('Crawled'))
    .otherwise(wait);
  const crawl = Chain.start(glueStartCrawler('Start crawler', { crawlerName: 'raw', crawlerArn: CRAWLER, resultPath: null }).addCatch(failed, { resultPath: '$.error' }))
    .next(wait)
    .next(glueGetCrawler('Get crawler', { crawlerName: 'raw', crawlerArn: CRAWLER, resultSelector: { 'State.$': '$.Crawler.State' }, resultPath: '$.crawler' }))
    .next(poll.afterwards());
  const both = new Parallel('Both', { resultPath: '$.both' }).branch(new Pass('Left', { result: 'L' }), new Pass('Right', { result: 'R' }));
  const perItem = new Map('Per item', { itemsPath: '$.items', maxConcurrency: 2, resultPath: '$.doubled' }).itemProcessor(
    lambdaInvoke('Double', { functionArn: FN, resultSelector: { 'value.$': '$.Payload' } }),
  );
  return new StateMachine({ definition: crawl.next(both).next(perItem).next(new Succeed('Done')), timeoutSeconds: 600 });
}

describe('the rendered definition runs locally (aws-local-stepfunctions)', () => {
  it('GIVEN Task overrides keyed by state name and a Wait override WHEN run THEN the crawl loop polls until READY and every shape is as AWS gives it', async () => {
    const states = ['RUNNING', 'RUNNING', 'READY'];
    const polls: string[] = [];
    const requests: unknown[] = [];
    const local = new LocalMachine(pipeline().toJson() as unknown as StateMachineDefinition);
    const run = local.run(
      { items: [1, 2, 3] },
      {
        overrides: {
          taskResourceLocalHandlers: {
            'Start crawler': () => ({}),
            'Get crawler': () => {
              const state = states.shift() ?? 'READY';
              polls.push(state);
              return { Crawler: { Name: 'raw', State: state } };
            },
            Double: (input) => {
              requests.push(input);
              return { Payload: (input as { Payload: number }).Payload * 2, StatusCode: 200 };
            },
          },
          waitTimeOverrides: { 'Wait for crawler': 0 },
        },
      },
    );
    expect(await run.result).toStrictEqual({
      items: [1, 2, 3],
      crawler: { State: 'READY' },
      both: ['L', 'R'],
      doubled: [{ value: 2 }, { value: 4 }, { value: 6 }],
    });
    expect(polls).toStrictEqual(['RUNNING', 'RUNNING', 'READY']);
    expect(requests).toStrictEqual([1, 2, 3].map((n) => ({ FunctionName: FN, Payload: n })));
  });

  it('GIVEN the crawler start fails WHEN run THEN the Catch hands its error and cause to Fail and the execution fails with them', async () => {
    const local = new LocalMachine(pipeline().toJson() as unknown as StateMachineDefinition);
    const run = local.run(
      { items: [] },
      {
        overrides: {
          taskResourceLocalHandlers: {
            'Start crawler': () => {
              throw Object.assign(new Error('crawler raw is running'), { name: 'Glue.CrawlerRunningException' });
            },
          },
        },
      },
    );
    await expect(run.result).rejects.toThrow('Execution has failed with the following error: crawler raw is running');
  });
});
