/**
 * "Trust and connect" clicked in Chromium: an ssh:// engine (a Host alias of an ssh config, real
 * sshd) whose host key is unknown is refused, the banner shows its fingerprint, the click writes
 * known_hosts and every view fills in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../electron/main/engine/ssh-keys';
import { openDashboard } from '../support/browser';
import { engine, waitFor } from '../support/engine';
import { startSshd, type Sshd } from '../support/sshd';

const docker = engine();
const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-trust-'));
const kh = join(dir, 'known_hosts');
let sshd: Sshd;
const client = generateKeyPair('berth-e2e');
beforeAll(async () => {
  sshd = await startSshd({ authorizedKeys: [client.publicKey] });
  writeFileSync(join(dir, 'id'), client.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'config'), `Host berth-box\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${join(dir, 'id')}\n  UserKnownHostsFile ${kh}\n`);
  process.env.BERTH_SSH_CONFIG = join(dir, 'config'); // read by the core made next
});
const ui = openDashboard();
afterAll(async () => {
  delete process.env.BERTH_SSH_CONFIG;
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('an unknown SSH host key in the banner', () => {
  it('shows the fingerprint; "Trust and connect" adds it to known_hosts and the engine answers', async () => {
    ui.core.use(`ssh://berth-box${docker.dockerHost.slice('unix://'.length)}`);
    await waitFor(() => ui.core.engine.getStatus().hostKey);
    await ui.page.reload();
    const group = ui.page.getByRole('group', { name: 'Unknown host key' });
    await group.getByText(sshd.hostKey).waitFor();
    await group.getByText(`[127.0.0.1]:${sshd.port}`).waitFor();
    await group.getByRole('button', { name: 'Trust and connect' }).click();
    await ui.page.getByRole('alert').filter({ hasText: 'Engine unreachable' }).waitFor({ state: 'detached' });
    expect(readFileSync(kh, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    expect(ui.core.engine.getStatus().state).toBe('up');
  });
});
