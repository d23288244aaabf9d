/**
 * The Berth VM's life as a state machine: stopped -> starting -> running -> stopping -> stopped,
 * running <-> paused (auto-pause while idle, resumed by the next call), and error from anywhere (a
 * crash, a boot that never came up). Every change, and every boot
 * step while starting, is reported to listeners (the tray, the VM page, `berth vm status`).
 * Asking for what the current state forbids (start while stopping, ...) is a CONFLICT in words.
 */
import { BerthError, type ErrorCode } from '../../shared/errors';
import type { VmState, VmStatus } from '../../shared/models';

export type { VmState, VmStatus };

type Listener = (s: VmStatus) => void;

const ALLOWED: Record<VmState, VmState[]> = {
  stopped: ['starting'],
  starting: ['running', 'stopping', 'error', 'stopped'],
  running: ['paused', 'stopping', 'error', 'stopped'], // stopped without stopping: the VM went away by itself
  paused: ['running', 'stopping', 'error', 'stopped'],
  stopping: ['stopped', 'error'],
  error: ['starting', 'stopped'],
};

export class VmStateMachine {
  private status: VmStatus;
  private readonly listeners = new Set<Listener>();

  constructor(
    initial: VmState = 'stopped',
    private readonly now: () => number = Date.now,
  ) {
    this.status = { state: initial, since: now() };
  }

  get(): VmStatus {
    return { ...this.status };
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Whether `to` may follow the current state. */
  can(to: VmState): boolean {
    return ALLOWED[this.status.state].includes(to);
  }

  to(state: VmState, detail: { step?: string; reason?: string; errorCode?: ErrorCode; expectedMs?: number } = {}): void {
    if (!this.can(state)) {
      throw new BerthError('CONFLICT', `The VM is ${this.status.state}; it cannot go to ${state} from there.`, {
        hint: state === 'starting' ? 'Wait for it to stop, or stop it first.' : 'Wait for it to finish what it is doing.',
      });
    }
    const since = this.now();
    this.status = {
      state,
      since,
      ...(detail.step ? { step: detail.step } : {}),
      ...(detail.reason ? { reason: detail.reason } : {}),
      ...(state === 'error' && detail.errorCode ? { errorCode: detail.errorCode } : {}),
      ...(state === 'starting' ? { startedAt: since, progress: 0, ...(detail.expectedMs ? { expectedMs: detail.expectedMs } : {}) } : {}),
    };
    this.emit();
  }

  /**
   * A boot step while starting (ignored in any other state: a late report of an aborted boot).
   * Progress only moves forward; without one from the backend it stays where it was.
   */
  step(step: string, progress?: number): void {
    if (this.status.state !== 'starting') return;
    const p = progress === undefined || !Number.isFinite(progress) ? this.status.progress : Math.min(1, Math.max(this.status.progress ?? 0, progress));
    this.status = { ...this.status, step, ...(p !== undefined ? { progress: p } : {}) };
    this.emit();
  }

  private emit(): void {
    const s = this.get();
    for (const l of this.listeners) l(s);
  }
}
