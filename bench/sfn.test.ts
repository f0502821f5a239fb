import { describe, expect, it } from 'vitest';
import { Fail, StateMachine } from '../core/asl/index.js';
import { sampleBenchCase, sfnLocalFigure } from './sfn.js';

describe('sfn.local', () => {
  it('GIVEN the sample machine WHEN measured over 3 runs THEN the figure is the median in ms with its spread', async () => {
    const figure = await sfnLocalFigure(sampleBenchCase(), 3);
    expect(figure).toMatchObject({ name: 'sfn.local', unit: 'ms', target: '< 50 ms', met: figure.value < 50 });
    expect(figure.value).toBeGreaterThan(0);
    expect(figure.notes).toMatch(/median of 3 runs \(min [\d.]+, max [\d.]+ ms\)/);
  });

  it('GIVEN a machine that fails WHEN measured THEN the bench refuses to time it', async () => {
    const failing = { machine: new StateMachine({ definition: new Fail('Stop', { error: 'Broken' }) }), input: {}, handlers: () => ({}), label: 'failing' };
    await expect(sfnLocalFigure(failing, 1)).rejects.toThrow('sfn.local: failing ended FAILED: Broken');
  });
});
