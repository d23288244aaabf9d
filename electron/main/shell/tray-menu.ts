/**
 * The tray menu as a pure function of state (table-tested); shell/main.ts only renders it. The
 * VM entries show when the shell passes the VM's state (it always does in the desktop app); the
 * running jobs come from the renderer's `jobs.report` (relayed as `jobs:changed`).
 */
import type { EngineState, VmState } from '../../shared/models';
import { jobDoing, type JobReport } from '../../shared/jobs';

export type { VmState };

export interface TrayState {
  /** Undefined when Berth is not running a VM (a local socket, tcp or ssh engine). */
  vm?: VmState;
  engine: EngineState;
  /** The engine is there but does not answer (hung), rather than gone. */
  notAnswering?: boolean;
  /** Running containers, for quick stop. */
  running: { id: string; name: string }[];
  /** Quitting stops the VM first (a setting). */
  quitStopsVm: boolean;
  /** The renderer's jobs as last reported (the running ones are listed). */
  jobs?: JobReport[];
}

export type TrayAction = { kind: 'open' } | { kind: 'vm'; action: 'start' | 'stop' | 'restart' } | { kind: 'stop-container'; id: string } | { kind: 'cancel-job'; id: number } | { kind: 'quit' };

/** Electron's MenuItemConstructorOptions, the part we use; `action` becomes the click handler. */
export interface TrayItem {
  label?: string;
  type?: 'separator' | 'normal' | 'submenu';
  enabled?: boolean;
  action?: TrayAction;
  submenu?: TrayItem[];
}

export const TRAY_CONTAINERS_MAX = 15;
export const TRAY_JOBS_MAX = 10;

/** "Pulling busybox · 42 %" */
const jobLabel = (j: JobReport) => `${jobDoing(j)}${j.percent !== undefined ? ` · ${j.percent} %` : ''}`;

const VM_LABEL: Record<VmState, string> = {
  stopped: 'Berth VM is stopped',
  starting: 'Berth VM is starting…',
  running: 'Berth VM is running',
  paused: 'Berth VM is paused (resource saver)',
  stopping: 'Berth VM is stopping…',
  error: 'Berth VM failed',
};
const ENGINE_LABEL: Record<EngineState, string> = { connecting: 'Connecting to the engine…', up: 'Engine is running', unreachable: 'Engine unreachable' };

export function trayMenu(s: TrayState): TrayItem[] {
  const engineLabel = s.engine === 'unreachable' && s.notAnswering ? 'Engine not answering' : ENGINE_LABEL[s.engine];
  const items: TrayItem[] = [{ label: s.vm ? VM_LABEL[s.vm] : engineLabel, enabled: false }];
  if (s.vm) {
    const busy = s.vm === 'starting' || s.vm === 'stopping';
    items.push(
      s.vm === 'paused'
        ? { label: 'Resume VM', enabled: true, action: { kind: 'vm', action: 'start' } } // any call resumes it too
        : { label: 'Start VM', enabled: s.vm === 'stopped' || s.vm === 'error', action: { kind: 'vm', action: 'start' } },
      { label: 'Stop VM', enabled: s.vm === 'running' || s.vm === 'paused', action: { kind: 'vm', action: 'stop' } },
      { label: 'Restart VM', enabled: !busy && s.vm !== 'stopped', action: { kind: 'vm', action: 'restart' } },
    );
  }
  items.push({ type: 'separator' }, { label: 'Open dashboard', action: { kind: 'open' } });
  if (s.engine === 'up') {
    const shown = s.running.slice(0, TRAY_CONTAINERS_MAX);
    items.push({
      label: s.running.length ? `Running containers (${s.running.length})` : 'No running containers',
      enabled: s.running.length > 0,
      ...(s.running.length
        ? {
            type: 'submenu' as const,
            submenu: [
              ...shown.map((c) => ({ label: `Stop ${c.name}`, action: { kind: 'stop-container' as const, id: c.id } })),
              ...(s.running.length > shown.length ? [{ label: `…and ${s.running.length - shown.length} more (open the dashboard)`, enabled: false }] : []),
            ],
          }
        : {}),
    });
  }
  const jobs = (s.jobs ?? []).filter((j) => j.status === 'running');
  if (jobs.length) {
    const shown = jobs.slice(0, TRAY_JOBS_MAX);
    items.push({
      label: `Running jobs (${jobs.length})`,
      type: 'submenu',
      submenu: [
        ...shown.map((j) => ({
          label: jobLabel(j),
          type: 'submenu' as const,
          submenu: [
            { label: 'Show in Berth', action: { kind: 'open' as const } },
            { label: 'Cancel', action: { kind: 'cancel-job' as const, id: j.id } },
          ],
        })),
        ...(jobs.length > shown.length ? [{ label: `…and ${jobs.length - shown.length} more (open the dashboard)`, enabled: false }] : []),
      ],
    });
  }
  items.push({ type: 'separator' }, { label: s.vm && s.quitStopsVm && s.vm !== 'stopped' ? 'Quit Berth (stops the VM)' : 'Quit Berth', action: { kind: 'quit' } });
  return items;
}

/** Which icon the tray shows. */
export function trayIcon(s: Pick<TrayState, 'vm' | 'engine'>): 'running' | 'busy' | 'stopped' | 'error' {
  if (s.vm === 'error' || (!s.vm && s.engine === 'unreachable')) return 'error';
  if (s.vm === 'starting' || s.vm === 'stopping' || (!s.vm && s.engine === 'connecting')) return 'busy';
  if (s.vm === 'stopped') return 'stopped';
  return s.engine === 'up' ? 'running' : 'busy';
}
