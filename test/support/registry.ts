/**
 * A real image registry on 127.0.0.1 for push/pull tests: Debian's `docker-registry` (distribution
 * v2) with its storage in a temp folder, optionally behind htpasswd basic auth. The engine trusts
 * plain HTTP to 127.0.0.0/8, so no TLS is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from './ports';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface Registry {
  /** host:port, as image references name it */
  address: string;
  stop(): Promise<void>;
}

export async function startRegistry(auth?: { username: string; password: string }): Promise<Registry> {
  if (!existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} not found: apt-get install docker-registry (npm test does: node build/system-packages.mjs test)`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  const config = ['version: 0.1', 'log: { level: error }', `storage: { filesystem: { rootdirectory: ${dir}/data }, delete: { enabled: true } }`, `http: { addr: "127.0.0.1:${port}" }`];
  if (auth) {
    writeFileSync(join(dir, 'htpasswd'), `${auth.username}:${bcrypt.hashSync(auth.password, 8)}\n`);
    config.push(`auth: { htpasswd: { realm: berth-test, path: ${dir}/htpasswd } }`);
  }
  writeFileSync(join(dir, 'config.yml'), config.join('\n') + '\n');
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`http://${address}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill();
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
