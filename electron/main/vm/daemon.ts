/**
 * `berth vm daemon`: the process that owns the VM, so it outlives the window and the CLI that
 * started it. Hosts one VmManager behind the control socket; exits once the VM is stopped by a
 * request (or on SIGTERM/SIGINT, after a clean stop).
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { BerthError } from '../../shared/errors';
import { paths } from '../paths';
import { loadSettings } from '../settings';
import type { VmBackend } from './backend';
import { jsonLines } from '../engine/json-lines';
import type { ControlMessage, ControlRequest } from './control';
import { VmManager } from './manager';
import { watchSettings } from './port-preference';

/** Whether a daemon answers on the control socket now. */
export function daemonAlive(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

export async function runVmDaemon(backend: VmBackend, env: NodeJS.ProcessEnv = process.env): Promise<{ done: Promise<void> }> {
  const socket = paths.vmControlSocket(env);
  mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
  if (await daemonAlive(socket)) throw new BerthError('CONFLICT', 'A Berth VM daemon is already running.');
  rmSync(socket, { force: true });
  const settingsFile = paths.settings(env);
  const manager = new VmManager({ backend, env, resources: async () => (await loadSettings(settingsFile)).settings.vm });
  // The auto-pause preference applies at once (the rest of the VM's settings at its next start).
  const reload = () =>
    void loadSettings(settingsFile).then(
      ({ settings }) => manager.setAutoPauseMinutes(settings.vm.autoPauseMinutes),
      () => undefined,
    );
  const unwatchSettings = watchSettings(env, reload); // where nothing can be watched, it applies at the next start
  const clients = new Set<Socket>();
  const send = (c: Socket, m: ControlMessage) => c.writable && c.write(JSON.stringify(m) + '\n');
  manager.on((info) => clients.forEach((c) => send(c, { info })));

  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const server = createServer((c) => {
    clients.add(c);
    c.on('error', () => c.destroy());
    c.once('close', () => clients.delete(c));
    send(c, { info: manager.info() });
    // Each request is answered in its own time (a start waits for the boot); its errors become its answer.
    const answer = async (m: unknown) => {
      const { id, op } = m as ControlRequest;
      if (typeof id !== 'number') return;
      try {
        let trimmed: number | undefined;
        if (op === 'start') await manager.start();
        else if (op === 'stop') await manager.stop();
        else if (op === 'trim') trimmed = await manager.trim();
        else if (op === 'hold') {
          const release = manager.hold(); // until this connection closes
          if (c.destroyed) release();
          else c.once('close', release);
        } else if (op !== 'status') throw new BerthError('INVALID_ARGUMENT', `unknown op ${String(op)}`, { hint: 'The VM daemon takes status, start, stop, trim and hold.' });
        send(c, { id, info: manager.info(), ...(trimmed !== undefined ? { trimmed } : {}) });
        if (op === 'stop') void exit();
      } catch (e) {
        // Typed across the socket: a CONFLICT stays a CONFLICT; anything else failed as a command.
        const err = e instanceof BerthError ? e : new BerthError('COMMAND_FAILED', (e as Error).message, { hint: (e as { hint?: string }).hint });
        send(c, { id, error: err.toPayload() });
      }
    };
    c.on(
      'data',
      jsonLines((m) => void answer(m)),
    );
  });
  const exit = async () => {
    await manager.stop().catch(() => undefined);
    unwatchSettings();
    server.close();
    rmSync(socket, { force: true });
    for (const c of clients) c.end();
    finish();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  process.once('SIGTERM', () => void exit());
  process.once('SIGINT', () => void exit());
  return { done };
}
