/** Many things at once: no lost events, no crossed streams. */
import { describe, expect, it } from 'vitest';
import type { ContainerSummary, LogLine } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

describe('reliability under load', () => {
  it('100 containers run and stopped concurrently through the API: every one pushed, none lost', async () => {
    const pushed = new Set<string>();
    const off = t.core.hub.on((name, p) => {
      if (name === 'containers:changed') for (const id of (p as { ids: string[] }).ids) pushed.add(id);
    });
    try {
      const names = Array.from({ length: 100 }, () => uniq('load'));
      const runs = await Promise.all(names.map((name) => t.call('containers.run', { image: TEST_IMAGE, name, init: true, command: ['sleep', '600'] })));
      expect(runs.filter((r) => !r.ok)).toEqual([]);
      const ids = runs.map((r) => (r as { value: { id: string } }).value.id);
      await waitFor(() => ids.every((id) => pushed.has(id)) || undefined, 30_000, 'a push naming each of the 100 containers');
      const list = ((await t.call('containers.list')) as { value: ContainerSummary[] }).value;
      expect(list.filter((c) => ids.includes(c.id)).every((c) => c.state === 'running')).toBe(true);

      pushed.clear();
      const stop = (await t.call('containers.action', { ids, action: 'stop' })) as { value: { ok: boolean }[] };
      expect(stop.value.every((r) => r.ok)).toBe(true);
      await waitFor(() => ids.every((id) => pushed.has(id)) || undefined, 30_000, 'a push naming each stopped container');
      const states = docker.cli(['ps', '-a', '--filter', 'status=running', '--format', '{{.Names}}']).split('\n');
      expect(names.filter((n) => states.includes(n))).toEqual([]);
      await t.call('containers.remove', { ids, force: true });
    } finally {
      off();
    }
  }, 180_000);

  it('20 log streams and 10 exec sessions at once each get their own output', async () => {
    const names = Array.from({ length: 5 }, () => uniq('multi'));
    for (const [i, n] of names.entries()) docker.cli(['run', '-d', '--name', n, '--init', TEST_IMAGE, 'sh', '-c', `while true; do echo from-${i}; sleep 0.1; done`]);
    const logs = Array.from({ length: 20 }, (_, k) => {
      const texts: string[] = [];
      const s = t.core.router.openStream('containers.logs', { id: names[k % 5]!, tail: 0 }, async (c) => void texts.push(...(c as LogLine[]).map((l) => l.text)));
      return { k, texts, s };
    });
    const shells = Array.from({ length: 10 }, (_, k) => {
      let out = '';
      const s = t.core.router.openStream('containers.exec', { id: names[k % 5]! }, async (c) => void (out += c as string));
      s.input({ data: `echo "shell-${k}-$((${k}*1000+7))"\r` });
      return { k, s, out: () => out };
    });
    await waitFor(() => logs.every((l) => l.texts.length >= 3) || undefined, 20_000, 'lines on all 20 log streams');
    await waitFor(() => shells.every((sh) => sh.out().includes(`shell-${sh.k}-${sh.k * 1000 + 7}`)) || undefined, 20_000, 'output in all 10 shells');
    for (const l of logs) expect(new Set(l.texts), `log stream ${l.k}`).toEqual(new Set([`from-${l.k % 5}`]));
    for (const sh of shells) for (const other of shells) if (other.k !== sh.k) expect(sh.out()).not.toContain(`shell-${other.k}-${other.k * 1000 + 7}`);
    for (const x of [...logs, ...shells]) x.s.cancel();
    await Promise.all([...logs, ...shells].map((x) => x.s.done));
  }, 60_000);
});
