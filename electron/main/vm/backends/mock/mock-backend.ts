/**
 * BERTH_VM=mock: a VM that is not one, for UI tests and for working on the UI without QEMU. It
 * "boots" through the same steps (BERTH_VM_MOCK_BOOT_MS apart) and serves the engine at
 * BERTH_VM_MOCK_ENGINE (else BERTH_DOCKER_HOST) on the same host socket a real VM would use, by
 * a plain socket relay; ports are already on the host, so forwarding is a no-op.
 * BERTH_VM_MOCK_FAIL makes the boot fail with that text. Its trim acts on a data disk file a test
 * made (paths.vmDataDisk) as QEMU does on a real one: everything after the first 64 KiB a hole.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { BerthError } from '../../../../shared/errors';
import { parseDockerHost } from '../../../engine/endpoint';
import { paths } from '../../../paths';
import type { VmBackend, VmRun } from '../../backend';

export class MockBackend implements VmBackend {
  readonly kind = 'mock';
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async boot(_: unknown, step: (words: string) => void, signal?: AbortSignal): Promise<VmRun> {
    const ms = Number(this.env.BERTH_VM_MOCK_BOOT_MS ?? 300);
    mkdirSync(paths.vm(this.env), { recursive: true, mode: 0o700 });
    const console = paths.vmConsoleLog(this.env);
    writeFileSync(console, ''); // a new boot, a new console, as with QEMU
    for (const s of ['Starting the mock VM', 'Booting Linux and connecting over SSH', 'Waiting for dockerd']) {
      step(s);
      appendFileSync(console, `mock: ${s}\n`);
      await new Promise((r) => setTimeout(r, ms));
      if (signal?.aborted) throw new BerthError('CONFLICT', 'The VM was asked to stop while booting.');
    }
    if (this.env.BERTH_VM_MOCK_FAIL) throw new BerthError('COMMAND_FAILED', this.env.BERTH_VM_MOCK_FAIL);
    const target = parseDockerHost(this.env.BERTH_VM_MOCK_ENGINE || this.env.BERTH_DOCKER_HOST || 'unix:///var/run/docker.sock');
    mkdirSync(paths.run(this.env), { recursive: true, mode: 0o700 });
    const socket = paths.vmDockerSocket(this.env);
    rmSync(socket, { force: true });
    const open = new Set<Socket>();
    if (target.kind === 'ssh')
      throw new BerthError('INVALID_ARGUMENT', 'The mock VM serves a local engine (unix:// or tcp://), not ssh://.', { hint: 'Set BERTH_VM_MOCK_ENGINE to a unix:// or tcp:// address.' });
    const server = createServer({ allowHalfOpen: true }, (a) => {
      const b = target.kind === 'unix' ? connect({ path: target.socketPath, allowHalfOpen: true }) : connect({ host: target.host, port: target.port, allowHalfOpen: true });
      open.add(a).add(b);
      a.pipe(b).pipe(a);
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        x.on('error', () => y.destroy());
        x.once('close', () => (open.delete(x), y.destroy()));
      }
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    chmodSync(socket, 0o600);
    let end!: (e: { expected: boolean }) => void;
    const exited = new Promise<{ expected: boolean }>((r) => (end = r));
    return {
      dockerHost: `unix://${socket}`,
      forwardPort: async () => async () => undefined,
      trim: async () => {
        const disk = paths.vmDataDisk(this.env);
        if (!existsSync(disk)) throw new BerthError('COMMAND_FAILED', 'fstrim: /var/lib/docker: not mounted (the mock VM has no data disk)');
        const { size } = statSync(disk);
        truncateSync(disk, Math.min(size, 64 * 1024));
        truncateSync(disk, size);
        return Math.max(0, size - 64 * 1024);
      },
      exited,
      stop: async () => {
        for (const s of open) s.destroy();
        await new Promise<void>((r) => server.close(() => r()));
        rmSync(socket, { force: true });
        end({ expected: true });
      },
    };
  }
}
