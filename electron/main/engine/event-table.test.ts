import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeCoalescer, kindsForEvent } from './event-table';

describe('event table', () => {
  it.each([
    [{ Type: 'container', Action: 'start' }, ['containers']],
    [{ Type: 'container', Action: 'create' }, ['containers', 'images', 'volumes', 'networks']],
    [{ Type: 'container', Action: 'destroy' }, ['containers', 'images', 'volumes', 'networks']],
    [{ Type: 'container', Action: 'exec_create: sh' }, []],
    [{ Type: 'container', Action: 'health_status: healthy' }, []],
    [{ Type: 'container', Action: 'resize' }, []],
    [{ Type: 'image', Action: 'tag' }, ['images']],
    [{ Type: 'volume', Action: 'mount' }, ['volumes']],
    [{ Type: 'network', Action: 'connect' }, ['networks', 'containers']],
    [{ Type: 'plugin', Action: 'enable' }, []],
    [{}, []],
  ])('%o -> %o', (ev, kinds) => {
    expect(kindsForEvent(ev)).toEqual(kinds);
  });
});

describe('ChangeCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flushes a burst once per kind, with every id, after the delay', () => {
    const flush = vi.fn();
    const c = new ChangeCoalescer(flush, 100);
    for (let i = 0; i < 50; i++) c.add('containers', `c${i}`);
    c.add('volumes', 'v');
    c.add('containers', 'c0');
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(flush).toHaveBeenCalledTimes(2);
    expect(flush).toHaveBeenCalledWith('containers', Array.from({ length: 50 }, (_, i) => `c${i}`));
    expect(flush).toHaveBeenCalledWith('volumes', ['v']);
  });

  it('starts a new window after a flush, and dispose drops what is pending', () => {
    const flush = vi.fn();
    const c = new ChangeCoalescer(flush, 100);
    c.add('images', 'a');
    vi.advanceTimersByTime(100);
    c.add('images', 'b');
    vi.advanceTimersByTime(100);
    expect(flush.mock.calls).toEqual([['images', ['a']], ['images', ['b']]]);
    c.add('images', 'c');
    c.dispose();
    vi.advanceTimersByTime(1000);
    expect(flush).toHaveBeenCalledTimes(2);
  });
});
