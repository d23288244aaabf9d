/**
 * The VM client's watch, with the folder's file events taken away: a daemon's socket file is
 * there a moment before it listens, and no event comes when it starts to. The watch must still
 * find it (the VM page once showed "stopped" for a whole boot).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { paths } from '../paths';
import { VmClient } from './client';

vi.mock('node:fs', async (original) => ({ ...(await original<typeof import('node:fs')>()), watch: () => ({ close: () => undefined }) }));

const home = mkdtempSync(join('/tmp', 'berth-watch-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it('follows a daemon whose socket file refused at first and then listens, with no file event between', async () => {
  const env = { BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker') };
  const socket = paths.vmControlSocket(env);
  // The file of a bound socket nothing listens on yet: a connect is refused.
  spawnSync(process.execPath, [
    '-e',
    `require('node:fs').mkdirSync(require('node:path').dirname(${JSON.stringify(socket)}), { recursive: true }); require('node:net').createServer().listen(${JSON.stringify(socket)}, () => process.exit(0))`,
  ]);
  const seen: string[] = [];
  const unwatch = new VmClient({ env }).watch((i) => seen.push(i.state));
  await new Promise((r) => setTimeout(r, 300)); // refused a few times meanwhile
  expect(seen).toEqual(['stopped']); // said once, not at every refusal
  rmSync(socket);
  const server = createServer((c) => c.write(JSON.stringify({ info: { state: 'starting', step: 'Preparing', since: Date.now(), backend: 'mock', ports: [], warnings: [] } }) + '\n'));
  await new Promise<void>((r) => server.listen(socket, r));
  await vi.waitFor(() => expect(seen).toEqual(['stopped', 'starting']), { timeout: 3000 });
  unwatch();
  server.close();
});
