import { describe, expect, it } from 'vitest';
import { ANNOUNCE_BURST, ANNOUNCE_GAP_MS, healthAnnouncer, type Clock } from './health';
import type { HealthChange } from './models';

/** An announcer on a clock the test moves; `said` is every notice, in order. */
function announcer() {
  let t = 1_000_000;
  let timer: { at: number; fn: () => void } | undefined;
  const clock: Clock = { now: () => t, setTimeout: (fn, ms) => (timer = { at: t + ms, fn }), clearTimeout: () => (timer = undefined) };
  const said: string[] = [];
  const tell = healthAnnouncer((n) => said.push(n.title), clock);
  const at = (ms: number) => {
    const end = t + ms;
    while (timer && timer.at <= end) {
      const { at: when, fn } = timer;
      timer = undefined;
      t = when;
      fn();
    }
    t = end;
  };
  return { said, at, say: (id: string, status: HealthChange['status']) => tell({ id, name: id, status }) };
}

describe('health notices', () => {
  it('unhealthy once, the recovery after it; a restart (starting) makes the next unhealthy news again', () => {
    const a = announcer();
    a.say('web', 'healthy');
    a.say('web', 'unhealthy');
    a.at(ANNOUNCE_GAP_MS);
    a.say('web', 'unhealthy');
    a.say('web', 'healthy');
    a.at(ANNOUNCE_GAP_MS);
    a.say('web', 'unhealthy');
    a.say('web', 'starting');
    a.say('web', 'unhealthy'); // restarted: said at once, not held back as a flap
    expect(a.said).toEqual(['web is unhealthy', 'web is healthy again', 'web is unhealthy', 'web is unhealthy']);
  });

  it('a flapping check: about one notice a minute, and the last word is the true one', () => {
    const a = announcer();
    for (let s = 0; s < 150; s++) {
      a.say('flappy', s % 2 ? 'healthy' : 'unhealthy');
      a.at(1000);
    }
    expect(a.said.length).toBeLessThanOrEqual(4);
    a.at(ANNOUNCE_GAP_MS);
    expect(a.said.at(-1)).toBe('flappy is healthy again'); // it ended healthy
  });

  it('held back, then still so: told when its time comes; no longer so: not told', () => {
    const a = announcer();
    a.say('web', 'unhealthy');
    a.say('web', 'healthy'); // within the gap
    a.at(ANNOUNCE_GAP_MS);
    expect(a.said).toEqual(['web is unhealthy', 'web is healthy again']);
    a.say('web', 'unhealthy'); // within the gap after the recovery
    a.at(10_000);
    a.say('web', 'healthy'); // and back before its time: nothing more to say
    a.at(ANNOUNCE_GAP_MS);
    expect(a.said).toEqual(['web is unhealthy', 'web is healthy again']);
  });

  it('a storm of containers: ANNOUNCE_BURST a minute, the rest as the minutes pass; none lost', () => {
    const a = announcer();
    for (let i = 0; i < 25; i++) a.say(`c${i}`, 'unhealthy');
    expect(a.said).toHaveLength(ANNOUNCE_BURST);
    a.at(60_000);
    expect(a.said).toHaveLength(2 * ANNOUNCE_BURST);
    a.at(60_000);
    expect(a.said).toHaveLength(25);
  });
});
