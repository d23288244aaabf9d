/** A real ssh-agent for a test, with keys added by ssh-add (a passphrase one through SSH_ASKPASS). */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Agent {
  socket: string;
  pid: number;
  add(keyFile: string, passphrase?: string): void;
  stop(): void;
}

export function startAgent(): Agent {
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
  const socket = join(dir, 'agent.sock');
  const r = spawnSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(r.stdout)?.[1]);
  if (r.status !== 0 || !pid) throw new Error(`ssh-agent failed: ${r.stderr}`);
  return {
    socket,
    pid,
    add(keyFile, passphrase) {
      const askpass = join(dir, 'askpass');
      writeFileSync(askpass, `#!/bin/sh\necho '${passphrase ?? ''}'\n`);
      chmodSync(askpass, 0o700);
      const env = { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
      const added = spawnSync('ssh-add', [keyFile], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (added.status !== 0) throw new Error(`ssh-add failed: ${added.stderr}`);
    },
    stop() {
      try {
        process.kill(pid);
      } catch {
        // gone already
      }
      const deadline = Date.now() + 5000;
      while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A key made by ssh-keygen (ed25519), with a passphrase if given. Returns the private key's file. */
export function makeKey(dir: string, name: string, passphrase = ''): string {
  const file = join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return file;
}

/** Whether the process runs (a zombie, ended and not yet reaped by whoever inherited it, does not). */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
