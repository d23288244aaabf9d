import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeCoalescer, healthChange, kindsForEvent } from './event-table';

describe('event table', () => {
  it.each([
    [{ Type: 'container', Action: 'start' }, ['containers']],
    [{ Type: 'container', Action: 'create' }, ['containers', 'images', 'volumes', 'networks']],
    [{ Type: 'container', Action: 'destroy' }, ['containers', 'images', 'volumes', 'networks']],
    [{ Type: 'container', Action: 'exec_create: sh' }, []],
    [{ Type: 'container', Action: 'health_status: healthy' }, ['containers']],
    [{ Type: 'container', Action: 'health_status' }, ['containers']],
    [{ Type: 'container', Action: 'resize' }, []],
    [{ Type: 'image', Action: 'tag' }, ['images']],
    [{ Type: 'volume', Action: 'mount' }, ['volumes']],
    [{ Type: 'network', Action: 'connect' }, ['networks', 'containers']],
    [{ Type: 'node', Action: 'update' }, ['swarm']],
    [{ Type: 'service', Action: 'create' }, ['swarm']],
    [{ Type: 'secret', Action: 'remove' }, ['swarm']],
    [{ Type: 'plugin', Action: 'enable' }, []],
    [{}, []],
    // Hostile names find nothing of Object's prototype; odd types are no event.
    [{ Type: 'constructor', Action: 'start' }, []],
    [{ Type: '__proto__', Action: 'x' }, []],
    [{ Type: 'container', Action: 'constructor' }, ['containers']],
    [{ Type: 'container', Action: 'toString' }, ['containers']],
    [{ Type: 42, Action: ['start'] }, []],
    [{ Type: 'container', Action: 42 }, ['containers']],
  ])('%o -> %o', (ev, kinds) => {
    expect(kindsForEvent(ev as never)).toEqual(kinds);
  });
});

describe('health changes', () => {
  const actor = { ID: 'c1d2e3f4a5b6c7', Attributes: { name: 'web', image: 'nginx' } };
  it.each([
    [
      { Type: 'container', Action: 'health_status: unhealthy', Actor: actor },
      { id: actor.ID, name: 'web', status: 'unhealthy' },
    ],
    [
      { Type: 'container', Action: 'health_status: healthy', Actor: actor },
      { id: actor.ID, name: 'web', status: 'healthy' },
    ],
    [
      { Type: 'container', Action: 'health_status: starting', Actor: { ID: 'c1d2e3f4a5b6c7d8' } },
      { id: 'c1d2e3f4a5b6c7d8', name: 'c1d2e3f4a5b6', status: 'starting' },
    ],
    // Podman: the state is an attribute.
    [
      { Type: 'container', Action: 'health_status', Actor: { ID: 'p1', Attributes: { name: 'db', health_status: 'unhealthy' } } },
      { id: 'p1', name: 'db', status: 'unhealthy' },
    ],
    // Not a health change, or one that cannot be read.
    [{ Type: 'container', Action: 'start', Actor: actor }, undefined],
    [{ Type: 'image', Action: 'health_status: healthy', Actor: actor }, undefined],
    [{ Type: 'container', Action: 'health_status: sickly', Actor: actor }, undefined],
    [{ Type: 'container', Action: 'health_status: constructor', Actor: actor }, undefined],
    [{ Type: 'container', Action: 'health_status', Actor: { ID: 'p1', Attributes: { health_status: 42 } } }, undefined],
    [{ Type: 'container', Action: 'health_status: healthy' }, undefined],
    [{ Type: 'container', Action: 'health_status: healthy', Actor: { ID: 7 } }, undefined],
    [
      { Type: 'container', Action: 'health_status: healthy', Actor: { ID: 'x', Attributes: 'no' } },
      { id: 'x', name: 'x', status: 'healthy' },
    ],
  ])('%o -> %o', (ev, change) => {
    expect(healthChange(ev as never)).toEqual(change);
  });
});

describe('ChangeCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pushes a lone change at once, then settles it once a window later', () => {
    const flush = vi.fn();
    new ChangeCoalescer(flush, 100).add('volumes', 'v');
    expect(flush.mock.calls).toEqual([['volumes', ['v']]]);
    vi.advanceTimersByTime(100);
    expect(flush.mock.calls).toEqual([
      ['volumes', ['v']],
      ['volumes', []],
    ]);
    vi.advanceTimersByTime(1000);
    expect(flush).toHaveBeenCalledTimes(2); // and then nothing: no timer left running
  });

  it('collects a burst inside the window into one push per kind, with every id', () => {
    const flush = vi.fn();
    const c = new ChangeCoalescer(flush, 100);
    for (let i = 0; i < 50; i++) c.add('containers', `c${i}`);
    c.add('volumes', 'v');
    c.add('containers', 'c1');
    expect(flush.mock.calls).toEqual([['containers', ['c0']]]);
    vi.advanceTimersByTime(99);
    expect(flush).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(flush.mock.calls.slice(1)).toEqual([
      ['containers', Array.from({ length: 49 }, (_, i) => `c${i + 1}`)],
      ['volumes', ['v']],
    ]);
    vi.advanceTimersByTime(100); // quiet: one settling push per kind
    expect(flush.mock.calls.slice(3)).toEqual([
      ['containers', []],
      ['volumes', []],
    ]);
    vi.advanceTimersByTime(1000);
    expect(flush).toHaveBeenCalledTimes(5);
  });

  it('keeps the window open while changes keep coming, and a later lone change is at once again', () => {
    const flush = vi.fn();
    const c = new ChangeCoalescer(flush, 100);
    c.add('images', 'a'); // at once
    c.add('images', 'b');
    vi.advanceTimersByTime(100); // b
    c.add('images', 'c');
    vi.advanceTimersByTime(100); // c
    vi.advanceTimersByTime(100); // quiet: settle
    c.add('images', 'd'); // at once
    expect(flush.mock.calls).toEqual([
      ['images', ['a']],
      ['images', ['b']],
      ['images', ['c']],
      ['images', []],
      ['images', ['d']],
    ]);
  });

  it('dispose drops what is pending and stops the timer', () => {
    const flush = vi.fn();
    const c = new ChangeCoalescer(flush, 100);
    c.add('images', 'a');
    c.add('images', 'b');
    c.dispose();
    vi.advanceTimersByTime(1000);
    expect(flush).toHaveBeenCalledTimes(1);
  });
});
