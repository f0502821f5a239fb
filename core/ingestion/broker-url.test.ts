import { describe, expect, it } from 'vitest';
import { brokerUrlProblem } from './broker-url.js';

describe.each<[string, string, string | undefined]>([
  ['mqtt with a port', 'mqtt://localhost:1883', undefined],
  ['mqtts without a port', 'mqtts://broker.example', undefined],
  ['not a URL', 'localhost:1883', 'scheme mqtt:// or mqtts://'],
  ['no scheme at all', 'just words', 'a URL such as mqtt://localhost:1883 or mqtts://localhost:8883'],
  ['ws', 'ws://localhost:9001', 'scheme mqtt:// or mqtts://'],
  ['tcp', 'tcp://localhost:1883', 'scheme mqtt:// or mqtts://'],
  ['ssl', 'ssl://localhost:8883', 'scheme mqtt:// or mqtts://'],
  ['http', 'http://localhost', 'scheme mqtt:// or mqtts://'],
  ['no host', 'mqtt://', 'a host name in the URL'],
])('brokerUrlProblem: %s', (_name, raw, problem) => {
  it(`GIVEN ${JSON.stringify(raw)} WHEN checked THEN ${problem === undefined ? 'accepted' : `expected ${problem}`}`, () => {
    expect(brokerUrlProblem(raw)).toBe(problem);
  });
});
