import { describe, expect, it } from 'vitest';
import { SynthFailedError, synthStack } from './synth.js';

describe('synthStack', () => {
  it('GIVEN a stack whose program throws in the child THEN SynthFailedError names the stack and carries the reason', async () => {
    const error = await synthStack('analytics-dev').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SynthFailedError);
    expect((error as SynthFailedError).message).toBe(
      'synth of analytics-dev failed: stack "analytics-dev": layer analytics is not implemented yet in this release (implemented: ingestion, lake, orchestration)',
    );
  });
});
