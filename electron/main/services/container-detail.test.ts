import { describe, expect, it } from 'vitest';
import { toContainerDetail } from './container-detail';

/** Trimmed from a real `docker inspect` (Engine 20.10) of
 *  docker create --restart on-failure:3 --tmpfs /tmp:rw,size=64m --mount type=tmpfs,dst=/run2,tmpfs-size=1048576,tmpfs-mode=0700
 *    -v /anon -v data:/data:ro --memory 64m --cpus 1.5 -p 127.0.0.1:8080:80 IMAGE sh -c 'exit 1' */
const INSPECT = {
  RestartCount: 2,
  Config: { Image: 'berth-test:1', Cmd: ['sh', '-c', 'exit 1'], Entrypoint: null, Env: ['PATH=/usr/bin', 'HELLO=big world'] },
  HostConfig: {
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    Tmpfs: { '/tmp': 'rw,size=64m' },
    Mounts: [{ Type: 'tmpfs', Target: '/run2', TmpfsOptions: { SizeBytes: 1048576, Mode: 448 } }],
    Memory: 67108864,
    NanoCpus: 1500000000,
  },
  Mounts: [
    { Type: 'tmpfs', Source: '', Destination: '/run2', Mode: '', RW: true, Propagation: '' },
    { Type: 'volume', Name: 'd632cbc76474fb9472fe50c9a2aced0b85a8d2c5c30de3fafa0cbd8a7dc6eeea', Source: '/var/lib/docker/volumes/d632…/_data', Destination: '/anon', Driver: 'local', RW: true },
    { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', Driver: 'local', RW: false },
    { Type: 'bind', Source: '/home/me/src', Destination: '/app', RW: true },
  ],
  NetworkSettings: {
    Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': null, '53/udp': [{ HostIp: '', HostPort: '5353' }] },
    Networks: { bridge: { IPAddress: '172.17.0.2' }, none: { IPAddress: '' } },
  },
};

const EMPTY = { image: '', command: [], env: [], mounts: [], ports: [], networks: [], restartPolicy: { name: 'no', maximumRetryCount: 0 }, restartCount: 0, memory: 0, cpus: 0 };

describe('container detail from docker inspect', () => {
  it('says what docker run was given: policy with its maximum, restarts, mounts by type with their options, limits', () => {
    expect(toContainerDetail(INSPECT)).toEqual({
      image: 'berth-test:1',
      command: ['sh', '-c', 'exit 1'],
      env: ['PATH=/usr/bin', 'HELLO=big world'],
      mounts: [
        { type: 'tmpfs', source: '', target: '/run2', readOnly: false, tmpfs: { size: 1048576, mode: 448 } },
        { type: 'volume', source: 'd632cbc76474fb9472fe50c9a2aced0b85a8d2c5c30de3fafa0cbd8a7dc6eeea', target: '/anon', readOnly: false, anonymous: true },
        { type: 'volume', source: 'data', target: '/data', readOnly: true },
        { type: 'bind', source: '/home/me/src', target: '/app', readOnly: false },
        { type: 'tmpfs', source: '', target: '/tmp', readOnly: false, tmpfsOptions: 'rw,size=64m' },
      ],
      ports: [
        { port: '80/tcp', bindings: [{ hostIp: '127.0.0.1', hostPort: '8080' }] },
        { port: '443/tcp', bindings: [] },
        { port: '53/udp', bindings: [{ hostIp: '0.0.0.0', hostPort: '5353' }] },
      ],
      networks: [{ name: 'bridge', ipAddress: '172.17.0.2' }, { name: 'none' }],
      restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
      restartCount: 2,
      memory: 67108864,
      cpus: 1.5,
    });
  });

  it('puts the entrypoint before the command, and keeps a maximum only for on-failure', () => {
    const d = toContainerDetail({ Config: { Entrypoint: ['/entry point.sh'], Cmd: ['--name', "it's"] }, HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 } } });
    expect(d.command).toEqual(['/entry point.sh', '--name', "it's"]);
    expect(d.restartPolicy).toEqual({ name: 'on-failure', maximumRetryCount: 0 });
    expect(toContainerDetail({ HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 5 } } }).restartPolicy).toEqual({ name: 'always', maximumRetryCount: 0 });
    expect(toContainerDetail({ HostConfig: { RestartPolicy: { Name: '' } } }).restartPolicy.name).toBe('no');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
    [
      'wrong types everywhere',
      {
        Config: { Cmd: 'sh', Env: [1, null], Image: 7 },
        Mounts: [null, 3, { Type: 5 }],
        HostConfig: { Tmpfs: ['x'], Mounts: 'no', RestartPolicy: { Name: 1, MaximumRetryCount: 'x' }, Memory: -1, NanoCpus: -5 },
        NetworkSettings: { Ports: [], Networks: [] },
        RestartCount: 'many',
      },
    ],
  ])('never throws on %s, and says only what it understood', (_, raw) => {
    expect(toContainerDetail(raw)).toEqual(EMPTY);
  });

  it('keeps the good parts of a half-broken answer', () => {
    const d = toContainerDetail({
      Config: { Cmd: 'sh', Env: [1, null, 'A=1'] },
      Mounts: [null, { Type: 'bind' }, { Type: 'bind', Source: '/s', Destination: '/d', RW: true }],
      HostConfig: { Tmpfs: { '/t': 5 } },
      NetworkSettings: { Ports: { '80/tcp': 'x' } },
    });
    expect(d).toMatchObject({ command: [], env: ['A=1'], image: '', memory: 0 });
    expect(d.mounts).toEqual([
      { type: 'bind', source: '/s', target: '/d', readOnly: false },
      { type: 'tmpfs', source: '', target: '/t', readOnly: false },
    ]);
    expect(d.ports).toEqual([{ port: '80/tcp', bindings: [] }]);
  });
});
