import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveFleet } from './live.js';

describe('liveFleet: the counters of a running fleet, sampled into the rate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('GIVEN counters that move THEN the view reads them now, the rate holds one sample at start and one per interval, the oldest dropped past maxSamples', () => {
    let sent = 0;
    let clock = Date.parse('2026-11-22T10:00:00.000Z');
    const live = liveFleet(() => ({ sent, acknowledged: sent, landed: sent - 1, quarantined: 1, quarantinedByReason: { 'out-of-range': 1 }, refusedByReason: { 'not-authorized': 2, 'unknown-topic': 1 } }), {
      intervalMs: 1000,
      maxSamples: 2,
      now: () => new Date(clock),
    });
    for (const next of [4, 9]) {
      sent = next;
      clock += 1000;
      vi.advanceTimersByTime(1000);
    }
    sent = 12;
    const view = live.view();
    expect(view.counters).toStrictEqual({ sent: 12, acknowledged: 12, landed: 11, quarantined: 1, refused: 3 });
    expect(view.rate).toStrictEqual([
      { t: '2026-11-22T10:00:01.000Z', sent: 4, landed: 3 },
      { t: '2026-11-22T10:00:02.000Z', sent: 9, landed: 8 },
    ]);
    live.stop();
    vi.advanceTimersByTime(5000);
    expect(live.view().rate).toHaveLength(2);
    expect(live.view().rate.at(-1)?.sent).toBe(9);
  });
});
