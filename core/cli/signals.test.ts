import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { STOP_SIGNALS, untilStopped } from './signals.js';

describe('untilStopped', () => {
  it.each(STOP_SIGNALS)('GIVEN no abort signal WHEN %s is emitted THEN it resolves with it and leaves no listener behind', async (name) => {
    const emitter = new EventEmitter();
    let resolved: string | undefined;
    const stopped = untilStopped({ emitter }).then((by) => (resolved = by));
    expect(STOP_SIGNALS.map((s) => emitter.listenerCount(s))).toStrictEqual([1, 1]);
    await Promise.resolve();
    expect(resolved).toBeUndefined();
    emitter.emit(name);
    expect(await stopped).toBe(name);
    expect(STOP_SIGNALS.map((s) => emitter.listenerCount(s))).toStrictEqual([0, 0]);
  });

  it('GIVEN an abort signal WHEN it aborts THEN it resolves with "abort", and the emitter was never listened to', async () => {
    const emitter = new EventEmitter();
    const stop = new AbortController();
    const stopped = untilStopped({ signal: stop.signal, emitter });
    expect(STOP_SIGNALS.map((s) => emitter.listenerCount(s))).toStrictEqual([0, 0]);
    stop.abort();
    expect(await stopped).toBe('abort');
  });

  it('GIVEN an abort signal already aborted THEN it resolves with "abort" at once', async () => {
    expect(await untilStopped({ signal: AbortSignal.abort(), emitter: new EventEmitter() })).toBe('abort');
  });
});
