/**
 * BERTH_VM=mock: a VM that is not one, for UI tests and for working on the UI without QEMU. It
 * "boots" through the same steps (BERTH_VM_MOCK_BOOT_MS apart) and serves the engine at
 * BERTH_VM_MOCK_ENGINE (else BERTH_DOCKER_HOST); ports are already on the host, so forwarding is
 * a no-op. BERTH_VM_MOCK_FAIL makes the boot fail with that text.
 */
import type { VmBackend, VmRun } from './backend';

export class MockBackend implements VmBackend {
  readonly kind = 'mock';
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async boot(_: unknown, step: (words: string) => void): Promise<VmRun> {
    const ms = Number(this.env.BERTH_VM_MOCK_BOOT_MS ?? 300);
    for (const s of ['Starting the mock VM', 'Booting Linux and connecting over SSH', 'Waiting for dockerd']) {
      step(s);
      await new Promise((r) => setTimeout(r, ms));
    }
    if (this.env.BERTH_VM_MOCK_FAIL) throw new Error(this.env.BERTH_VM_MOCK_FAIL);
    const dockerHost = this.env.BERTH_VM_MOCK_ENGINE || this.env.BERTH_DOCKER_HOST || 'unix:///var/run/docker.sock';
    let end!: (e: { expected: boolean }) => void;
    const exited = new Promise<{ expected: boolean }>((r) => (end = r));
    return { dockerHost, forwardPort: async () => async () => undefined, exited, stop: async () => end({ expected: true }) };
  }
}
