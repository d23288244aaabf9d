import { describe, expect, it } from 'vitest';
import { inspectSummary } from './inspect-summary';

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
    Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': null },
    Networks: { bridge: { IPAddress: '172.17.0.2' }, none: { IPAddress: '' } },
  },
};

const rows = (raw: unknown) => Object.fromEntries(inspectSummary(raw).map((r) => [r.label, r.values]));

describe('inspect summary', () => {
  it('says what docker run was given: policy with its maximum, restarts, mounts by type, quoted command, binary sizes', () => {
    expect(rows(INSPECT)).toEqual({
      Image: ['berth-test:1'],
      Command: [`sh -c 'exit 1'`],
      Environment: ['PATH=/usr/bin', 'HELLO=big world'],
      Mounts: ['tmpfs → /run2 (size 1.00 MiB, mode 0700)', 'volume d632cbc76474 (anonymous) → /anon', 'volume data → /data (read-only)', 'bind /home/me/src → /app', 'tmpfs → /tmp (rw,size=64m)'],
      Ports: ['127.0.0.1:8080 → 80/tcp', '443/tcp'],
      Networks: ['bridge (172.17.0.2)', 'none'],
      'Restart policy': ['on-failure:3'],
      'Restart count': ['2'],
      Limits: ['memory 64.0 MiB', 'cpus 1.5'],
    });
  });

  it('puts the entrypoint before the command, and shows policies without a maximum by name', () => {
    const r = rows({ Config: { Entrypoint: ['/entry point.sh'], Cmd: ['--name', "it's"] }, HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 } } });
    expect(r.Command).toEqual([`'/entry point.sh' --name 'it'\\''s'`]);
    expect(r['Restart policy']).toEqual(['on-failure']);
    expect(rows({ HostConfig: { RestartPolicy: { Name: 'unless-stopped' } } })['Restart policy']).toEqual(['unless-stopped']);
    expect(rows({ HostConfig: { RestartPolicy: { Name: '' } } })['Restart policy']).toEqual(['no']);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
    ['wrong types everywhere', { Config: { Cmd: 'sh', Env: [1, null, 'A=1'], Image: 7 }, Mounts: [null, 3, { Type: 5 }], HostConfig: { Tmpfs: ['x'], Mounts: 'no', RestartPolicy: { Name: 1, MaximumRetryCount: 'x' }, Memory: -1 }, NetworkSettings: { Ports: { '80/tcp': 'x' }, Networks: [] }, RestartCount: 'many' }],
  ])('never throws on %s, and shows only what it understood', (_, raw) => {
    const r = rows(raw);
    expect(Object.keys(r)).toEqual(['Image', 'Command', 'Environment', 'Mounts', 'Ports', 'Networks', 'Restart policy', 'Restart count', 'Limits']);
    expect(r['Restart policy']).toEqual(['no']);
    expect(r['Restart count']).toEqual(['0']);
    for (const values of Object.values(r)) for (const v of values) expect(typeof v).toBe('string');
  });

  it('keeps the good parts of a half-broken answer', () => {
    const r = rows({ Config: { Cmd: 'sh', Env: [1, null, 'A=1'] }, Mounts: [null, { Type: 'bind' }, { Type: 'bind', Source: '/s', Destination: '/d', RW: true }], HostConfig: { Tmpfs: { '/t': 5 } } });
    expect(r).toMatchObject({ Command: [], Environment: ['A=1'], Mounts: ['bind /s → /d', 'tmpfs → /t'], Image: [], Limits: [] });
  });
});
