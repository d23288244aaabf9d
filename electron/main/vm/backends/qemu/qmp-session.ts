/**
 * One QMP connection for the VM's lifecycle (pause, save, restore, quit): commands with their
 * replies and the asynchronous events QEMU sends (MIGRATION, STOP, RESUME ...), which a save
 * and a restore wait on instead of asking again and again. QEMU's QMP socket takes one client
 * at a time, so a session is opened for one step and closed after it (QmpClient keeps one for
 * the port forwards while the VM runs, and gives it back before a save). Its errors are QEMU's
 * own words (or why it is not there), which reach a user through a resume or a port's warning.
 */
import { connect, type Socket } from 'node:net';
import { BerthError } from '../../../../shared/errors';
import { jsonLines } from '../../../engine/json-lines';

interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}
type Reply = { return?: unknown; error?: { class?: string; desc: string } };

export class QmpSession {
  private readonly waiting: Array<(r: Reply) => void> = [];
  private readonly events: QmpEvent[] = [];
  private readonly watchers = new Set<(e: QmpEvent) => void>();
  /** Why the session ended, once it has. */
  private ended: string | undefined;

  private constructor(private readonly sock: Socket) {}

  /** Connects, reads the greeting and leaves capability negotiation; rejects in words when QEMU is not there. */
  static async open(path: string, timeoutMs = 5000): Promise<QmpSession> {
    const sock = connect(path);
    const session = new QmpSession(sock);
    let greeted!: () => void;
    const greeting = new Promise<void>((r) => (greeted = r));
    sock.on(
      'data',
      jsonLines((m) => {
        const msg = m as Reply & { QMP?: unknown; event?: string };
        if (msg.QMP) return greeted();
        if (msg.event) return session.onEvent(msg as QmpEvent);
        session.waiting.shift()?.(msg);
      }),
    );
    sock.on('error', () => undefined);
    sock.once('close', () => session.onClose('QEMU closed its control socket'));
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('close', () => reject(new BerthError('COMMAND_FAILED', `QEMU's control socket ${path} did not answer`)));
      });
      await Promise.race([greeting, new Promise((_, reject) => sock.once('close', () => reject(new BerthError('COMMAND_FAILED', 'QEMU closed its control socket before greeting'))))]);
    } finally {
      clearTimeout(timer);
    }
    await session.execute('qmp_capabilities');
    return session;
  }

  private onEvent(e: QmpEvent): void {
    this.events.push(e);
    if (this.events.length > 100) this.events.shift();
    for (const w of this.watchers) w(e);
  }

  private onClose(why: string): void {
    this.ended ??= why;
    this.waiting.splice(0).forEach((w) => w({ error: { desc: why } }));
    for (const w of this.watchers) w({ event: '__closed__' });
  }

  /** Whether the socket has closed (QEMU gone, or close() called). */
  get closed(): boolean {
    return this.ended !== undefined || this.sock.destroyed;
  }

  /** A QMP command; rejects with QEMU's own words when it refuses. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.ended) return Promise.reject(new BerthError('COMMAND_FAILED', this.ended));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push((r) => (r.error ? reject(new BerthError('COMMAND_FAILED', r.error.desc)) : resolve(r.return as T)));
      this.sock.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) }) + '\n');
    });
  }

  /**
   * The first event named `name` (seen since the session opened, or still to come) that `match`
   * accepts; rejects when the socket closes first or after `timeoutMs`.
   */
  event(name: string, match: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const seen = this.events.find((e) => e.event === name && match(e.data ?? {}));
    if (seen) return Promise.resolve(seen.data ?? {});
    if (this.ended) return Promise.reject(new BerthError('COMMAND_FAILED', this.ended));
    return new Promise((resolve, reject) => {
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        f();
      };
      const watch = (e: QmpEvent) => {
        if (e.event === '__closed__') done(() => reject(new BerthError('COMMAND_FAILED', this.ended ?? 'QEMU closed its control socket')));
        else if (e.event === name && match(e.data ?? {})) done(() => resolve(e.data ?? {}));
      };
      const timer = setTimeout(() => done(() => reject(new BerthError('COMMAND_FAILED', `QEMU sent no ${name} event within ${Math.round(timeoutMs / 1000)} s`))), timeoutMs);
      this.watchers.add(watch);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
