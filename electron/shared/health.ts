/**
 * What a container's health change is worth saying, for the renderer's toasts and the desktop app's
 * OS notifications alike: turning unhealthy once (not again until it recovers or restarts), and
 * recovering after that; starting and healthy on their own say nothing. A check that flaps says one
 * notice a minute at most, and a storm of containers ANNOUNCE_BURST a minute for all of them (the
 * list's badges say the rest).
 */
import type { HealthChange } from './models';

export interface HealthNotice {
  kind: 'unhealthy' | 'recovered';
  title: string;
  message: string;
}

/** Per container: after a notice, none for this long. */
export const ANNOUNCE_GAP_MS = 60_000;
/** Notices a minute, all containers together. */
export const ANNOUNCE_BURST = 10;
/** Containers remembered (the oldest forgotten past it: at worst, one unhealthy said twice). */
const TRACKED = 10_000;

export function healthAnnouncer(now: () => number = () => Date.now()): (h: HealthChange) => HealthNotice | undefined {
  const last = new Map<string, { said: HealthNotice['kind']; at: number }>(); // in order of the last notice
  const recent: number[] = []; // times of the notices of the last minute
  return (h) => {
    const t = now();
    const prev = last.get(h.id);
    if (h.status === 'starting') return void last.delete(h.id); // (re)started: an unhealthy after it is news again
    const kind = h.status === 'unhealthy' ? 'unhealthy' : 'recovered';
    if (kind === 'unhealthy' ? prev?.said === 'unhealthy' : prev?.said !== 'unhealthy') return undefined;
    if (prev && t - prev.at < ANNOUNCE_GAP_MS) return undefined; // flapping
    while (recent.length && t - recent[0]! >= 60_000) recent.shift();
    if (recent.length >= ANNOUNCE_BURST) return undefined;
    recent.push(t);
    last.delete(h.id);
    last.set(h.id, { said: kind, at: t });
    if (last.size > TRACKED) last.delete(last.keys().next().value!);
    return kind === 'unhealthy'
      ? { kind, title: `${h.name} is unhealthy`, message: 'Its health check keeps failing. Its page in Berth shows the last checks and what they printed.' }
      : { kind, title: `${h.name} is healthy again`, message: 'Its health check passes again.' };
  };
}
