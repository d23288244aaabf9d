/**
 * The host terminal: the user's shell in a pty (node-pty) with DOCKER_HOST (and the TLS variables) pointing at the
 * engine Berth is connected to, so `docker ...` typed there talks to the same engine.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IPty } from 'node-pty';
import type { TerminalInput } from '../../shared/api-contract';
import type { EngineTls } from '../../shared/models';
import { engineCliEnv } from '../engine/tls';
import type { StreamSink } from '../stream-sink';
import { HANGUP_GRACE_MS } from './exec-hangup';
import { pipeTerminal } from './flow';

export type SpawnPty = (file: string, args: string[], opts: { cols: number; rows: number; cwd: string; env: Record<string, string>; name: string }) => IPty;

export function hostShell(env: NodeJS.ProcessEnv, exists: (p: string) => boolean = existsSync): string {
  if (env.SHELL && exists(env.SHELL)) return env.SHELL;
  return ['/bin/bash', '/bin/zsh', '/bin/sh'].find(exists) ?? '/bin/sh';
}

export class HostShellService {
  constructor(
    private readonly dockerHost: string,
    private readonly spawn: SpawnPty,
    /** The engine's TLS files, passed on as the docker CLI reads them. */
    private readonly tls?: EngineTls,
  ) {}

  async shell(size: { cols: number; rows: number }, sink: StreamSink<string, TerminalInput>): Promise<void> {
    if (sink.signal.aborted) return;
    const env = { ...(engineCliEnv(process.env, this.dockerHost, this.tls) as Record<string, string>), TERM: 'xterm-256color' };
    const pty = this.spawn(hostShell(process.env), [], { ...size, cwd: homedir(), env, name: 'xterm-256color' });
    let exited = false;
    let ended: (() => void) | undefined;
    pty.onExit(() => {
      exited = true;
      ended?.();
    });
    await pipeTerminal(
      {
        write: (d) => pty.write(d),
        resize: (cols, rows) => !exited && pty.resize(cols, rows),
        pause: () => pty.pause(),
        resume: () => pty.resume(),
        start: (onData, end) => {
          pty.onData(onData);
          if (exited) end();
          else ended = end;
        },
        kill: () => {
          if (exited) return;
          // As closing a terminal window: SIGHUP to the shell (which passes it on to its jobs), and
          // SIGKILL to its process group if it is still there after the grace time.
          pty.kill('SIGHUP');
          void sleep(HANGUP_GRACE_MS, undefined, { ref: false }).then(() => {
            if (exited) return;
            try {
              process.kill(-pty.pid, 'SIGKILL');
            } catch {
              /* gone meanwhile */
            }
          });
        },
      },
      sink,
    );
  }
}
