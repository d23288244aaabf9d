import { describe, expect, it } from 'vitest';
import type { ContainerDetail } from '../../electron/shared/models';
import { inspectSummary } from './inspect-summary';

const DETAIL: ContainerDetail = {
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
  ],
  networks: [{ name: 'bridge', ipAddress: '172.17.0.2' }, { name: 'none' }],
  restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
  restartCount: 2,
  memory: 67108864,
  cpus: 1.5,
};

const rows = (d: ContainerDetail) => Object.fromEntries(inspectSummary(d).map((r) => [r.label, r.values]));

describe('inspect summary', () => {
  it('says what docker run was given: policy with its maximum, restarts, mounts by type, quoted command, binary sizes', () => {
    expect(rows(DETAIL)).toEqual({
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

  it('quotes the command as a shell would take it, and shows a policy without a maximum by name', () => {
    const r = rows({ ...DETAIL, command: ['/entry point.sh', '--name', "it's"], restartPolicy: { name: 'on-failure', maximumRetryCount: 0 } });
    expect(r.Command).toEqual([`'/entry point.sh' --name 'it'\\''s'`]);
    expect(r['Restart policy']).toEqual(['on-failure']);
  });

  it('shows every row, empty where the container has nothing', () => {
    const r = rows({ image: '', command: [], env: [], mounts: [], ports: [], networks: [], restartPolicy: { name: 'no', maximumRetryCount: 0 }, restartCount: 0, memory: 0, cpus: 0 });
    expect(r).toEqual({ Image: [], Command: [], Environment: [], Mounts: [], Ports: [], Networks: [], 'Restart policy': ['no'], 'Restart count': ['0'], Limits: [] });
  });
});
