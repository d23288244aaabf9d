/**
 * What a container's health change is worth saying, for the renderer's toasts and the desktop app's
 * OS notifications alike: turning unhealthy (not again until it recovers or restarts), and
 * recovering after that; starting and healthy on their own say nothing. A container is told about
 * once a minute at most (a flapping check), all of them ANNOUNCE_BURST a minute: a change held back
 * is told when its time comes if it still holds, so the last word is always the true one.
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
const MINUTE = 60_000;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}
const realClock: Clock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>) };

function notice(kind: HealthNotice['kind'], name: string): HealthNotice {
  return kind === 'unhealthy'
    ? { kind, title: `${name} is unhealthy`, message: 'Its health check keeps failing. Its page in Berth shows the last checks and what they printed.' }
    : { kind, title: `${name} is healthy again`, message: 'Its health check passes again.' };
}

/** Returns what to call with each health change; `say` gets the notices, now or when their time comes. */
export function healthAnnouncer(say: (n: HealthNotice) => void, clock: Clock = realClock): (h: HealthChange) => void {
  const told = new Map<string, { said: HealthNotice['kind']; at: number }>(); // in order of the last notice
  const latest = new Map<string, HealthChange>(); // changes not told yet, the latest per container
  const recent: number[] = []; // times of the notices of the last minute
  let timer: unknown;

  const due = (h: HealthChange): HealthNotice['kind'] | undefined => {
    const said = told.get(h.id)?.said;
    if (h.status === 'unhealthy') return said === 'unhealthy' ? undefined : 'unhealthy';
    return h.status === 'healthy' && said === 'unhealthy' ? 'recovered' : undefined;
  };

  const pump = () => {
    timer = undefined;
    const t = clock.now();
    while (recent.length && t - recent[0]! >= MINUTE) recent.shift();
    let next = Infinity;
    for (const [id, h] of latest) {
      const kind = due(h);
      if (!kind) {
        latest.delete(id);
        continue;
      }
      const prev = told.get(id);
      const ready = Math.max(prev ? prev.at + ANNOUNCE_GAP_MS : 0, recent.length >= ANNOUNCE_BURST ? recent[0]! + MINUTE : 0);
      if (ready > t) {
        next = Math.min(next, ready);
        continue;
      }
      latest.delete(id);
      recent.push(t);
      told.delete(id);
      told.set(id, { said: kind, at: t });
      if (told.size > TRACKED) told.delete(told.keys().next().value!);
      say(notice(kind, h.name));
    }
    if (next < Infinity) timer = clock.setTimeout(pump, next - t);
  };

  return (h) => {
    latest.delete(h.id);
    if (h.status === 'starting')
      told.delete(h.id); // (re)started: an unhealthy after it is news again
    else latest.set(h.id, h);
    if (latest.size > TRACKED) latest.delete(latest.keys().next().value!);
    if (timer !== undefined) clock.clearTimeout(timer);
    pump();
  };
}
