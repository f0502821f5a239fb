import { describe, expect, it } from 'vitest';
import { StackNameError } from '../core/errors.js';
import { LAYERS, parseStackName, stackName } from './stack-name.js';

describe('parseStackName', () => {
  it.each([
    ['ingestion-dev', 'ingestion', 'dev'],
    ['ingestion-prod', 'ingestion', 'prod'],
    ['lake-dev', 'lake', 'dev'],
    ['analytics-prod', 'analytics', 'prod'],
    ['orchestration-dev', 'orchestration', 'dev'],
    ['my-org/sensorlake/lake-prod', 'lake', 'prod'],
  ])('GIVEN %s THEN layer %s, env %s', (value, layer, env) => {
    expect(parseStackName(value)).toStrictEqual({ layer, env });
  });

  it.each(['dev', 'ingestion', 'ingestion-staging', 'warehouse-dev', 'ingestion-dev-2', 'Ingestion-dev', '', '-dev'])(
    'GIVEN %j THEN StackNameError naming the value and the expected form',
    (value) => {
      const error = (() => {
        try {
          parseStackName(value);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(StackNameError);
      expect((error as StackNameError).stackName).toBe(value);
      expect((error as StackNameError).message).toContain(JSON.stringify(value));
      expect((error as StackNameError).message).toContain('<layer>-<env>');
      expect((error as StackNameError).message).toContain('ingestion, lake, analytics, orchestration');
    },
  );

  it('round-trips every layer and environment through stackName', () => {
    for (const layer of LAYERS) {
      for (const env of ['dev', 'prod'] as const) expect(parseStackName(stackName(layer, env))).toStrictEqual({ layer, env });
    }
  });
});
