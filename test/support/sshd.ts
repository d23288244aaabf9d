/**
 * A real OpenSSH server on 127.0.0.1 for the SSH paths (remote engines, the VM tunnel): its own
 * host key and authorized_keys in a temp folder, root login by key only, streamlocal forwarding on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../../electron/main/engine/ssh-keys';
import { freePort } from './ports';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  /** The server's host key fingerprint, as `ssh-keygen -lf` prints it. */
  hostKey: string;
  /** A private key the server accepts for root. */
  clientKey: string;
  /** The server's host public key, as a known_hosts line's "type base64" part. */
  hostPublicKey: string;
  /** What sshd logged so far (-e: its log on stderr). */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** More public keys (OpenSSH lines) root may log in with. */
  authorizedKeys?: string[];
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
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
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
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
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
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill();
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
