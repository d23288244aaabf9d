import { describe, expect, it } from 'vitest';
import { runSpec, toDockerRunCommand } from '../../shared/run-spec';
import { notCarried, runSpecOf } from './run-again';

const image = {
  Config: {
    Cmd: ['nginx', '-g', 'daemon off;'],
    Env: ['PATH=/usr/bin', 'NGINX_VERSION=1.27'],
    Labels: { maintainer: 'x' },
    Volumes: { '/var/cache/nginx': {} },
    WorkingDir: '/',
    Healthcheck: { Test: ['CMD-SHELL', 'true'] },
  },
};
const anon = 'a'.repeat(64);

describe('run again: the spec of a container', () => {
  it('leaves what the image sets to the image, and says the rest', () => {
    const spec = runSpecOf(
      {
        Id: 'f00dcafe1234567890',
        Config: {
          Image: 'nginx:1.27',
          Hostname: 'f00dcafe1234',
          Cmd: ['nginx', '-g', 'daemon off;'],
          Env: ['PATH=/usr/bin', 'NGINX_VERSION=1.27', 'MODE=prod'],
          Labels: { maintainer: 'x', team: 'web', 'com.docker.compose.project': 'shop' },
          WorkingDir: '/',
          Healthcheck: { Test: ['CMD-SHELL', 'true'] },
        },
        HostConfig: {
          PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
          NetworkMode: 'bridge',
          RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
          Tmpfs: { '/run': 'rw,size=64m', '/odd': 'size=lots' },
        },
        Mounts: [
          { Type: 'volume', Name: anon, Destination: '/var/cache/nginx', RW: true },
          { Type: 'volume', Name: 'b'.repeat(64), Destination: '/extra', RW: true },
          { Type: 'volume', Name: 'site', Destination: '/usr/share/nginx/html', RW: false },
          { Type: 'bind', Source: '/home/me/conf', Destination: '/etc/nginx/conf.d', RW: true },
        ],
      },
      image,
    );
    expect(spec).toEqual({
      image: 'nginx:1.27',
      env: [{ key: 'MODE', value: 'prod' }],
      labels: { team: 'web' },
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIp: '127.0.0.1', containerPort: 53, protocol: 'udp' },
      ],
      mounts: [
        { type: 'volume', target: '/extra', readOnly: false },
        { type: 'volume', source: 'site', target: '/usr/share/nginx/html', readOnly: true },
        { type: 'bind', source: '/home/me/conf', target: '/etc/nginx/conf.d', readOnly: false },
        { type: 'tmpfs', target: '/run', sizeBytes: 64 * 2 ** 20 },
        { type: 'tmpfs', target: '/odd' },
      ],
      autoRemove: false,
      interactive: false,
      tty: false,
      readOnly: false,
      capAdd: [],
      capDrop: [],
      init: false,
      addHosts: [],
      privileged: false,
      devices: [],
    });
    expect(runSpec.safeParse(spec).success).toBe(true);
  });

  it('a new entrypoint carries the command with it; a disabled check and a CMD-form check are said', () => {
    const spec = runSpecOf(
      { Config: { Image: 'nginx', Entrypoint: ['/bin/sh', '-c'], Cmd: ['nginx', '-g', 'daemon off;'], Healthcheck: { Test: ['NONE'] } }, HostConfig: { NetworkMode: 'container:abc' } },
      image,
    );
    expect(spec).toMatchObject({ entrypoint: ['/bin/sh', '-c'], command: ['nginx', '-g', 'daemon off;'], noHealthcheck: true });
    expect(spec.network).toBeUndefined(); // another container's network: not something a run spec says
    const cmdForm = runSpecOf({ Config: { Image: 'x', Healthcheck: { Test: ['CMD', 'wget', '-q', 'http://localhost/a b'], Interval: 1.5e9, Retries: 2 } } }, {});
    expect(cmdForm.health).toEqual({ command: "wget -q 'http://localhost/a b'", intervalMs: 1500, retries: 2 });
    // --entrypoint '' on an image with one: said as the CLI says it, and kept that way through the line and the form.
    const reset = runSpecOf({ Config: { Image: 'nginx', Entrypoint: null, Cmd: ['sh'] } }, { Config: { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx'] } });
    expect(reset).toMatchObject({ entrypoint: [''], command: ['sh'] });
    expect(toDockerRunCommand(reset)).toBe("docker run -d --entrypoint '' nginx sh");
  });

  it.each([
    undefined,
    null,
    42,
    'x',
    [],
    { Config: 'no', HostConfig: [1], Mounts: 'x' },
    {
      Config: { Env: [1, null, 'NOEQUALS'], Cmd: 'x', Labels: { a: 1 } },
      HostConfig: { PortBindings: { 'x/tcp': [], '80/sctp': [{}], '81/tcp': null }, Devices: [null, { PathOnHost: 3 }], ExtraHosts: ['nocolon', 7] },
    },
  ])('whatever the engine sends (%j), it never throws', (raw) => {
    const spec = runSpecOf(raw, raw);
    expect(spec).toMatchObject({ env: [], ports: expect.any(Array), devices: [], addHosts: [] });
  });

  it('names what a run spec cannot say, and nothing for the engine defaults', () => {
    expect(notCarried({ HostConfig: { IpcMode: 'private', ShmSize: 64 * 2 ** 20, Runtime: 'runc', NetworkMode: 'bridge', LogConfig: { Type: 'json-file', Config: {} } } })).toEqual([]);
    expect(
      notCarried({
        HostConfig: {
          SecurityOpt: ['seccomp=unconfined'],
          PidMode: 'host',
          IpcMode: 'host',
          Ulimits: [{ Name: 'nofile' }],
          ShmSize: 2 ** 30,
          Dns: ['1.1.1.1'],
          Sysctls: { 'net.ipv4.ip_forward': '1' },
          Runtime: 'crun',
          NetworkMode: 'container:db',
          LogConfig: { Config: { 'max-size': '1m' } },
        },
        NetworkSettings: { Networks: { front: {}, back: {} } },
      }),
    ).toEqual([
      '--security-opt',
      '--pid host',
      '--ipc host',
      '--ulimit',
      '--shm-size',
      '--dns',
      '--sysctl',
      '--runtime crun',
      '--network container:db',
      'the networks beyond the first (front, back)',
      '--log-opt',
    ]);
    expect(notCarried(null)).toEqual([]);
  });
});
