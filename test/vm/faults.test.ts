/**
 * A start that cannot work says why and what to do, in `berth vm start` and in the VM status
 * (what the UI shows), and leaves nothing behind: no QEMU process, no half-made file. Real QEMU,
 * real images (copies of the one `npm run vm:build` made), real faults.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../electron/main/free-port';
import { paths } from '../../electron/main/paths';
import { locateAssets } from '../../electron/main/vm/assets';
import { holderOf } from '../../electron/main/vm/backends/qemu/host.linux';
import { launchQemu } from '../../electron/main/vm/backends/qemu/qemu-launch';
import { berth, filesUnder, halfMade, qemuProcesses, vmHome, type VmHome } from './support';

const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join('/tmp', `berth-${prefix}-`));
  temps.push(d);
  return d;
};
const homes: VmHome[] = [];
const home = (prefix: string, extra: NodeJS.ProcessEnv = {}) => {
  const h = vmHome(prefix, extra);
  homes.push(h);
  return h;
};
const image = () => locateAssets(process.env); // the one `npm run vm:build` made

/** A copy of the image; `edit` may change its files before the manifest is written (then the manifest matches them). */
function copyImage(edit?: (dir: string) => void): string {
  const dir = temp('img');
  const src = image();
  for (const f of ['vmlinuz', 'initrd.img', 'root.img']) copyFileSync(join(src.dir, f), join(dir, f));
  edit?.(dir);
  const files = Object.fromEntries(
    ['vmlinuz', 'initrd.img', 'root.img'].map((f) => {
      const data = readFileSync(join(dir, f));
      return [f, { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length }];
    }),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...src.manifest, files }));
  return dir;
}

/** A start that must fail: its error (as `berth vm start` gets it) and the status reason the UI shows. */
async function failedStart(h: VmHome) {
  const err = (await h.client.start().then(
    () => new Error('the start did not fail'),
    (e: Error) => e,
  )) as Error & { hint?: string };
  const status = await h.client.status();
  expect(status.state).toBe('error');
  return { message: err.message, hint: err.hint ?? '', reason: status.reason ?? '' };
}

/** After a failed start: no QEMU for this data folder, no temp or work file in it. */
function nothingLeft(h: VmHome, ...more: string[]) {
  for (const p of [h.home, ...more]) expect(qemuProcesses(p)).toEqual([]);
  expect(halfMade(filesUnder(h.home))).toEqual([]);
  expect(existsSync(join(paths.run(h.env), 'qemu.pid'))).toBe(false);
}

describe('VM start faults (QEMU)', { timeout: 300_000 }, () => {
  beforeAll(() => void image()); // a clear failure when the image was not built
  afterAll(async () => {
    for (const h of homes) await h.dispose();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it('QEMU missing (a PATH without it): says what to install, in `berth vm start` too, and makes nothing', async () => {
    const h = home('noqemu', { PATH: temp('emptybin') });
    const f = await failedStart(h);
    expect(f.message).toBe('QEMU is not installed here: qemu-system-x86_64 and qemu-img are not on PATH.');
    expect(f.hint).toBe('Install QEMU (on Debian: apt-get install qemu-system-x86 qemu-utils) and start again.');
    expect(f.reason).toBe(`${f.message} ${f.hint}`);
    const cli = berth(h.env, ['start']);
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 1, stderr: `berth: ${f.message}\n${f.hint}\n` });
    nothingLeft(h);
    expect(existsSync(join(paths.vm(h.env), 'data.qcow2'))).toBe(false);
  });

  it('no image and no build tools (a PATH without debootstrap): says what to install or where to put an image', async () => {
    const cache = temp('nocache');
    const h = home('notools', { PATH: '/usr/bin:/bin', BERTH_VM_CACHE: cache });
    const f = await failedStart(h);
    expect(f.message).toMatch(/^There is no Berth VM image on this computer\. Berth cannot build one here: the tools that build the VM image are missing: debootstrap, .*are not on PATH\.$/);
    expect(f.hint).toMatch(/^Add \/usr\/sbin to PATH \(debootstrap, .*\), then start again\. Or build the image on a Linux machine .* set BERTH_VM_ASSETS to that folder\.$/);
    nothingLeft(h);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('the build failing (the package mirror does not answer, nothing fetched before): says so, no half-made image', async () => {
    const cache = temp('nonet');
    const buildCache = temp('nonet-build');
    const h = home('nonet', { BERTH_VM_CACHE: cache, BERTH_VM_BUILD_CACHE: buildCache, BERTH_VM_MIRROR: 'http://127.0.0.1:9/debian' });
    const f = await failedStart(h);
    expect(f.message).toBe("Could not download the VM's packages from http://127.0.0.1:9/debian (Failed getting release file http://127.0.0.1:9/debian/dists/trixie/Release).");
    expect(f.hint).toMatch(/^Check the network connection and start again\. Or build the image where there is a network/);
    expect(f.reason).toContain(f.message);
    nothingLeft(h);
    expect(filesUnder(cache)).toEqual([]); // no work folder, no `current`, no lock
    expect(filesUnder(buildCache)).toEqual([]);
  });

  it('a damaged image (root.img of the same size, bytes changed): refused by its sha256, nothing booted', async () => {
    const dir = copyImage();
    const root = readFileSync(join(dir, 'root.img'));
    const at = root.length >> 1;
    root.writeUInt8(root.readUInt8(at) ^ 0xff, at);
    writeFileSync(join(dir, 'root.img'), root);
    const h = home('damaged', { BERTH_VM_ASSETS: dir });
    const f = await failedStart(h);
    expect(f.message).toMatch(new RegExp(`^The VM image in ${dir} is damaged: root\\.img \\(sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…\\)\\.$`));
    expect(f.hint).toContain('berth vm build --force');
    nothingLeft(h, dir);
    expect(existsSync(paths.vmImagesVerified(h.env))).toBe(false); // a failed check is not remembered
    expect(existsSync(join(paths.vm(h.env), 'data.qcow2'))).toBe(false);
  });

  it('the data disk locked by another QEMU: says which process holds it, and leaves the disk and that QEMU alone', async () => {
    const h = home('locked');
    mkdirSync(paths.vm(h.env), { recursive: true });
    const disk = join(paths.vm(h.env), 'data.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64G']);
    const holder: ChildProcess = spawn('qemu-system-x86_64', ['-nodefaults', '-display', 'none', '-machine', 'q35,accel=tcg', '-S', '-drive', `file=${disk},if=virtio,format=qcow2`], {
      stdio: 'ignore',
    });
    try {
      for (let i = 0; i < 100 && !holderOf(disk); i++) await new Promise((r) => setTimeout(r, 50)); // until it has the disk open
      const f = await failedStart(h);
      expect(f.message).toBe(`The VM's data disk ${disk} is in use by another QEMU (process ${holder.pid}), so Berth did not start a second VM on it.`);
      expect(f.hint).toBe(`Stop that VM first (if it is left over, end it with \`kill ${holder.pid}\`), then start again.`);
      expect(qemuProcesses(h.home)).toEqual([holder.pid]); // only the holder: Berth's own QEMU is gone
      expect(existsSync(paths.vmEngine(h.env))).toBe(false); // no engine ever used the disk
      expect(halfMade(filesUnder(h.home))).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('the VM crashing during boot (a root image the kernel cannot mount): says so with the console lines', async () => {
    const dir = copyImage((d) => writeFileSync(join(d, 'root.img'), Buffer.alloc(4 << 20)));
    const h = home('crash', { BERTH_VM_ASSETS: dir });
    const f = await failedStart(h);
    expect(f.message).toMatch(/^The VM stopped while booting \(booting linux and connecting over ssh\)\. QEMU exited with code 0\nLast console lines:\n[\s\S]*berth: no root image on \/dev\/vda/);
    expect(f.hint).toContain('berth vm logs');
    nothingLeft(h, dir);
  });

  it('the SSH port taken: another port is tried, and the VM boots on it', async () => {
    const squatter = await listen(await freePort());
    const taken = (squatter.address() as { port: number }).port;
    const h = home('port', { BERTH_VM_SSH_PORT: String(taken) });
    try {
      const steps: string[] = [];
      const info = await h.client.start((i) => i.step && steps.push(i.step));
      expect(info.state).toBe('running');
      expect(steps).toContain(`Port ${taken} on 127.0.0.1 is taken; trying another port for the VM's SSH`);
      expect(info.ssh!.port).not.toBe(taken);
      expect(berth(h.env, ['ssh', 'cat', '/etc/hostname']).stdout.trim()).toBe('berth');
      expect((await h.client.stop()).state).toBe('stopped');
      expect(qemuProcesses(h.home)).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it('the SSH port taken, and the one tried next too: says so, no QEMU left', async () => {
    const a = await listen(await freePort());
    const b = await listen(await freePort());
    const [pa, pb] = [a, b].map((s) => (s.address() as { port: number }).port) as [number, number];
    const dir = temp('launch');
    const retries: string[] = [];
    // A QEMU with no guest (-S: never runs): only its SSH forward and QMP matter here.
    const bare = (port: number) => [
      '-nodefaults',
      '-display',
      'none',
      '-machine',
      'q35,accel=tcg',
      '-S',
      '-netdev',
      `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:22`,
      '-device',
      'virtio-net-pci,netdev=net0',
      '-qmp',
      `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
      '-name',
      dir,
    ];
    try {
      const err = await launchQemu({
        binary: 'qemu-system-x86_64',
        args: bare,
        qmpSocket: join(dir, 'qmp.sock'),
        dataDisk: join(dir, 'none'),
        firstPort: pa,
        pickPort: async () => pb,
        onRetry: (w) => retries.push(w),
      }).catch((e: Error) => e);
      expect(retries).toEqual([`Port ${pa} on 127.0.0.1 is taken; trying another port for the VM's SSH`]);
      expect(err).toMatchObject({
        code: 'CONFLICT',
        message: `QEMU could not listen on 127.0.0.1 for the VM's SSH: port ${pa} was taken, and so was port ${pb}.`,
        hint: expect.stringContaining('BERTH_VM_SSH_PORT'),
      });
      expect(qemuProcesses(dir)).toEqual([]);
      // With a free port it starts, and is through its setup when it resolves.
      const q = await launchQemu({
        binary: 'qemu-system-x86_64',
        args: bare,
        qmpSocket: join(dir, 'qmp.sock'),
        dataDisk: join(dir, 'none'),
        pickPort: freePort,
        onRetry: () => undefined,
      });
      expect(qemuProcesses(dir)).toEqual([q.proc.pid]);
      q.proc.kill('SIGKILL');
      await q.exited;
      expect(qemuProcesses(dir)).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => c.destroy());
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}
