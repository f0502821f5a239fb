import { describe, expect, it } from 'vitest';
import { SynthFailedError, synthStack } from './synth.js';

describe('synthStack', () => {
  it('GIVEN a stack whose program throws in the child THEN SynthFailedError names the stack and carries the reason', async () => {
    const error = await synthStack('ingestion-staging').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SynthFailedError);
    expect((error as SynthFailedError).message).toMatch(/^synth of ingestion-staging failed: .*"ingestion-staging"/);
  });
});
