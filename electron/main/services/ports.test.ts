import { describe, expect, it, vi } from 'vitest';
import { PortsService } from './ports';

describe('where a published port is reached from here', () => {
  it('a local engine (and the Berth VM): 127.0.0.1 for all addresses, else the one it was published on', async () => {
    const p = new PortsService({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(await p.address(8080)).toEqual({ address: '127.0.0.1:8080', url: 'http://127.0.0.1:8080/' });
    expect(await p.address(8080, '0.0.0.0')).toMatchObject({ address: '127.0.0.1:8080' });
    expect(await p.address(8080, '::')).toMatchObject({ address: '127.0.0.1:8080' });
    expect(await p.address(8080, '127.0.0.2')).toMatchObject({ address: '127.0.0.2:8080' });
    expect(await p.address(8080, '::1')).toEqual({ address: '[::1]:8080', url: 'http://[::1]:8080/' });
  });

  it("a tcp:// engine: its host; its machine's own loopback is refused in words", async () => {
    const p = new PortsService({ kind: 'tcp', host: 'build-box.lan', port: 2375 });
    expect(await p.address(3000)).toMatchObject({ url: 'http://build-box.lan:3000/' });
    expect(await p.address(3000, '10.0.0.9')).toMatchObject({ address: '10.0.0.9:3000' });
    await expect(p.address(3000, '127.0.0.1')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/only that machine reaches/), hint: expect.stringMatching(/ssh:\/\//) });
  });

  it('an ssh:// engine: a port forwarded over SSH, to the address it was published on', async () => {
    const forward = vi.fn(async (_h: string, port: number) => port + 40000);
    const p = new PortsService({ kind: 'ssh', username: 'me', host: 'remote', port: 22, socketPath: '/var/run/docker.sock' }, forward);
    expect(await p.address(80)).toMatchObject({ address: '127.0.0.1:40080' });
    expect(await p.address(81, '10.1.1.1')).toMatchObject({ address: '127.0.0.1:40081' });
    expect(forward.mock.calls).toEqual([['127.0.0.1', 80], ['10.1.1.1', 81]]);
    const broken = new PortsService({ kind: 'ssh', username: 'me', host: 'remote', port: 22, socketPath: '/s' }, async () => Promise.reject(new Error('the SSH tunnel is closed')));
    await expect(broken.address(80)).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: 'Could not forward port 80 from remote over SSH: the SSH tunnel is closed' });
  });
});
