import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../paths';
import { VmClient } from './client';

const home = mkdtempSync(join('/tmp', 'berth-client-')); // short: the control socket lives under it
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the VM client', () => {
  it('a start waits for the daemon it spawned to listen, past a socket file that refuses', async () => {
    const env = { BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker') };
    const socket = paths.vmControlSocket(env);
    // A socket file nothing listens on (a daemon killed -9 leaves one): a connect is refused.
    spawnSync(process.execPath, [
      '-e',
      `require('node:fs').mkdirSync(require('node:path').dirname(${JSON.stringify(socket)}), { recursive: true }); require('node:net').createServer().listen(${JSON.stringify(socket)}, () => process.exit(0))`,
    ]);
    expect(existsSync(socket)).toBe(true);
    // A daemon of our own that takes its time to replace it and listen, then answers one start.
    const cli = join(home, 'fake-cli.cjs');
    writeFileSync(
      cli,
      `const net = require('node:net'), fs = require('node:fs');
setTimeout(() => {
  fs.rmSync(${JSON.stringify(socket)}, { force: true });
  const server = net.createServer((c) => c.once('data', () => { c.end(JSON.stringify({ id: 1, info: { state: 'running', since: Date.now(), backend: 'mock', ports: [], warnings: [] } }) + '\\n'); server.close(); }));
  server.listen(${JSON.stringify(socket)});
}, 500);`,
    );
    const info = await new VmClient({ env, cliPath: cli }).start();
    expect(info).toMatchObject({ state: 'running', backend: 'mock' });
  });
});
