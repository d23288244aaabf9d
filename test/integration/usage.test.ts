import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UsageSnapshot } from '../../electron/shared/models';
import { connectedCore, engine, madeByFile, testCore, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const made = madeByFile();

function run(args: string[], cmd: string[]): string {
  const name = uniq('usage');
  made.push(name);
  docker.cli(['run', '-d', '--name', name, ...args, TEST_IMAGE, ...cmd]);
  return name;
}
const busy = ['sh', '-c', 'while :; do :; done'];
const idle = ['sleep', '3600'];
const fds = () => readdirSync('/proc/self/fd').length;

function watch() {
  const snaps: UsageSnapshot[] = [];
  const s = t.core.router.openStream('containers.usage', {}, async (c) => void snaps.push(c as UsageSnapshot));
  const find = (name: string) => snaps.at(-1)?.containers.find((c) => c.name === name);
  return { snaps, s, find };
}

describe('resource overview stream (containers.usage)', () => {
  it('reports every running container, busiest first, following starts, stops and removals live', async () => {
    const fdsBefore = fds();
    const hot = run([], busy);
    const cool = run(['--memory', '32m'], idle);
    const w = watch();
    await waitFor(() => (w.find(hot)?.cpuPercent ?? 0) > 20 && w.find(cool) && true, 20_000, 'both containers with the busy one using CPU');
    expect(fds()).toBeGreaterThanOrEqual(fdsBefore + 2); // a stats stream per running container (what the cancel must close)
    const last = w.snaps.at(-1)!;
    expect(last.engine.cpus).toBe(Number(docker.cli(['info', '--format', '{{.NCPU}}']).trim()));
    expect(last.engine.memTotal).toBeGreaterThan(256 * 1024 * 1024);
    expect(last.vm).toBeUndefined(); // the engine is not Berth's VM
    expect(last.engine.isVm).toBe(false);
    const names = last.containers.map((c) => c.name);
    expect(names.indexOf(hot)).toBeLessThan(names.indexOf(cool));
    expect(w.find(cool)).toMatchObject({ memLimit: 32 * 1024 * 1024 });
    expect(w.find(cool)!.memUsage).toBeGreaterThan(0);
    expect(last.containers.every((c, i, a) => i === 0 || a[i - 1]!.cpuPercent >= c.cpuPercent)).toBe(true);

    // A container started while watching joins; one stopped and one removed leave (no reload).
    const late = run([], idle);
    await waitFor(() => w.find(late), 20_000, 'the container started while watching');
    docker.cli(['stop', '-t', '0', cool]);
    docker.cli(['rm', '-f', hot]);
    await waitFor(() => !w.find(cool) && !w.find(hot) && w.find(late), 20_000, 'the stopped and removed ones gone');

    // About one snapshot a second, never a burst per container sample.
    const times = w.snaps.slice(-4).map((s) => s.time);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);

    w.s.cancel();
    expect(await w.s.done).toBeUndefined();
    const n = w.snaps.length;
    docker.cli(['rm', '-f', late]);
    await waitFor(() => fds() <= fdsBefore + 2 || undefined, 10_000, 'the engine streams closed after cancel');
    await new Promise((r) => setTimeout(r, 1500));
    expect(w.snaps.length).toBe(n); // nothing after the cancel
  });

  it('opens with a snapshot even when nothing runs, and two watchers do not disturb each other', async () => {
    const a = watch();
    const b = watch();
    await waitFor(() => a.snaps.length && b.snaps.length, 10_000, 'first snapshots');
    a.s.cancel();
    const name = run([], idle);
    await waitFor(() => b.find(name), 20_000, 'the second watcher still live');
    b.s.cancel();
    expect(await a.s.done).toBeUndefined();
    expect(await b.s.done).toBeUndefined();
  });

  it('a container restarted while watched stays in the overview', async () => {
    const name = run([], idle);
    const w = watch();
    await waitFor(() => w.find(name), 20_000, 'the container watched');
    docker.cli(['restart', '-t', '0', name]);
    const n = w.snaps.length;
    await waitFor(() => w.snaps.length > n + 2 && w.find(name), 20_000, 'the restarted container in the overview again');
    w.s.cancel();
    await w.s.done;
    docker.cli(['rm', '-f', name]);
  });

  it('a cancel at any moment (before the first snapshot, during it, after) leaves no stream open', async () => {
    const names = [run([], idle), run([], idle), run([], idle)];
    const w = watch(); // one watch first: the core's own connections are made before counting
    await waitFor(() => names.every((n) => w.find(n)), 20_000, 'the three containers watched');
    const watching = fds();
    w.s.cancel();
    await w.s.done;
    await waitFor(() => fds() <= watching - 3 || undefined, 10_000, 'the first watch closed');
    const before = fds();
    const handles = Array.from({ length: 20 }, (_, i) => {
      const got: unknown[] = [];
      const s = t.core.router.openStream('containers.usage', {}, async (c) => void got.push(c));
      return { s, got, at: i * 40 }; // 0 ms (before the handler's first await) up to 760 ms (snapshots sent)
    });
    await Promise.all(handles.map(({ s, at }) => new Promise((r) => setTimeout(r, at)).then(() => s.cancel())));
    expect(await Promise.all(handles.map((h) => h.s.done))).toEqual(handles.map(() => undefined));
    expect(handles.some((h) => h.got.length > 0)).toBe(true); // some were cancelled after they had streamed
    // A leak would be 3 engine streams per handle, open for as long as the containers run.
    await waitFor(() => fds() <= before + 2 || undefined, 10_000, `no streams left (fds ${fds()} vs ${before} before)`);
    docker.cli(['rm', '-f', ...names]);
  });

  it('an engine that is down fails the stream with ENGINE_UNREACHABLE', async () => {
    const core = testCore('unix:///nonexistent/berth-usage.sock');
    try {
      expect(await core.router.openStream('containers.usage', {}, async () => undefined).done).toMatchObject({ code: 'ENGINE_UNREACHABLE' });
    } finally {
      core.dispose();
    }
  });
});
