/** What the QEMU backend boots (qemu-args.ts makes its command line of it). */
export interface VmConfig {
  cpus: number;
  memoryMiB: number;
  /** vm-assets output: the kernel, the small initramfs and the read-only root image (squashfs). */
  kernel: string;
  initrd: string;
  rootImage: string;
  /** Kernel command line additions (console, init options). */
  cmdline: string;
  /** The persistent data disk (qcow2) that holds /var/lib/docker. */
  dataDisk: string;
  /** Host port (on 127.0.0.1 only) forwarded to the guest's sshd. */
  sshPort: number;
  /** Host folder shared into the VM at the same path (so `-v $PWD:/app` works). */
  shareDir: string;
  /** Host folder the guest reads its SSH keys from at boot (read-only). */
  seedDir: string;
  /** Where the guest's serial console is written. */
  serialLog: string;
  /** QEMU's machine protocol socket (QMP) and its pid file. */
  qmpSocket: string;
  pidFile: string;
}
