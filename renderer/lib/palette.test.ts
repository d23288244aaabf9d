import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../electron/shared/models';
import { fuzzyScore, paletteEntries, type PaletteSources } from './palette';

const c = (id: string, name: string, state: ContainerSummary['state'] = 'running', project?: string) =>
  ({ id, name, state, image: 'x', command: '', status: '', created: 0, ports: [], labels: {}, health: 'none', ...(project ? { composeProject: project } : {}) }) as ContainerSummary;
const sources: PaletteSources = {
  containers: [c('c1', 'web'), c('c2', 'webhook-relay', 'exited'), c('c3', 'shop-db-1', 'running', 'shop'), c('c4', 'shop-api-1', 'running', 'shop')],
  images: [{ id: 'sha256:abcdef0123456789', tags: ['nginx:1.27'], digests: [], size: 1, created: 0, containers: 0, dangling: false }],
  volumes: [{ name: 'pg-data', driver: 'local', mountpoint: '/x', labels: {}, inUse: false, usedBy: [] }],
  networks: [{ id: 'n1', name: 'shop_default', driver: 'bridge', scope: 'local', subnets: [], internal: false, builtin: false, containers: [] }],
};
const titles = (q: string, n = 5) =>
  paletteEntries(q, sources)
    .slice(0, n)
    .map((e) => e.title);

describe('fuzzyScore', () => {
  it('matches characters in order, best for whole words and starts', () => {
    expect(fuzzyScore('web', 'web')).toBeGreaterThan(fuzzyScore('web', 'webhook-relay')!);
    expect(fuzzyScore('web', 'webhook-relay')).toBeGreaterThan(fuzzyScore('web', 'my-web')!); // at the start beats later
    expect(fuzzyScore('sdb', 'shop-db-1')).toBeGreaterThan(0);
    expect(fuzzyScore('bdw', 'shop-db-1')).toBeUndefined(); // out of order
    expect(fuzzyScore('', 'anything')).toBe(0);
  });
});

describe('paletteEntries', () => {
  it('with nothing typed: the pages and actions, in their order', () => {
    expect(titles('', 3)).toEqual(['Containers', 'Images', 'Volumes']);
  });

  it('jumps to anything by name: a container, image, volume, network or project', () => {
    expect(paletteEntries('web', sources)[0]).toMatchObject({ title: 'web', do: { kind: 'go', place: { view: 'containers', detail: 'c1' } } });
    expect(paletteEntries('nginx', sources)[0]).toMatchObject({ do: { kind: 'go', place: { view: 'images', detail: 'abcdef0123456789' } } });
    expect(paletteEntries('pg-data', sources)[0]).toMatchObject({ do: { kind: 'go', place: { view: 'volumes', detail: 'pg-data' } } });
    expect(paletteEntries('shop_def', sources)[0]).toMatchObject({ do: { kind: 'go', place: { view: 'networks', detail: 'n1' } } });
    expect(paletteEntries('shop', sources).map((e) => e.hint)).toContain('compose project · logs');
  });

  it('"stop web" stops web first; a verb on a project acts on all of it', () => {
    expect(paletteEntries('stop web', sources)[0]).toMatchObject({ title: 'Stop web', do: { kind: 'container', id: 'c1', action: 'stop' } });
    expect(paletteEntries('restart shop', sources).find((e) => e.do.kind === 'project')).toMatchObject({ title: 'Restart shop', do: { ids: ['c3', 'c4'], action: 'restart' } });
    expect(paletteEntries('resume web', sources)[0]).toMatchObject({ do: { action: 'unpause' } });
  });

  it('"pull <ref>" offers that pull, or says why it cannot', () => {
    expect(paletteEntries('pull nginx:1.27', sources)[0]).toMatchObject({ title: 'Pull nginx:1.27', do: { kind: 'pull', ref: 'nginx:1.27' } });
    expect(paletteEntries('pull a//b', sources)[0]).toMatchObject({ do: { kind: 'none' }, hint: expect.stringContaining('not an image reference') });
  });

  it('"prune dangling images" offers the clean-up', () => {
    expect(paletteEntries('prune dangling images', sources)[0]).toMatchObject({ do: { kind: 'cleanup', what: 'dangling-images' } });
  });

  it('takes hostile input without a throw, and caps what it offers', () => {
    for (const q of ['(((', '\\', '%E0%A4%A', '<script>', 'a'.repeat(10_000), '  stop   ', 'pull ', '__proto__']) expect(() => paletteEntries(q, sources)).not.toThrow();
    const many: PaletteSources = { ...sources, containers: Array.from({ length: 5000 }, (_, i) => c(`id${i}`, `svc-${i}`)) };
    expect(paletteEntries('svc', many)).toHaveLength(50);
    for (const verb of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(paletteEntries(`${verb} web`, sources).some((e) => e.do.kind === 'container')).toBe(false); // no action from Object's prototype
  });
});
