/**
 * Starting the QEMU process, and its faults in words: QEMU not installed, the SSH port taken (QEMU
 * cannot bind its hostfwd: another port is tried once), the data disk locked by another QEMU (with
 * that process's pid where the host tells: host.ts). QEMU is started once its first QMP command is answered:
 * by then every -drive and -netdev is set up, so each of these faults has shown.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../../../../shared/errors';
import { host } from './host';
import { qemuBinary } from './qemu-args';
import { findOnPath } from '../../which';

export const QEMU_MISSING_HINT = 'Install QEMU (on Debian: apt-get install qemu-system-x86 qemu-utils) and start again.';

export interface QemuTools {
  system: string;
  img: string;
}

/** Both QEMU programs on the environment's PATH, or one error naming what is missing. */
export function findQemu(env: NodeJS.ProcessEnv, arch = process.arch): QemuTools {
  const want = { system: qemuBinary(arch), img: 'qemu-img' };
  const system = findOnPath(want.system, env);
  const img = findOnPath(want.img, env);
  if (system && img) return { system, img };
  const missing = [...(system ? [] : [want.system]), ...(img ? [] : [want.img])];
  throw new BerthError('UNAVAILABLE', `QEMU is not installed here: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on PATH.`, { hint: QEMU_MISSING_HINT });
}

/** QEMU's "Failed to get "write" lock" in words: which process holds the disk. */
export function diskInUse(disk: string): BerthError {
  const h = host.holderOf(disk);
  const who = h ? (/qemu/i.test(h.name) ? `another QEMU (process ${h.pid})` : `another program (${h.name}, process ${h.pid})`) : 'another QEMU';
  return new BerthError('IN_USE', `The VM's data disk ${disk} is in use by ${who}, so Berth did not start a second VM on it.`, {
    hint: h ? `Stop that VM first (if it is left over, end it with \`kill ${h.pid}\`), then start again.` : 'Stop the other VM that uses it, then start again.',
  });
}

/** qemu-img, with its faults in words. */
export function qemuImg(tools: QemuTools, args: string[], disk: string): string {
  try {
    return execFileSync(tools.img, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new BerthError('UNAVAILABLE', 'QEMU is not installed here: qemu-img is missing.', { hint: QEMU_MISSING_HINT });
    if (/Failed to get "write" lock/.test(err.stderr ?? '')) throw diskInUse(disk);
    throw new BerthError('COMMAND_FAILED', `qemu-img ${args[0]} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

export interface QemuProcess {
  proc: ChildProcess;
  sshPort: number;
  /** QEMU's last 4000 characters on stderr. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
}

export interface LaunchOptions {
  binary: string;
  args: (sshPort: number) => string[];
  qmpSocket: string;
  dataDisk: string;
  /** A free port; `firstPort` is tried first when given (BERTH_VM_SSH_PORT). */
  pickPort: () => Promise<number>;
  firstPort?: number;
  /** Said when the first port was taken and another is tried. */
  onRetry: (words: string) => void;
}

/** Whether QEMU answers a QMP command on `path` (it is through its setup); false once it is gone. */
async function qmpAnswers(path: string, gone: () => boolean): Promise<boolean> {
  while (!gone()) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(path);
      let buf = '';
      c.once('error', () => resolve(false));
      c.once('close', () => resolve(false));
      c.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('"QMP"') && !buf.includes('"execute"')) {
          buf += '"execute"'; // sent once
          c.write('{"execute":"qmp_capabilities"}\n');
        }
        if (buf.includes('"return"')) {
          c.destroy();
          resolve(true);
        }
      });
    });
    if (ok) return true;
    await sleep(50); // the socket appears early in QEMU's setup
  }
  return false;
}

function spawnOnce(o: LaunchOptions, sshPort: number): QemuProcess {
  rmSync(o.qmpSocket, { force: true });
  const proc = spawn(o.binary, o.args(sshPort), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    proc.once('error', (error) => resolve({ code: null, signal: null, error }));
    proc.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { proc, sshPort, stderr: () => stderr, exited };
}

/** Starts QEMU; resolves once it is through its setup, or rejects with the fault in words (nothing left running). */
export async function launchQemu(o: LaunchOptions): Promise<QemuProcess> {
  const first = o.firstPort ?? (await o.pickPort());
  let port = first;
  for (let attempt = 0; ; attempt++) {
    const q = spawnOnce(o, port);
    let gone = false;
    void q.exited.then(() => (gone = true));
    if (await qmpAnswers(o.qmpSocket, () => gone)) return q;
    const { code, signal, error } = await q.exited;
    const said = q.stderr().trim();
    if (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new BerthError('UNAVAILABLE', missing ? `QEMU is not installed here: ${o.binary} is missing.` : `QEMU could not start (${error.message}).`, { hint: QEMU_MISSING_HINT });
    }
    if (/Could not set up host forwarding rule/i.test(said)) {
      if (attempt === 0) {
        o.onRetry(`Port ${port} on 127.0.0.1 is taken; trying another port for the VM's SSH`);
        port = await o.pickPort();
        continue;
      }
      throw new BerthError('CONFLICT', `QEMU could not listen on 127.0.0.1 for the VM's SSH: port ${first} was taken, and so was port ${port}.`, {
        hint: `Another program holds them. Start again (Berth picks another port), or set BERTH_VM_SSH_PORT to a port that is free.`,
      });
    }
    if (/Failed to get "write" lock/.test(said)) throw diskInUse(o.dataDisk);
    throw new BerthError('COMMAND_FAILED', `QEMU stopped as it started (${signal ?? `exit code ${code}`})${said ? `: ${said}` : '.'}`, {
      hint: 'Its words above say why; `berth vm logs` shows the VM console.',
    });
  }
}
