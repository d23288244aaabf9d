/**
 * A real OpenSSH server on 127.0.0.1 for the SSH paths (remote engines, the VM tunnel): its own
 * host key and authorized_keys in a temp folder, root login by key only, streamlocal forwarding on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../../electron/main/engine/ssh-keys';
import { freePort } from './ports';
import { procStat } from './proc';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  /** The sshd that listens (each connection is a child of it while it lasts). */
  pid: number;
  /** The server's host key fingerprint, as `ssh-keygen -lf` prints it. */
  hostKey: string;
  /** A private key the server accepts for root. */
  clientKey: string;
  /** The server's host public key, as a known_hosts line's "type base64" part. */
  hostPublicKey: string;
  /** What sshd logged so far (-e: its log on stderr). */
  log(): string;
  /** Connections it serves now (its child processes). */
  sessions(): number;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** More public keys (OpenSSH lines) root may log in with. */
  authorizedKeys?: string[];
  /** A network namespace (by name, made by the test) to run in, listening on all its addresses, port 22. */
  netns?: string;
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: apt-get install openssh-server (npm test does: node build/system-packages.mjs test)`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-sshd-'));
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const hostKeyFile = join(dir, 'host_ed25519');
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyFile]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  const hostKey = spawnSync('ssh-keygen', ['-l', '-f', `${hostKeyFile}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;
  const client = generateKeyPair('berth-test');
  writeFileSync(join(dir, 'authorized_keys'), [client.publicKey, ...(opts.authorizedKeys ?? [])].join('\n') + '\n');
  const port = opts.netns ? 22 : await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      opts.netns ? 'ListenAddress 0.0.0.0:22' : `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKeyFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowStreamLocalForwarding yes',
      'LogLevel VERBOSE', // "Accepted publickey for root ... ED25519 SHA256:..." names the key that logged in
    ].join('\n') + '\n',
  );
  const args = ['-D', '-e', '-f', join(dir, 'sshd_config')];
  // nsenter enters the namespace and execs sshd (no fork): the child is the sshd.
  const child: ChildProcess = opts.netns
    ? spawn('nsenter', [`--net=/run/netns/${opts.netns}`, SSHD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(SSHD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 10_000;
  // In a namespace of its own it may not be reachable from here at all: its log says when it listens.
  while (!(opts.netns ? /Server listening on 0\.0\.0\.0 port 22/.test(log) : await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`sshd did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const hostPublicKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  return {
    port,
    hostKey,
    clientKey: client.privateKey,
    hostPublicKey,
    pid: child.pid!,
    log: () => log,
    sessions: () => childrenOf(child.pid!).length,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill();
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => procStat(p)?.fields[1] === String(pid));
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
