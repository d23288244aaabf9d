import { describe, expect, it } from 'vitest';
import { ANNOUNCE_BURST, ANNOUNCE_GAP_MS, healthAnnouncer } from './health';
import type { HealthChange } from './models';

function announcer() {
  let t = 1_000_000;
  const say = healthAnnouncer(() => t);
  return {
    at: (ms: number) => void (t += ms),
    say: (id: string, status: HealthChange['status']) => say({ id, name: id, status })?.title,
  };
}

describe('health notices', () => {
  it('unhealthy once, the recovery after it; a restart (starting) makes the next unhealthy news again', () => {
    const a = announcer();
    expect(a.say('web', 'healthy')).toBeUndefined();
    expect(a.say('web', 'unhealthy')).toBe('web is unhealthy');
    a.at(ANNOUNCE_GAP_MS);
    expect(a.say('web', 'unhealthy')).toBeUndefined();
    expect(a.say('web', 'healthy')).toBe('web is healthy again');
    a.at(ANNOUNCE_GAP_MS);
    expect(a.say('web', 'healthy')).toBeUndefined();
    expect(a.say('web', 'unhealthy')).toBe('web is unhealthy');
    expect(a.say('web', 'starting')).toBeUndefined();
    expect(a.say('web', 'unhealthy')).toBe('web is unhealthy'); // restarted: said again, not held back as a flap
  });

  it('a flapping check says one notice a minute at most', () => {
    const a = announcer();
    const said: string[] = [];
    for (let s = 0; s < 150; s++) {
      const t = a.say('flappy', s % 2 ? 'healthy' : 'unhealthy');
      if (t) said.push(t);
      a.at(1000);
    }
    expect(said).toEqual(['flappy is unhealthy', 'flappy is healthy again', 'flappy is unhealthy']);
  });

  it('a storm of containers says ANNOUNCE_BURST a minute, and more after it', () => {
    const a = announcer();
    const said = Array.from({ length: 50 }, (_, i) => a.say(`c${i}`, 'unhealthy')).filter(Boolean);
    expect(said).toHaveLength(ANNOUNCE_BURST);
    a.at(60_000);
    expect(a.say('late', 'unhealthy')).toBe('late is unhealthy');
  });

  it('remembers a bounded number of containers', () => {
    const a = announcer();
    for (let i = 0; i < 30_000; i++) {
      a.say(`c${i}`, 'unhealthy');
      a.at(6001); // within the burst limit
    }
    expect(a.say('c29999', 'unhealthy')).toBeUndefined(); // the latest are remembered
    a.at(ANNOUNCE_GAP_MS);
    expect(a.say('c0', 'unhealthy')).toBe('c0 is unhealthy'); // the oldest forgotten: said again
  });
});
