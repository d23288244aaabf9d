/**
 * What the VM manager needs from a backend (QEMU, vfkit, mock): boot a VM that serves a Docker
 * engine on a host socket, forward host ports into it, and stop it. The manager owns the state
 * machine, the port forwarding policy and the clients; a backend only runs one machine.
 */
export interface VmResources {
  cpus: number;
  memoryMiB: number;
  diskGiB: number;
}

export const DEFAULT_RESOURCES: VmResources = { cpus: 2, memoryMiB: 2048, diskGiB: 64 };

export interface VmRun {
  /** The engine, on the host: `unix://...` (a 0600 socket). */
  dockerHost: string;
  /** Where the guest's sshd answers (`berth vm ssh`), when it has one. */
  ssh?: { host: string; port: number };
  /** Forwards host 127.0.0.1:`port` to the same port in the VM; rejects in words when it is taken. */
  forwardPort(port: number): Promise<() => Promise<void>>;
  /** Settles once when the machine is gone: asked to stop, or not (a crash, a kill). */
  exited: Promise<{ expected: boolean; reason?: string }>;
  /** Clean shutdown (the engine stops its containers, disks are synced); forced after a timeout. */
  stop(): Promise<void>;
}

export interface VmBackend {
  readonly kind: 'qemu' | 'vfkit' | 'mock';
  /** Boots and resolves when the engine answers on `dockerHost`; `step` reports progress in words. */
  boot(resources: VmResources, step: (words: string) => void): Promise<VmRun>;
}
