/**
 * Talks to the VM daemon (control.ts) for the app and for `berth vm`: status, start (spawning the
 * daemon when none runs), stop, and a watch that follows the VM across daemon restarts (the run
 * folder is watched for the control socket: no polling).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, watch, type FSWatcher } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../../shared/errors';
import { paths } from '../paths';
import { jsonLines } from '../engine/json-lines';
import type { ControlMessage, VmOp } from './control';
import type { VmInfo } from '../../shared/models';

export interface VmClientOptions {
  env?: NodeJS.ProcessEnv;
  /** The bundled CLI that runs `vm daemon` (dist/main/cli.cjs). */
  cliPath?: string;
}

export const stoppedInfo = (): VmInfo => ({ state: 'stopped', since: Date.now(), backend: '', ports: [], warnings: [] });

/** Nothing listens on the control socket: no daemon, so no VM. */
const noDaemon = (e: unknown) => ['ENOENT', 'ECONNREFUSED'].includes((e as NodeJS.ErrnoException).code ?? '');

export class VmClient {
  private readonly env: NodeJS.ProcessEnv;
  private readonly socket: string;

  constructor(private readonly opts: VmClientOptions = {}) {
    this.env = opts.env ?? process.env;
    this.socket = paths.vmControlSocket(this.env);
  }

  /** One op on a fresh connection; `onInfo` sees the pushes meanwhile (boot steps). */
  private call(op: VmOp, onInfo?: (i: VmInfo) => void): Promise<VmInfo> {
    return this.answer(op, onInfo).then((a) => a.info);
  }

  /** The daemon's whole answer to one op. */
  private answer(op: VmOp, onInfo?: (i: VmInfo) => void): Promise<{ info: VmInfo; trimmed?: number }> {
    return new Promise((resolve, reject) => {
      const c: Socket = connect(this.socket);
      let answer: { info: VmInfo; trimmed?: number } | undefined;
      c.on(
        'data',
        jsonLines((raw) => {
          const m = raw as ControlMessage;
          if (!('id' in m) || m.id === undefined) return void ('info' in m && onInfo?.(m.info));
          if ('error' in m) return reject(BerthError.fromPayload({ ...m.error, hint: m.error.hint ?? 'The VM console (berth vm logs, or the VM page) shows what happened.' }));
          answer = { info: m.info, ...(m.trimmed !== undefined ? { trimmed: m.trimmed } : {}) };
          // After a stop the daemon exits: wait for it to let go of the socket, so a start can follow at once.
          if (op !== 'stop') c.end();
        }),
      );
      c.once('connect', () => c.write(JSON.stringify({ id: 1, op }) + '\n'));
      c.on('error', (e: NodeJS.ErrnoException) => answer === undefined && reject(e));
      c.once('close', () => {
        if (answer) resolve(answer);
        else if (op === 'stop') resolve({ info: stoppedInfo() });
        else reject(new BerthError('UNAVAILABLE', 'The Berth VM daemon went away.', { hint: `See ${paths.vmDaemonLog(this.env)}.` }));
      });
    });
  }

  /** The op, or `none` when no daemon answers (no VM runs). */
  private async orNoDaemon(op: VmOp, none: () => Promise<VmInfo>, onInfo?: (i: VmInfo) => void): Promise<VmInfo> {
    try {
      return await this.call(op, onInfo);
    } catch (e) {
      if (noDaemon(e)) return none();
      throw e;
    }
  }

  status(): Promise<VmInfo> {
    return this.orNoDaemon('status', async () => stoppedInfo());
  }

  /** Starts the VM (and the daemon if none runs); resolves when running, rejects with the reason. */
  start(onInfo?: (i: VmInfo) => void): Promise<VmInfo> {
    return this.orNoDaemon(
      'start',
      async () => {
        this.spawnDaemon();
        // The socket's file is there from the daemon's bind, a moment before it listens (a connect
        // then is refused): ask again until it answers, for ten seconds at most.
        for (let i = 0; ; i++) {
          try {
            if (existsSync(this.socket) || i >= 100) return await this.call('start', onInfo);
          } catch (e) {
            if (!noDaemon(e)) throw e;
            if (i >= 100) throw new BerthError('UNAVAILABLE', 'The Berth VM daemon did not start.', { hint: `See ${paths.vmDaemonLog(this.env)}.` });
          }
          await sleep(100);
        }
      },
      onInfo,
    );
  }

  stop(): Promise<VmInfo> {
    return this.orNoDaemon('stop', async () => stoppedInfo());
  }

  /** Trims the VM's data disk (the host gets its free blocks back); resolves to the bytes the guest trimmed. */
  async trim(): Promise<number> {
    try {
      return (await this.answer('trim')).trimmed ?? 0;
    } catch (e) {
      if (noDaemon(e))
        throw new BerthError('CONFLICT', 'The Berth VM is not running, so its disk cannot be compacted now.', { hint: 'Start the VM (the VM page, or `berth vm start`), then compact again.' });
      throw e;
    }
  }

  /**
   * Keeps the VM from auto-pausing until the returned release is called (a `berth vm ssh` session);
   * wakes nothing by itself. Undefined when no daemon runs (no VM to hold).
   */
  hold(): Promise<(() => void) | undefined> {
    return new Promise((resolve, reject) => {
      const c: Socket = connect(this.socket);
      let held = false;
      c.on(
        'data',
        jsonLines((raw) => {
          const m = raw as ControlMessage;
          if (held || !('id' in m) || m.id === undefined) return;
          if ('error' in m) return (c.destroy(), reject(BerthError.fromPayload(m.error)));
          held = true;
          resolve(() => void c.end());
        }),
      );
      c.once('connect', () => c.write(JSON.stringify({ id: 1, op: 'hold' }) + '\n'));
      c.on('error', (e: NodeJS.ErrnoException) => !held && (noDaemon(e) ? resolve(undefined) : reject(e)));
      c.once('close', () => !held && reject(new BerthError('UNAVAILABLE', 'The Berth VM daemon went away.', { hint: `See ${paths.vmDaemonLog(this.env)}.` })));
    });
  }

  private spawnDaemon(): void {
    mkdirSync(paths.vm(this.env), { recursive: true, mode: 0o700 });
    const log = openSync(paths.vmDaemonLog(this.env), 'a', 0o600);
    const cli = this.opts.cliPath ?? join(__dirname, 'cli.cjs');
    spawn(process.execPath, [cli, 'vm', 'daemon'], { detached: true, stdio: ['ignore', log, log], env: { ...this.env, ELECTRON_RUN_AS_NODE: '1' } }).unref();
  }

  /**
   * Follows the VM: the current state now, then every change, including a daemon that appears
   * (started elsewhere, by `berth vm start`) or goes away (stopped). Returns a disposer.
   */
  watch(listener: (i: VmInfo) => void): () => void {
    let conn: Socket | undefined;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    let refused = 0; // connects refused in a row since the socket's file appeared
    const attach = () => {
      if (closed || conn) return;
      clearTimeout(retry);
      const c = connect(this.socket);
      conn = c;
      let answered = false;
      c.on(
        'data',
        jsonLines((m) => {
          if (!('info' in (m as object))) return;
          answered = true;
          refused = 0;
          listener((m as { info: VmInfo }).info);
        }),
      );
      c.on('error', () => undefined);
      c.once('close', () => {
        conn = undefined;
        if (closed) return;
        if (answered || refused === 0) listener(stoppedInfo());
        // The file appears at the daemon's bind, a moment before it listens (a connect then is
        // refused), and no event follows: ask again while it is there, for ten seconds at most
        // (a daemon killed -9 leaves its file).
        if (!answered && existsSync(this.socket) && refused++ < 100) retry = setTimeout(attach, 100).unref();
      });
    };
    const dir = dirname(this.socket);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let watcher: FSWatcher | undefined = watch(dir, (_, name) => {
      if (name !== basename(this.socket) || !existsSync(this.socket)) return;
      refused = 0;
      attach();
    });
    if (existsSync(this.socket)) attach();
    else listener(stoppedInfo());
    return () => {
      closed = true;
      clearTimeout(retry);
      watcher?.close();
      watcher = undefined;
      conn?.destroy();
    };
  }
}
