/**
 * What the VM manager needs from a backend (QEMU, mock): boot a VM that serves a Docker
 * engine on a host socket, forward host ports into it, and stop it. The manager owns the state
 * machine, the port forwarding policy and the clients; a backend only runs one machine.
 */
import type { VmResources } from '../../shared/api-contract';
import type { ForwardedPort } from '../../shared/models';

/** A run's auto-pause (resource saver), where the backend can pause its machine. */
export interface VmPausing {
  /** Stops the machine's CPUs (the guest's disks synced first): it then uses no CPU at all. */
  pause(): Promise<void>;
  /** Lets the CPUs run again and sets the guest clock to the host's (it stood still while paused). */
  resume(): Promise<void>;
  /**
   * `gate` runs before each new connection to dockerHost is forwarded (the connection waits on it:
   * where a paused machine is resumed); `traffic` on the bytes of every connection (the idle timer).
   */
  hooks(h: { gate: () => Promise<void>; traffic: () => void }): void;
}

export interface VmRun {
  /** The engine, on the host: `unix://...` (a 0600 socket). */
  dockerHost: string;
  /** Where the guest's sshd answers (`berth vm ssh`), when it has one. */
  ssh?: { host: string; port: number };
  /** Forwards the host's `address`:`port` (TCP or UDP) to the same port in the VM; rejects in words when it is taken. */
  forwardPort(p: ForwardedPort): Promise<() => Promise<void>>;
  /** Settles once when the machine is gone: asked to stop, or not (a crash, a kill). */
  exited: Promise<{ expected: boolean; reason?: string }>;
  /** Clean shutdown (the engine stops its containers, disks are synced); forced after a timeout. */
  stop(): Promise<void>;
  /** Auto-pause, where the backend has it (QEMU). */
  pausing?: VmPausing;
  /**
   * Trims the guest's data filesystem so the host gets its free blocks back (the disk file's holes);
   * resolves to the bytes the guest trimmed, once the host has them. Where the backend has a data disk.
   */
  trim?(): Promise<number>;
}

export interface VmBackend {
  readonly kind: 'qemu' | 'mock';
  /**
   * Boots and resolves when the engine answers on `dockerHost`; `step` reports progress in words,
   * with how far the whole start is (0..1) where the backend can tell. `signal` aborts when the
   * VM is asked to stop meanwhile: the boot ends what it started (a build, QEMU) and rejects.
   */
  boot(resources: VmResources, step: (words: string, progress?: number) => void, signal?: AbortSignal): Promise<VmRun>;
}
