/**
 * QEMU's machine protocol (QMP) on a unix socket, for what only QEMU can do while the VM runs:
 * adding and removing host port forwards on its user network (`hostfwd_add` / `hostfwd_remove`),
 * which keeps published ports' bytes out of SSH (and out of the guest's emulated crypto).
 * One QmpSession, opened at the first command and kept; commands go one at a time. close() gives
 * the socket back (QEMU takes one client at a time: a save opens its own session); the next
 * command opens a new one.
 */
import { BerthError } from '../../../../shared/errors';
import { QmpSession } from './qmp-session';

export class QmpClient {
  private session: QmpSession | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Counts close() calls: a session that finished opening after one is closed at once. */
  private closes = 0;

  constructor(private readonly path: string) {}

  /** A human-monitor command; resolves with what it printed (QEMU reports HMP errors as output). */
  hmp(commandLine: string): Promise<string> {
    const run = this.queue.then(async () => {
      const session = await this.open();
      return (await session.execute<string | undefined>('human-monitor-command', { 'command-line': commandLine })) ?? '';
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closes++;
    this.session?.close();
    this.session = undefined;
  }

  private async open(): Promise<QmpSession> {
    if (this.session && !this.session.closed) return this.session;
    const closes = this.closes;
    const session = await QmpSession.open(this.path);
    if (closes !== this.closes) {
      session.close();
      throw new BerthError('COMMAND_FAILED', "QEMU's control socket was given up meanwhile");
    }
    return (this.session = session);
  }
}
