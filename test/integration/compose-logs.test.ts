import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../electron/shared/models';
import { timeKey } from '../../electron/main/engine/log-merge';
import { connectedCore, engine, madeByFile, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const made = madeByFile();
const fds = () => readdirSync('/proc/self/fd').length;

/** A container of `project` as Compose labels one, for `service`. */
function member(project: string, service: string, cmd: string, detach = true): string {
  const name = uniq(`${project}-${service}`);
  made.push(name);
  docker.cli(['run', ...(detach ? ['-d'] : []), '--name', name, '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${service}`, TEST_IMAGE, 'sh', '-c', cmd]);
  return name;
}
const lines = (service: string, n: number) => `i=0; while [ $i -lt ${n} ]; do echo "${service} $i"; i=$((i+1)); done`;

describe('compose project logs, merged (compose.logs)', () => {
  it('merges 50,000 lines of three services in time order, each named, then follows new ones live', { timeout: 120_000 }, async () => {
    const project = uniq('mrg').replace(/[^a-z0-9-]/g, '');
    // Each ends on a line with no newline (the engine writes such a line out when the container ends).
    for (const s of ['web', 'db', 'cache']) member(project, s, `${lines(s, 16_667)}; printf '${s} no newline'`);
    await waitFor(
      () => ['web', 'db', 'cache'].every((s) => docker.cli(['logs', '--tail', '1', made.find((n) => n.includes(`-${s}-`))!]).includes('no newline')) || undefined,
      60_000,
      'every service printed',
    );
    const before = fds();
    const got: LogLine[] = [];
    const s = t.core.router.openStream('compose.logs', { project, tail: 'all' }, async (c) => void got.push(...(c as LogLine[])));
    await waitFor(() => got.length >= 50_004 || undefined, 60_000, 'the merged history');
    expect(got).toHaveLength(50_004);
    expect(got.every((l, i) => i === 0 || timeKey(got[i - 1]!.time) <= timeKey(l.time))).toBe(true);
    for (const svc of ['web', 'db', 'cache']) {
      const own = got.filter((l) => l.source === svc).map((l) => l.text);
      expect(own).toHaveLength(16_668);
      expect(own.slice(0, 3)).toEqual([`${svc} 0`, `${svc} 1`, `${svc} 2`]);
      expect(own.at(-1)).toBe(`${svc} no newline`); // a last line with no newline is not lost
    }
    // A service that starts later joins, live.
    member(project, 'worker', 'echo worker ready; sleep 600');
    await waitFor(() => got.some((l) => l.source === 'worker' && l.text === 'worker ready') || undefined, 20_000, 'the late service live');
    expect(got.filter((l) => l.text === 'worker ready')).toHaveLength(1);
    s.cancel();
    expect(await s.done).toBeUndefined();
    await waitFor(() => fds() <= before + 2 || undefined, 10_000, 'the log streams closed after cancel');
  });

  it('a project with no containers is NOT_FOUND in words; a bad name is refused', async () => {
    expect(await t.core.router.openStream('compose.logs', { project: 'no-such-project-here' }, async () => undefined).done).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no-such-project-here'),
    });
    expect(await t.core.router.openStream('compose.logs', { project: '../etc' }, async () => undefined).done).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a container removed while followed ends only its part; a cancel at any moment leaves nothing', async () => {
    const project = uniq('rmv').replace(/[^a-z0-9-]/g, '');
    const a = member(project, 'a', 'echo a up; sleep 600');
    member(project, 'b', 'echo b up; while sleep 0.2; do echo b tick; done');
    await waitFor(() => docker.cli(['logs', a]).includes('a up') || undefined, 20_000, 'a up');
    const got: LogLine[] = [];
    const s = t.core.router.openStream('compose.logs', { project }, async (c) => void got.push(...(c as LogLine[])));
    await waitFor(() => got.some((l) => l.text === 'a up') || undefined, 20_000, 'history');
    docker.cli(['rm', '-f', a]);
    const n = got.filter((l) => l.text === 'b tick').length;
    await waitFor(() => got.filter((l) => l.text === 'b tick').length > n + 2 || undefined, 20_000, 'b still live');
    const watching = fds();
    s.cancel();
    expect(await s.done).toBeUndefined();
    await waitFor(() => fds() < watching || undefined, 10_000, "b's stream closed");
    const before = fds();
    // Cancelled at every moment: before the first await, while listing, while reading the history, while following.
    const handles = Array.from({ length: 20 }, (_, i) => {
      const got: LogLine[] = [];
      return { s: t.core.router.openStream('compose.logs', { project }, async (c) => void got.push(...(c as LogLine[]))), got, at: i * 30 };
    });
    await Promise.all(handles.map(({ s, at }) => new Promise((r) => setTimeout(r, at)).then(() => s.cancel())));
    expect(await Promise.all(handles.map((h) => h.s.done))).toEqual(handles.map(() => undefined));
    expect(handles.some((h) => h.got.length > 0)).toBe(true); // some were cancelled after they had streamed
    await waitFor(() => fds() <= before + 2 || undefined, 10_000, `nothing left open (fds ${fds()} vs ${before} before)`);
    // A follow left open would hold b's stream for as long as b runs: it is still running here.
    expect(docker.cli(['inspect', '-f', '{{.State.Running}}', made.find((n) => n.includes(`${project}-b`))!]).trim()).toBe('true');
  });
});
