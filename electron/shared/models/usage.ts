/** The live resource overview: what the running containers (and the VM itself) use right now. */

/** One running container's use, from its latest stats sample. */
export interface ContainerUsage {
  id: string;
  name: string;
  cpuPercent: number; // 100 = one full core
  memUsage: number; // bytes, page cache excluded
  memLimit: number; // bytes: the container's limit, or the engine's memory when it has none
}

/** A process on this machine (the VM's QEMU), read from /proc where the platform has it. */
export interface ProcessUsage {
  /** 100 = one full core of this machine; none at the first reading (no earlier one to take a rate against). */
  cpuPercent?: number;
  memUsage: number; // resident bytes
}

/** One push of the overview stream: at most one a second, while someone looks. */
export interface UsageSnapshot {
  time: number; // unix ms
  /** Running containers that have reported a sample, by CPU use, highest first. */
  containers: ContainerUsage[];
  /** The engine's machine (the VM when the engine is in the VM). */
  engine: { cpus: number; memTotal: number; /** Whether it is Berth's VM. */ isVm: boolean };
  /** The VM's own process on this machine, when the engine in use is Berth's VM and this system lets it be read (Linux's /proc). */
  vm?: ProcessUsage;
}
