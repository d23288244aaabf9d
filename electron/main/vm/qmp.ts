/**
 * QEMU's machine protocol (QMP) on a unix socket, for what only QEMU can do while the VM runs:
 * adding and removing host port forwards on its user network (`hostfwd_add` / `hostfwd_remove`),
 * which keeps published ports' bytes out of SSH (and out of the guest's emulated crypto).
 */
import { connect, type Socket } from 'node:net';
import { jsonLines } from './control';

type Reply = { return?: unknown; error?: { desc: string } };

export class QmpClient {
  private sock: Socket | undefined;
  private readonly waiting: Array<(r: Reply) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  private async open(): Promise<Socket> {
    if (this.sock && !this.sock.destroyed) return this.sock;
    const sock = connect(this.path);
    let greeted!: () => void;
    const greeting = new Promise<void>((r) => (greeted = r));
    sock.on(
      'data',
      jsonLines((m) => {
        const msg = m as Reply & { QMP?: unknown; event?: string };
        if (msg.QMP) return greeted();
        if (msg.event) return;
        this.waiting.shift()?.({ ...msg });
      }),
    );
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.on('error', () => undefined);
    sock.once('close', () => this.waiting.splice(0).forEach((w) => w({ error: { desc: 'QEMU closed its control socket' } })));
    await greeting;
    this.sock = sock;
    await this.send({ execute: 'qmp_capabilities' });
    return sock;
  }

  private send(cmd: object): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.sock!.write(JSON.stringify(cmd) + '\n');
    });
  }

  /** A human-monitor command; resolves with what it printed (QEMU reports HMP errors as output). */
  hmp(commandLine: string): Promise<string> {
    const run = this.queue.then(async () => {
      await this.open();
      const r = await this.send({ execute: 'human-monitor-command', arguments: { 'command-line': commandLine } });
      if (r.error) throw new Error(r.error.desc);
      return String(r.return ?? '');
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.sock?.destroy();
  }
}
