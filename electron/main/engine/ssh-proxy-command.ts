/**
 * ProxyCommand as OpenSSH runs it: `exec <command>` by /bin/sh, its %h %p %r %n %% expanded, its
 * stdin and stdout the SSH connection's bytes. Run in a process group of its own, killed (the whole
 * group) when the connection ends or fails, so nothing of it is left. What it wrote on stderr
 * (its last lines) is kept for the message when it ends before the login.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { BerthError } from '../../shared/errors';

/** The command with OpenSSH's tokens expanded (an unknown token is refused, as ssh does). */
export function expandProxyCommand(command: string, t: { host: string; port: number; user: string; alias: string }): string {
  return command.replace(/%(.)/g, (_, c: string) => {
    const v = ({ h: t.host, p: String(t.port), r: t.user, n: t.alias, '%': '%' } as Record<string, string>)[c];
    if (v === undefined) throw new BerthError('ENGINE_UNREACHABLE', `The ProxyCommand "${command}" has the token %${c}, which Berth does not expand.`, { hint: 'Use %h, %p, %r, %n or %%.' });
    return v;
  });
}

export interface ProxyProcess {
  sock: Duplex;
  /** Its stderr's last lines, and how it ended if it has. */
  said(): string;
  /** Resolves true once it has ended by itself, false if it runs on after `ms` or was killed here. */
  whenExited(ms: number): Promise<boolean>;
  /** Ends it and every process of its group. */
  kill(): void;
}

export function startProxyCommand(command: string): ProxyProcess {
  const child: ChildProcess = spawn('/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let ended: string | undefined;
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  let killed = false;
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    killed = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  // An exit code: it ended by itself, even if a kill was sent as it did.
  const byItself = () => child.exitCode !== null || !(killed && child.signalCode === 'SIGKILL');
  const sock = new Duplex({
    read: () => void child.stdout!.resume(),
    write: (chunk: Buffer, _enc, cb) => (child.stdin!.writable ? child.stdin!.write(chunk, (e) => cb(e ?? null)) : cb(new BerthError('ENGINE_UNREACHABLE', 'The ProxyCommand has ended.'))),
    final: (cb) => (child.stdin!.end(), cb()),
    destroy: (err, cb) => (kill(), cb(err)),
  });
  child.stdin!.on('error', () => undefined);
  child.stdout!.on('data', (d: Buffer) => {
    if (!sock.push(d)) child.stdout!.pause();
  });
  child.stdout!.once('end', () => sock.push(null));
  child.once('error', (e) => ((ended = e.message), sock.destroy()));
  child.once('exit', (code, signal) => {
    ended = signal ? `was ended by ${signal}` : `exited with code ${code}`;
  });
  return {
    sock,
    said: () => [ended, stderr.trim().split('\n').slice(-3).join(' ')].filter(Boolean).join(': '),
    whenExited: (ms) =>
      ended !== undefined
        ? Promise.resolve(byItself())
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            child.once('exit', () => (clearTimeout(timer), resolve(byItself())));
          }),
    kill,
  };
}
