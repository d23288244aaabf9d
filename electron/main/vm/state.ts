/**
 * The Berth VM's life as a state machine: stopped -> starting -> running -> stopping -> stopped,
 * and error from anywhere (a crash, a boot that never came up). Every change, and every boot
 * step while starting, is reported to listeners (the tray, the VM page, `berth vm status`).
 * Asking for what the current state forbids (start while stopping, ...) is a CONFLICT in words.
 */
import { BerthError } from '../../shared/errors';
import type { VmState, VmStatus } from '../../shared/models';

export type { VmState, VmStatus };

type Listener = (s: VmStatus) => void;

const ALLOWED: Record<VmState, VmState[]> = {
  stopped: ['starting'],
  starting: ['running', 'stopping', 'error', 'stopped'],
  running: ['stopping', 'error', 'stopped'], // stopped without stopping: the VM went away by itself
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

  to(state: VmState, detail: { step?: string; reason?: string } = {}): void {
    if (!this.can(state)) {
      throw new BerthError('CONFLICT', `The VM is ${this.status.state}; it cannot go to ${state} from there.`, { hint: state === 'starting' ? 'Wait for it to stop, or stop it first.' : 'Wait for it to finish what it is doing.' });
    }
    this.status = { state, since: this.now(), ...(detail.step ? { step: detail.step } : {}), ...(detail.reason ? { reason: detail.reason } : {}) };
    this.emit();
  }

  /** A boot step while starting (ignored in any other state: a late report of an aborted boot). */
  step(step: string): void {
    if (this.status.state !== 'starting') return;
    this.status = { ...this.status, step };
    this.emit();
  }

  private emit(): void {
    const s = this.get();
    for (const l of this.listeners) l(s);
  }
}
