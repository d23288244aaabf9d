import { describe, expect, it } from 'vitest';
import type { VmConfig } from './config';
import { kernelCmdline, qemuArgs, qemuBinary } from './qemu-args';

const cfg: VmConfig = {
  cpus: 2,
  memoryMiB: 2048,
  kernel: '/cache/vmlinuz',
  initrd: '/cache/initrd.img',
  rootImage: '/cache/root.img',
  cmdline: 'quiet berth.data=/dev/vda',
  dataDisk: '/home/me/.berth/vm/data.qcow2',
  sshPort: 50022,
  shareDir: '/home/me',
  seedDir: '/home/me/.berth/vm/seed',
  serialLog: '/home/me/.berth/vm/serial.log',
  qmpSocket: '/home/me/.berth/run/qmp.sock',
  pidFile: '/home/me/.berth/run/qemu.pid',
};
const after = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

describe('QEMU command line', () => {
  it('boots the kernel with the data disk, SSH on 127.0.0.1 only, the home folder over 9p', () => {
    const args = qemuArgs(cfg, 'tcg');
    expect(after(args, '-machine')).toEqual(['q35,accel=tcg']);
    expect(after(args, '-cpu')).toEqual(['max']);
    expect(after(args, '-m')).toEqual(['2048M']);
    expect(after(args, '-smp')).toEqual(['2']);
    expect(after(args, '-append')).toEqual(['console=ttyS0 quiet berth.data=/dev/vda']);
    expect(after(args, '-netdev')).toEqual(['user,id=net0,hostfwd=tcp:127.0.0.1:50022-:22']);
    expect(after(args, '-virtfs')).toEqual([
      'local,path=/home/me,mount_tag=home,security_model=none,id=home',
      'local,path=/home/me/.berth/vm/seed,mount_tag=seed,security_model=none,id=seed,readonly=on',
    ]);
    expect(after(args, '-drive')).toEqual(['file=/cache/root.img,if=virtio,format=raw,readonly=on', 'file=/home/me/.berth/vm/data.qcow2,if=virtio,format=qcow2,discard=unmap,detect-zeroes=unmap']);
    expect(after(args, '-pidfile')).toEqual(['/home/me/.berth/run/qemu.pid']);
    expect(after(args, '-qmp')).toEqual(['unix:/home/me/.berth/run/qmp.sock,server=on,wait=off']); // port forwards while it runs
    expect(args).toContain('-no-reboot');
    expect(after(qemuArgs(cfg, 'kvm'), '-cpu')).toEqual(['host']);
    expect(after(qemuArgs(cfg, 'hvf', 'arm64'), '-machine')).toEqual(['virt,accel=hvf']);
    expect(qemuBinary('arm64')).toBe('qemu-system-aarch64');
    // A comma in a path would split QEMU's option list: doubled, as QEMU wants.
    expect(after(qemuArgs({ ...cfg, shareDir: '/home/a,b' }, 'tcg'), '-virtfs')[0]).toBe('local,path=/home/a,,b,mount_tag=home,security_model=none,id=home');
  });
});

describe('kernel command line', () => {
  it('under TCG: no address randomization and the TSC as the clock; with KVM neither', () => {
    expect(kernelCmdline('tcg').split(' ')).toEqual(expect.arrayContaining(['norandmaps', 'tsc=reliable', 'cryptomgr.notests']));
    expect(kernelCmdline('kvm')).not.toMatch(/norandmaps|tsc=/);
  });
});
