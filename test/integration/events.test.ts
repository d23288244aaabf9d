import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import { connectedCore, engine, nextEvent, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
let core: Core;

beforeAll(async () => {
  core = t.core;
  await new Promise((r) => setTimeout(r, 200)); // let the resync pushes that follow "up" pass
});

/** A change made with the docker CLI is pushed, naming what changed (latency: bench/). */
describe('engine events become pushes', () => {
  it('containers:changed for docker run / stop / rm', async () => {
    const name = uniq('ev');
    let pushed = nextEvent(core, 'containers:changed', () => true, 5000);
    const id = docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    expect((await pushed).ids).toContain(id);
    pushed = nextEvent(core, 'containers:changed', (p) => p.ids.includes(id), 5000);
    docker.cli(['stop', '-t', '0', name]);
    await pushed;
    pushed = nextEvent(core, 'containers:changed', (p) => p.ids.includes(id), 5000);
    docker.cli(['rm', name]);
    await pushed;
  });

  it('volumes:changed, networks:changed and images:changed for CLI changes', async () => {
    const vol = uniq('evv');
    const vPush = nextEvent(core, 'volumes:changed', (p) => p.ids.includes(vol), 5000);
    docker.cli(['volume', 'create', vol]);
    await vPush;

    const net = uniq('evn');
    const nPush = nextEvent(core, 'networks:changed', () => true, 5000);
    const netId = docker.cli(['network', 'create', net]);
    expect((await nPush).ids).toContain(netId);

    const iPush = nextEvent(core, 'images:changed', () => true, 5000);
    docker.cli(['tag', TEST_IMAGE, `berth-test/ev:${uniq('t')}`]);
    await iPush;
  });

  it('coalesces a burst into few pushes without losing an id', async () => {
    const seen = new Set<string>();
    let pushes = 0;
    const off = core.hub.on((name, p) => {
      if (name !== 'volumes:changed') return;
      pushes++;
      for (const id of (p as { ids: string[] }).ids) seen.add(id);
    });
    const names = Array.from({ length: 20 }, () => uniq('burst'));
    await Promise.all(names.map((n) => core.router.handle('volumes.create', { name: n })));
    await waitFor(() => names.every((n) => seen.has(n)), 2000, 'all 20 volume ids pushed');
    off();
    expect(pushes).toBeLessThan(20);
  });

  it('a list refreshed on each push converges after network connect/disconnect (events can precede the state)', async () => {
    const net = uniq('conv');
    const c = uniq('convc');
    docker.cli(['network', 'create', net]);
    docker.cli(['run', '-d', '--name', c, TEST_IMAGE, 'sleep', '600']);
    let members: string[] = [];
    let pushes = 0;
    const off = core.hub.on((name) => {
      if (name !== 'networks:changed') return;
      const seq = ++pushes;
      void core.router.handle('networks.list').then((r) => {
        if (seq !== pushes || !r.ok) return; // only the newest refresh counts, as in the list store
        members = (r.value as { name: string; containers: { name: string }[] }[]).find((n) => n.name === net)?.containers.map((m) => m.name) ?? [];
      });
    });
    try {
      for (let round = 0; round < 5; round++) {
        docker.cli(['network', 'connect', net, c]);
        await waitFor(() => members.includes(c), 3000, `round ${round}: member shown after connect`);
        docker.cli(['network', 'disconnect', net, c]);
        await waitFor(() => !members.includes(c), 3000, `round ${round}: member gone after disconnect`);
      }
    } finally {
      off();
    }
  });
});
