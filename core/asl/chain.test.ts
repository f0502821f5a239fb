import { describe, expect, it } from 'vitest';
import { Chain, Choice, Condition, Fail, glueGetCrawler, glueStartCrawler, Pass, StateMachine, Succeed, Wait, type Chain as ChainType } from './index.js';
import { aslValidatorErrors } from './testing/asl-validator.js';

/** A reusable fragment: start a crawler, wait, read its state, loop until READY (names prefixed per use). */
function crawlAndWait(prefix: string, crawler: string): ChainType {
  const arn = `arn:aws:glue:eu-west-1:123456789012:crawler/${crawler}`;
  const start = glueStartCrawler(`${prefix} start crawler`, { crawlerName: crawler, crawlerArn: arn, resultPath: null });
  const wait = new Wait(`${prefix} wait`, { time: { seconds: 30 } });
  const get = glueGetCrawler(`${prefix} get crawler`, { crawlerName: crawler, crawlerArn: arn, resultSelector: { 'state.$': '$.Crawler.State' }, resultPath: '$.crawler' });
  const ready = new Choice(`${prefix} ready?`)
    .when(Condition.stringEquals('$.crawler.state', 'READY'), new Pass(`${prefix} crawled`))
    .otherwise(wait);
  return Chain.start(start).next(wait).next(get).next(ready.afterwards());
}

describe('chaining', () => {
  it('GIVEN a fragment used twice with two prefixes WHEN chained THEN both copies render, each with its own names and loop', () => {
    const definition = crawlAndWait('raw', 'raw-crawler').next(crawlAndWait('curated', 'curated-crawler')).next(new Succeed('Done'));
    const json = new StateMachine({ definition }).toJson();
    expect(Object.keys(json.States)).toStrictEqual([
      'raw start crawler', 'raw wait', 'raw get crawler', 'raw ready?', 'raw crawled',
      'curated start crawler', 'curated wait', 'curated get crawler', 'curated ready?', 'curated crawled', 'Done',
    ]);
    expect(json.States['raw ready?']).toStrictEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.crawler.state', StringEquals: 'READY', Next: 'raw crawled' }],
      Default: 'raw wait',
    });
    expect(json.States['raw crawled']).toStrictEqual({ Type: 'Pass', Next: 'curated start crawler' });
    expect(json.States['curated crawled']).toStrictEqual({ Type: 'Pass', Next: 'Done' });
    expect(aslValidatorErrors(json)).toStrictEqual([]);
  });

  it('GIVEN a Choice with two branches WHEN afterwards() is continued THEN every open branch end goes to the next state and a Fail branch stays closed', () => {
    const choice = new Choice('Route')
      .when(Condition.numberEquals('$.n', 1), new Pass('One'))
      .when(Condition.numberEquals('$.n', 2), new Fail('Two'))
      .otherwise(new Pass('Other'));
    const json = new StateMachine({ definition: Chain.start(choice.afterwards()).next(new Succeed('Joined')) }).toJson();
    expect(json.States.One).toStrictEqual({ Type: 'Pass', Next: 'Joined' });
    expect(json.States.Other).toStrictEqual({ Type: 'Pass', Next: 'Joined' });
    expect(json.States.Two).toStrictEqual({ Type: 'Fail' });
  });

  it('GIVEN a state without a next WHEN rendered THEN it ends its graph', () => {
    expect(new StateMachine({ definition: new Pass('Only') }).toJson()).toStrictEqual({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } });
  });

  it('GIVEN terminal states WHEN chaining onto them THEN it does not compile, and a forced chain is reported unreachable', () => {
    const succeed = new Succeed('S');
    const fail = new Fail('F');
    const closed = Chain.start(new Pass('P')).next(new Fail('G'));
    // @ts-expect-error a Succeed has no next
    expect(succeed.next).toBeUndefined();
    // @ts-expect-error a Fail has no next
    expect(fail.next).toBeUndefined();
    // @ts-expect-error a chain ending in a Fail cannot be continued
    const forced = closed.next(new Pass('Q'));
    expect(new StateMachine({ definition: forced }).problems()).toStrictEqual([
      { state: 'Q', message: 'state "Q" is unreachable in the machine: it is chained after an end that nothing continues from' },
    ]);
  });
});
