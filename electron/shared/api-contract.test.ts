import { describe, expect, it } from 'vitest';
import { cidr, requests, resourceName, streams, vmResources } from './api-contract';
import { runSpec } from './run-spec';

describe('contract validators', () => {
  it.each(['172.30.0.0/16', '10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', 'fd00::/64', '2001:db8::/32'])('accepts subnet %s', (s) => {
    expect(cidr.safeParse(s).success).toBe(true);
  });
  it.each(['10.0.0.0', '256.0.0.0/8', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'abc/8', '10.0.0.0/8/8', ''])('refuses subnet %s', (s) => {
    expect(cidr.safeParse(s).success).toBe(false);
  });
  it.each(['web', 'my_app.1', 'A-b', '9lives'])('accepts name %s', (n) => {
    expect(resourceName.safeParse(n).success).toBe(true);
  });
  it.each(['', '-x', '.x', 'a b', 'a/b', 'x'.repeat(129), 'ümlaut'])('refuses name %s', (n) => {
    expect(resourceName.min(1).safeParse(n).success).toBe(false);
  });
  it('takes an auto-pause of 0 (never) or 3 s and more, not one that would pause the VM all the time', () => {
    const ok = (m: number) => vmResources.shape.autoPauseMinutes.safeParse(m).success;
    expect([0, 0.05, 0.5, 5, 1440].map(ok)).toEqual([true, true, true, true, true]);
    expect([0.001, 0.049, -1, 1441, Number.NaN].map(ok)).toEqual([false, false, false, false, false]);
  });

  it('commit changes: one Dockerfile instruction a commit takes, on one line', () => {
    const ok = (c: string) => requests['containers.commit'].args.safeParse({ id: 'web', changes: [c] }).success;
    expect(['CMD ["nginx"]', 'env A=1', '  EXPOSE 80', 'HEALTHCHECK CMD true'].map(ok)).toEqual([true, true, true, true]);
    expect(['RUN rm -rf /', 'ENV A=1\nRUN rm -rf /', 'ENV A=1\r', 'ENV A=\\', 'CMD', 'ENV A=\0'].map(ok)).toEqual([false, false, false, false, false, false]);
  });

  it('jobs.report: the kinds and statuses Berth has, bounded in number and length', () => {
    const ok = (jobs: unknown[]) => requests['jobs.report'].args.safeParse({ jobs }).success;
    const job = { id: 1, kind: 'pull', target: 'busybox', status: 'running', percent: 40 };
    expect(ok([job, { ...job, id: 2, status: 'failed', error: 'denied' }])).toBe(true);
    expect(ok(Array.from({ length: 50 }, (_, i) => ({ ...job, id: i + 1 })))).toBe(true);
    expect(ok(Array.from({ length: 51 }, (_, i) => ({ ...job, id: i + 1 })))).toBe(false);
    for (const bad of [{ kind: 'rm -rf' }, { status: 'paused' }, { percent: 101 }, { id: 0 }, { target: 'x'.repeat(257) }, { error: 'e'.repeat(1025) }, { extra: 1 }])
      expect(ok([{ ...job, ...bad }]), JSON.stringify(bad).slice(0, 40)).toBe(false);
  });

  it('rename: a name of two characters at least, as the engine takes', () => {
    const ok = (name: string) => requests['containers.rename'].args.safeParse({ id: 'web', name }).success;
    expect(['ab', 'web-2', 'a.b_c'].map(ok)).toEqual([true, true, true]);
    expect(['a', '', '-x', 'a b'].map(ok)).toEqual([false, false, false, false]);
  });

  it('exec command: at most 128 KiB in all, no NUL; devices: no ":" in a path', () => {
    const exec = (command: string[]) => streams['containers.exec'].args.safeParse({ id: 'web', command }).success;
    expect([exec(['psql', '-c', 'select 1']), exec(Array(1024).fill('x'.repeat(100))), exec(Array(3).fill('x'.repeat(65536))), exec(['a\0b'])]).toEqual([true, true, false, false]);
    const device = (host: string) => runSpec.safeParse({ image: 'x', devices: [{ host }] }).success;
    expect([device('/dev/fuse'), device('/dev/a:b'), device('dev/fuse')]).toEqual([true, false, false]);
  });
});
