/**
 * What a container's health change is worth saying, for the renderer's toasts and the desktop app's
 * OS notifications alike: turning unhealthy once (not again until it recovers or restarts), and
 * recovering after that. Starting and healthy on their own say nothing.
 */
import type { HealthChange } from './models';

export interface HealthNotice {
  kind: 'unhealthy' | 'recovered';
  title: string;
  message: string;
}

export function healthAnnouncer(): (h: HealthChange) => HealthNotice | undefined {
  const unhealthy = new Set<string>(); // ids last announced unhealthy
  return (h) => {
    if (h.status === 'unhealthy') {
      if (unhealthy.has(h.id)) return undefined;
      unhealthy.add(h.id);
      return { kind: 'unhealthy', title: `${h.name} is unhealthy`, message: 'Its health check keeps failing. Its page in Berth shows the last checks and what they printed.' };
    }
    if (!unhealthy.delete(h.id) || h.status !== 'healthy') return undefined;
    return { kind: 'recovered', title: `${h.name} is healthy again`, message: 'Its health check passes again.' };
  };
}
