import type Dockerode from 'dockerode';
import { describe, expect, it, vi } from 'vitest';
import { PortsService } from './ports';

/** An engine whose container `web` publishes what `ports` says (inspect's NetworkSettings.Ports). */
const engineWith = (ports: Record<string, { HostIp: string; HostPort: string }[] | null>) =>
  ({
    getContainer: (id: string) => ({
      inspect: async () => (id === 'web' ? { Name: '/web', NetworkSettings: { Ports: ports } } : Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404 }))),
    }),
  }) as unknown as Dockerode;

const all = engineWith({
  '80/tcp': [
    { HostIp: '0.0.0.0', HostPort: '8080' },
    { HostIp: '::', HostPort: '8080' },
  ],
  '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
  '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }],
  '82/tcp': [{ HostIp: '::1', HostPort: '8082' }],
  '83/tcp': [{ HostIp: '10.0.0.9', HostPort: '8083' }],
  '90/tcp': null,
});
const unix = { kind: 'unix', socketPath: '/var/run/docker.sock' } as const;
const ssh = { kind: 'ssh', username: 'me', host: 'remote', port: 22, socketPath: '/var/run/docker.sock' } as const;

describe('where a published port is reached from here', () => {
  it('a local engine (and the Berth VM): 127.0.0.1 for all addresses, else the one it was published on', async () => {
    const p = new PortsService(all, unix);
    expect(await p.address('web', 8080)).toEqual({ address: '127.0.0.1:8080', url: 'http://127.0.0.1:8080/' });
    expect(await p.address('web', 8080, '::')).toMatchObject({ address: '127.0.0.1:8080' });
    expect(await p.address('web', 8081)).toMatchObject({ address: '127.0.0.1:8081' });
    expect(await p.address('web', 8082)).toEqual({ address: '[::1]:8082', url: 'http://[::1]:8082/' });
    expect(await p.address('web', 5353)).toMatchObject({ address: '127.0.0.1:5353' });
  });

  it('only a port the container publishes: any other, or another container, is refused', async () => {
    const p = new PortsService(all, unix);
    await expect(p.address('web', 22)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'web does not publish port 22 (now).' });
    await expect(p.address('web', 80)).rejects.toMatchObject({ code: 'NOT_FOUND' }); // the container's own port, not a published one
    await expect(p.address('other', 8080)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("a tcp:// engine: its host; its machine's own loopback is refused in words", async () => {
    const p = new PortsService(all, { kind: 'tcp', host: 'build-box.lan', port: 2375 });
    expect(await p.address('web', 8080)).toMatchObject({ url: 'http://build-box.lan:8080/' });
    expect(await p.address('web', 8083)).toMatchObject({ address: '10.0.0.9:8083' });
    await expect(p.address('web', 8081)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/only that machine reaches/), hint: expect.stringMatching(/ssh:\/\//) });
  });

  it('an ssh:// engine: a forward to a port published beyond its loopback; its loopback and UDP are refused', async () => {
    const forward = vi.fn(async (_h: string, port: number) => port + 30000);
    const p = new PortsService(all, ssh, forward);
    expect(await p.address('web', 8080)).toMatchObject({ address: '127.0.0.1:38080' });
    expect(await p.address('web', 8083)).toMatchObject({ address: '127.0.0.1:38083' });
    expect(forward.mock.calls).toEqual([
      ['127.0.0.1', 8080],
      ['10.0.0.9', 8083],
    ]);
    await expect(p.address('web', 8081)).rejects.toMatchObject({ code: 'CONFLICT', hint: expect.stringMatching(/open to every user of this computer.*ssh -L 8081:127\.0\.0\.1:8081 me@remote/) });
    await expect(p.address('web', 5353)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/UDP: Berth forwards TCP ports over SSH only/) });
    expect(forward).toHaveBeenCalledTimes(2);
    const broken = new PortsService(all, ssh, async () => Promise.reject(new Error('the SSH tunnel is closed')));
    await expect(broken.address('web', 8080)).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: 'Could not forward port 8080 from remote over SSH: the SSH tunnel is closed' });
  });
});
