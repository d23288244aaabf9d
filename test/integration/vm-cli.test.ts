/** `berth vm ...` from a terminal, on the mock VM (BERTH_VM=mock): the built CLI, its daemon and control socket. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engine } from '../support/engine';
import { tempDir } from '../support/temp';

const docker = engine();

describe('berth vm (mock VM)', () => {
  it('starts, reports, logs and stops the VM; the daemon is gone after the stop', () => {
    const home = tempDir('vmcli');
    const env = { ...process.env, BERTH_HOME: home, BERTH_VM: 'mock', BERTH_VM_MOCK_BOOT_MS: '50', BERTH_DOCKER_HOST: docker.dockerHost, DOCKER_CONFIG: join(home, 'docker') };
    const berth = (...args: string[]) => spawnSync(process.execPath, ['dist/main/cli.cjs', 'vm', ...args], { env, encoding: 'utf8', timeout: 30_000 });

    try {
      expect(berth('status')).toMatchObject({ status: 3, stdout: 'stopped\n' }); // a script can ask `berth vm status && ...`
      expect(berth('logs')).toMatchObject({ status: 1, stderr: expect.stringContaining('the VM has not been started yet') });

      const started = berth('start');
      expect(started.status).toBe(0);
      expect(started.stdout).toContain('starting: Waiting for dockerd');
      expect(started.stdout).toContain(`running (mock)\nengine: unix://${join(home, 'run/docker.sock')}  (docker --context berth ...)`);
      // (ports and warnings: whatever the shared test engine's running containers publish, which
      // earlier files decide; the mock forwards none itself)
      const status = berth('status', '--json');
      expect(status.status).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', backend: 'mock', ports: expect.any(Array), warnings: expect.any(Array) });
      expect(JSON.parse(berth('start', '--json').stdout)).toMatchObject({ state: 'running', backend: 'mock' }); // one object, no steps
      expect(berth('logs').stdout).toContain('mock: Booting Linux and connecting over SSH');
      // The user's docker CLI, through the context Berth wrote, reaches the engine.
      expect(spawnSync('docker', ['--context', 'berth', 'version', '--format', '{{.Server.Os}}'], { env: { ...env, DOCKER_HOST: '' }, encoding: 'utf8' }).stdout.trim()).toBe('linux');
      expect(berth('ssh', 'true')).toMatchObject({ status: 1, stderr: expect.stringContaining('the VM is running but has no SSH') });

      expect(berth('status', '--jsno')).toMatchObject({ status: 2, stdout: '', stderr: 'berth: berth vm status: Unknown option --jsno.\nSee `berth vm --help`.\n' });
      expect(berth('stop').stdout.trim()).toBe('stopped (mock)');
      expect(existsSync(join(home, 'run/vm.sock'))).toBe(false);
      expect(
        spawnSync('pgrep', ['-f', 'vm daemon'], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((p) => p && spawnSync('grep', ['-qz', `BERTH_HOME=${home}`, `/proc/${p}/environ`]).status === 0),
      ).toEqual([]);
      expect(berth('status').stdout.trim()).toBe('stopped');
      expect(berth('bogus')).toMatchObject({ status: 2, stdout: '', stderr: 'berth: Unknown command: berth vm bogus.\nSee `berth vm --help`.\n' });
      expect(berth('status', '--help')).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: berth vm <command>') });
      expect(berth('stop', '--json')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\{"state":"stopped"/) });
      // A failed start with --json is one object too: the error, as a script can parse it.
      const failed = spawnSync(process.execPath, ['dist/main/cli.cjs', 'vm', 'start', '--json'], { env: { ...env, BERTH_VM_MOCK_FAIL: 'the disk is on fire' }, encoding: 'utf8', timeout: 30_000 });
      expect(failed.status).toBe(1);
      expect(JSON.parse(failed.stdout)).toEqual({ error: { code: 'COMMAND_FAILED', message: 'the disk is on fire', hint: 'The output above says what went wrong.' } });
      expect(failed.stderr).toBe('berth: the disk is on fire\nThe output above says what went wrong.\n');
    } finally {
      berth('stop'); // a failed assertion must not leave the daemon running (its folder is removed next)
    }
  });
});
