/**
 * The warm start for real (QEMU, TCG): a stop saves the VM's state and the next start restores it
 * (a running container keeps running, the guest clock is set to the host's, the shared folder is
 * there again); a state is used only when it is safe, and otherwise a cold boot says why. kill -9
 * of QEMU while it saves or restores (and of Berth's daemon with it) never leaves a state that is
 * used, and the data disk comes through intact, byte for byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../electron/main/paths';
import { locateAssets } from '../../electron/main/vm/assets';
import { VmClient } from '../../electron/main/vm/client';
import { readRecord } from '../../electron/main/vm/backends/qemu/saved-state';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { berth, cliPath, docker, halfMade, filesUnder, qemuProcesses, vmHome } from './support';

const vm = vmHome('warm');
const { env, client, home } = vm;
const blob = randomBytes(2 << 20);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const temps: string[] = [];
const vmDir = paths.vm(env);

/** A start, with the steps it said. */
async function start(c: VmClient = client): Promise<string[]> {
  const steps: string[] = [];
  const info = await c.start((i) => i.step && steps.at(-1) !== i.step && steps.push(i.step));
  expect(info.state).toBe('running');
  return steps;
}

const qemuPid = () => Number(readFileSync(paths.vmPid(env), 'utf8'));
const blobSha = () => docker(env, ['run', '--rm', '-v', 'keep:/data', TEST_IMAGE, 'sha256sum', '/data/blob']).split(' ')[0];
const stateFiles = () => readdirSync(vmDir).filter((f) => f.startsWith('saved-state.bin'));

/** Resolves once a file whose name matches `re` is in `dir` (fs.watch: as soon as it is made). */
function fileAppears(dir: string, re: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const w = watch(dir, (_, name) => {
      if (!name || !re.test(name)) return;
      w.close();
      resolve(name);
    });
    const there = readdirSync(dir).find((f) => re.test(f));
    if (there) {
      w.close();
      resolve(there);
    }
  });
}

/** The `vm daemon` process of this data folder. */
function daemonPid(): number | undefined {
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('vm\0daemon') && readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`BERTH_HOME=${home}`)) return Number(p);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

describe('the saved VM state: warm start, and only when safe (QEMU)', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    locateAssets(env); // a clear failure when the image was not built
    await start();
    buildBusybox({ cli: (args, input) => docker(env, args, input) });
    docker(env, ['volume', 'create', 'keep']);
    docker(env, ['run', '--rm', '-i', '-v', 'keep:/data', TEST_IMAGE, 'sh', '-c', 'cat > /data/blob'], blob);
    docker(env, ['run', '-d', '--name', 'ticker', TEST_IMAGE, 'sh', '-c', 'while :; do date +%s > /tmp/last; sleep 1; done']);
  }, 300_000);
  afterAll(async () => {
    await vm.dispose();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it("a stop saves the VM and the next start restores it: the container still runs, the clock is the host's, the share is back", async () => {
    const started = docker(env, ['inspect', '-f', '{{.State.StartedAt}} {{.State.Pid}}', 'ticker']);
    expect((await client.stop()).state).toBe('stopped');
    expect(readRecord(env)).toMatchObject({ phase: 'saved', bytes: expect.any(Number) });
    expect(stateFiles()).toEqual(['saved-state.bin']);
    expect(qemuProcesses(home)).toEqual([]);

    const steps = await start();
    expect(steps).toEqual(expect.arrayContaining(['Restoring the VM from its saved state', 'Reconnecting to the restored VM']));
    expect(steps.filter((s) => s.startsWith('Cold boot') || s.startsWith('Booting Linux'))).toEqual([]);
    const before = Date.now();
    const guest = Number(berth(env, ['ssh', 'date', '+%s.%N']).stdout.trim()) * 1000;
    const after = Date.now();
    expect(guest).toBeGreaterThan(before - 1000);
    expect(guest).toBeLessThan(after + 1000);
    // The same container, the same process: it ran on through the stop.
    expect(docker(env, ['inspect', '-f', '{{.State.StartedAt}} {{.State.Pid}}', 'ticker'])).toBe(started);
    expect(docker(env, ['inspect', '-f', '{{.State.Running}}', 'ticker'])).toBe('true');
    writeFileSync(join(home, 'after-restore.txt'), 'shared again\n');
    expect(docker(env, ['run', '--rm', '-v', `${home}:/h`, TEST_IMAGE, 'cat', '/h/after-restore.txt'])).toBe('shared again');
    expect(blobSha()).toBe(sha(blob));
    expect(readRecord(env)).toMatchObject({ phase: 'running' });
    expect(stateFiles()).toEqual([]); // a restored state is used up
  });

  it('kill -9 of QEMU while it saves: nothing is left to restore, the next start boots cold and says why, the disk is intact', async () => {
    const pid = qemuPid();
    const tmp = fileAppears(vmDir, /^saved-state\.bin\..*\.tmp$/);
    const stopping = client.stop();
    await tmp; // QEMU is writing its state
    process.kill(pid, 'SIGKILL');
    expect((await stopping).state).toBe('stopped');
    expect(readRecord(env)).toMatchObject({ phase: 'stopped', reason: 'QEMU ended while saving (QEMU was ended by SIGKILL)' });
    expect(stateFiles()).toEqual([]);
    expect(halfMade(filesUnder(home))).toEqual([]);

    const steps = await start();
    expect(steps).toContain("Cold boot: the last stop could not save the VM's state (QEMU ended while saving (QEMU was ended by SIGKILL))");
    expect(steps).not.toContain('Restoring the VM from its saved state');
    expect(blobSha()).toBe(sha(blob));
  });

  it('kill -9 of QEMU while it restores: the start boots cold instead, saying why; with the daemon killed too, the next start does', async () => {
    expect((await client.stop()).state).toBe('stopped');
    expect(readRecord(env)).toMatchObject({ phase: 'saved' });
    const steps: string[] = [];
    let killed = false;
    const info = await client.start((i) => {
      if (!i.step || steps.at(-1) === i.step) return;
      steps.push(i.step);
      if (i.step === 'Restoring the VM from its saved state' && !killed) {
        killed = true;
        process.kill(qemuPid(), 'SIGKILL');
      }
    });
    expect(info.state).toBe('running');
    expect(killed).toBe(true);
    expect(steps.find((s) => s.startsWith('Cold boot'))).toMatch(/^Cold boot: restoring the saved state failed \(QEMU ended while .*SIGKILL/);
    expect(steps).toContain('Waiting for dockerd');
    expect(blobSha()).toBe(sha(blob));

    // Berth's daemon dies with QEMU during the restore: the record says the restore never finished.
    expect((await client.stop()).state).toBe('stopped');
    const dying = client.start((i) => {
      if (i.step !== 'Restoring the VM from its saved state') return;
      const d = daemonPid();
      process.kill(qemuPid(), 'SIGKILL');
      if (d) process.kill(d, 'SIGKILL');
    });
    await expect(dying).rejects.toThrow(/went away/);
    // A daemon killed -9 leaves its control socket: a new one replaces it, but the client may try the
    // old one first (client.ts checks the file is there, not that it answers).
    rmSync(paths.vmControlSocket(env), { force: true });
    const next = await start();
    expect(next).toContain('Cold boot: the last start did not finish restoring the saved state');
    expect(blobSha()).toBe(sha(blob));
    expect(qemuProcesses(home)).toHaveLength(1);
  });

  it('a state saved with another image build is never restored', async () => {
    expect((await client.stop()).state).toBe('stopped');
    // The same files under another build's manifest (another input hash), as a rebuild makes.
    const src = locateAssets(env);
    const copy = mkdtempSync(join('/tmp', 'berth-img-'));
    temps.push(copy);
    for (const f of ['vmlinuz', 'initrd.img', 'root.img']) copyFileSync(join(src.dir, f), join(copy, f));
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...src.manifest, inputs: `${src.manifest.inputs.slice(0, 8)}00000000` }));
    const other = new VmClient({ env: { ...env, BERTH_VM_ASSETS: copy }, cliPath });
    const steps = await start(other);
    expect(steps).toContain('Cold boot: the saved state is from another image build');
    expect(steps).not.toContain('Restoring the VM from its saved state');
    expect(blobSha()).toBe(sha(blob));
    // And back: the state this build saved is not restored by the first one either.
    expect((await other.stop()).state).toBe('stopped');
    expect(readRecord(env)).toMatchObject({ phase: 'saved', image: `${src.manifest.inputs.slice(0, 8)}00000000` });
    const back = await start();
    expect(back).toContain('Cold boot: the saved state is from another image build');
    expect(blobSha()).toBe(sha(blob));
    expect(existsSync(paths.vmSavedState(env))).toBe(false);
  });
});
