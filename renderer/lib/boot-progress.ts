/**
 * What the boot panel shows while the VM starts: how far it is (the backend's own fraction, else
 * the time so far against the last start's; held below 1 until it is running),
 * the time so far, and how long the last start took.
 */
import type { VmInfo } from '../../electron/shared/models';

export interface BootView {
  step: string;
  /** 0..1, or undefined when nothing tells (an indeterminate bar). */
  fraction?: number;
  elapsedS: number;
  /** "about 35 s" from the last start that finished. */
  aboutS?: number;
}

export function bootView(info: Pick<VmInfo, 'step' | 'progress' | 'startedAt' | 'expectedMs' | 'since'>, now: number): BootView {
  const elapsedMs = Math.max(0, now - (info.startedAt ?? info.since));
  const byTime = info.expectedMs ? Math.min(0.95, elapsedMs / info.expectedMs) : undefined;
  const own = info.progress && info.progress > 0 ? info.progress : undefined;
  // The backend's own fraction when it gives one (a first-run build is far longer than a boot), else by time.
  const fraction = own !== undefined ? Math.min(0.99, own) : byTime;
  return {
    step: info.step ?? 'Starting',
    ...(fraction !== undefined ? { fraction } : {}),
    elapsedS: Math.floor(elapsedMs / 1000),
    ...(info.expectedMs ? { aboutS: Math.max(1, Math.round(info.expectedMs / 1000)) } : {}),
  };
}
