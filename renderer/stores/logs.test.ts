import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChunkMessage, EndMessage } from '../../electron/shared/wire';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import {
  clearLogView,
  closeLogs,
  LOG_CAPACITY,
  logLine,
  logsAsText,
  openLogs,
  openProjectLogs,
  setLogQuery,
  setLogRange,
  setLogRegex,
  setOnlyMatching,
  setTimestamps,
  shownLine,
  stepMatch,
  useLogs,
} from './logs';

let t: FakeTransport;
const streamId = () => (t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number }).id;
const send = (m: Omit<ChunkMessage, 'id'> | Omit<EndMessage, 'id'>) => t.deliver({ ...m, id: streamId() });

beforeEach(() => {
  vi.useFakeTimers();
  t = fakeTransport(() => undefined);
  connectApi(t);
  setLogQuery('', false);
  setOnlyMatching(false);
});

describe('logs store: regex, only matching, a time range', () => {
  it('a regular expression finds its lines; a bad or costly one says why and finds none', () => {
    openLogs('re');
    send({ t: 'chunk', data: [{ text: 'GET /a 200 12ms' }, { text: 'GET /b 500 3ms' }, { text: 'POST /c 503 40ms' }, { text: 'note: 5xx above' }] });
    vi.advanceTimersByTime(50);
    setLogQuery(' 5\\d\\d ');
    expect(useLogs.getState().matches).toEqual([]); // not a regex yet: the text itself
    setLogRegex(true);
    expect(useLogs.getState()).toMatchObject({ regex: true, matches: [1, 2], queryError: undefined });
    setLogQuery('(\\d+)+ms');
    expect(useLogs.getState()).toMatchObject({ matches: [], queryError: expect.stringMatching(/repeats a group/) });
    setLogQuery('[unclosed');
    expect(useLogs.getState().queryError).toMatch(/^Not a regular expression/);
    setLogQuery('ms$');
    expect(useLogs.getState()).toMatchObject({ matches: [0, 1, 2], queryError: undefined });
  });

  it('only matching: the view shows the matching lines, new ones as they come', () => {
    openLogs('only');
    send({ t: 'chunk', data: [{ text: 'a error' }, { text: 'b' }, { text: 'c error' }] });
    vi.advanceTimersByTime(50);
    setLogQuery('error');
    setOnlyMatching(true);
    expect([shownLine(0)?.text, shownLine(1)?.text, shownLine(2)]).toEqual(['a error', 'c error', undefined]);
    send({ t: 'chunk', data: [{ text: 'd' }, { text: 'e error' }] });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState().matches).toHaveLength(3);
    expect(shownLine(2)?.text).toBe('e error');
    setOnlyMatching(false);
    expect(shownLine(1)?.text).toBe('b');
  });

  it('a time range reads the lines again, from and until; until set, it does not follow', () => {
    openLogs('range');
    setLogRange(1_700_000_000, 1_700_003_600);
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'stream', name: 'containers.logs', args: { id: 'range', follow: false, since: 1_700_000_000, until: 1_700_003_600 } });
    setLogRange(1_700_000_000, undefined);
    expect(t.streamMessages.at(-1)).toMatchObject({ args: { follow: true, since: 1_700_000_000 } });
    expect((t.streamMessages.at(-1) as { args: object }).args).not.toHaveProperty('until');
    openLogs('another'); // another container: no range
    expect((t.streamMessages.at(-1) as { args: object }).args).not.toHaveProperty('since');
  });
});

describe('logs store', () => {
  it('streams lines in, publishing a batch at a time', () => {
    openLogs('web');
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'stream', name: 'containers.logs', args: { id: 'web', follow: true, tail: 10_000 } });
    const v = useLogs.getState().version;
    for (let i = 0; i < 100; i++) send({ t: 'chunk', data: [{ text: `line ${i}` }] });
    expect(useLogs.getState().version).toBe(v); // not yet: batched
    vi.advanceTimersByTime(50);
    expect(useLogs.getState()).toMatchObject({ version: v + 1, length: 100, status: 'streaming' });
    expect(logLine(99)).toEqual({ text: 'line 99' });
    send({ t: 'end' });
    expect(useLogs.getState().status).toBe('ended');
  });

  it('stays within LOG_CAPACITY lines and counts the dropped ones', () => {
    openLogs('big');
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ text: String(i) }));
    for (let i = 0; i < 25; i++) send({ t: 'chunk', data: batch });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState()).toMatchObject({ length: LOG_CAPACITY, dropped: 250_000 - LOG_CAPACITY });
  });

  it('finds matches ignoring case and colours, and steps through them with wrap-around', () => {
    openLogs('web');
    send({ t: 'chunk', data: [{ text: 'ok' }, { text: '\x1b[31mERROR\x1b[0m one' }, { text: 'fine' }, { text: 'error two' }] });
    vi.advanceTimersByTime(50);
    setLogQuery('error');
    expect(useLogs.getState()).toMatchObject({ matches: [1, 3], current: 1, follow: false });
    stepMatch(1);
    expect(useLogs.getState().current).toBe(0);
    stepMatch(-1);
    expect(useLogs.getState().current).toBe(1);
    send({ t: 'chunk', data: [{ text: 'another error' }] });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState().matches).toEqual([1, 3, 4]);
  });

  it('keeps match positions right as old lines drop out of the buffer', () => {
    openLogs('big');
    const batch = (from: number) => Array.from({ length: 10_000 }, (_, i) => ({ text: String(from + i) }));
    for (let b = 0; b < 25; b++) send({ t: 'chunk', data: batch(b * 10_000) }); // 250,000 lines, 50,000 dropped
    vi.advanceTimersByTime(50);
    setLogQuery('249999');
    expect(useLogs.getState().matches).toEqual([LOG_CAPACITY - 1]);
    expect(logLine(LOG_CAPACITY - 1)?.text).toBe('249999');
    send({ t: 'chunk', data: [...batch(900_000), { text: 'x249999x' }] }); // 10,001 more: the match moves up
    vi.advanceTimersByTime(50);
    const { matches } = useLogs.getState();
    expect(matches).toEqual([LOG_CAPACITY - 10_002, LOG_CAPACITY - 1]);
    expect(matches.map((i) => logLine(i)?.text)).toEqual(['249999', 'x249999x']);
    for (let b = 0; b < 19; b++) send({ t: 'chunk', data: batch(1_000_000 + b * 10_000) }); // 190,000 more: the first match drops out, the second stays
    vi.advanceTimersByTime(50);
    expect(useLogs.getState().matches.map((i) => logLine(i)?.text)).toEqual(['x249999x']);
    setLogQuery('');
  });

  it('copies plain text with or without timestamps, and clears the view only', () => {
    openLogs('web');
    send({
      t: 'chunk',
      data: [
        { text: '\x1b[1mhi\x1b[0m', time: '2024-01-01T00:00:00Z' },
        { text: 'oops', err: true },
      ],
    });
    vi.advanceTimersByTime(50);
    expect(logsAsText()).toBe('hi\noops');
    setTimestamps(true);
    expect(logsAsText()).toBe('2024-01-01T00:00:00Z hi\noops');
    clearLogView();
    expect(useLogs.getState().length).toBe(0);
    expect(t.streamMessages.filter((m) => m.t === 'cancel')).toEqual([]);
    setTimestamps(false);
  });

  it('copies the pieces of a line over 64 KiB as one line again', () => {
    openLogs('long');
    const time = '2024-01-01T00:00:00Z';
    send({
      t: 'chunk',
      data: [
        { text: 'a'.repeat(5), time, more: true },
        { text: 'b'.repeat(3), time, more: true },
        { text: 'c', time },
        { text: 'next', time },
      ],
    });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState().length).toBe(4);
    expect(logsAsText()).toBe('aaaaabbbc\nnext');
    setTimestamps(true);
    expect(logsAsText()).toBe(`${time} aaaaabbbc\n${time} next`);
    setTimestamps(false);
  });

  it('opening another container starts fresh: following, no search', () => {
    openLogs('a');
    setLogQuery('x');
    expect(useLogs.getState()).toMatchObject({ follow: false, query: 'x' });
    openLogs('a'); // same container again (e.g. another tail): kept
    expect(useLogs.getState()).toMatchObject({ follow: false, query: 'x' });
    openLogs('b');
    expect(useLogs.getState()).toMatchObject({ follow: true, query: '' });
  });

  it('a stream error is shown; closing cancels the stream', () => {
    openLogs('gone');
    send({ t: 'end', error: { code: 'NOT_FOUND', message: 'No such container: gone' } });
    expect(useLogs.getState()).toMatchObject({ status: 'error', error: 'No such container: gone' });
    openLogs('web');
    const id = streamId();
    closeLogs();
    expect(t.streamMessages.at(-1)).toEqual({ t: 'cancel', id });
  });
});

describe('logs store: a compose project merged', () => {
  it('opens compose.logs, notes the services in the order seen, copies with their names, and keeps the range on a new tail', () => {
    openProjectLogs('shop');
    const start = t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { name: string; args: Record<string, unknown> };
    expect(start).toMatchObject({ name: 'compose.logs', args: { project: 'shop', follow: true } });
    send({
      t: 'chunk',
      data: [
        { text: 'up', source: 'web' },
        { text: 'ready', source: 'db' },
        { text: 'again', source: 'web' },
      ],
    });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState()).toMatchObject({ target: { project: 'shop' }, sources: ['web', 'db'], length: 3 });
    expect(logsAsText()).toBe('web | up\ndb | ready\nweb | again');
    send({ t: 'chunk', data: [{ text: 'joined', source: 'api' }] });
    vi.advanceTimersByTime(50);
    expect(useLogs.getState().sources).toEqual(['web', 'db', 'api']); // a later one goes last: web and db keep their colours
    setLogRange(100, 200);
    expect(t.streamMessages.filter((m) => m.t === 'stream').at(-1)).toMatchObject({ name: 'compose.logs', args: { project: 'shop', since: 100, until: 200, follow: false } });
    expect(useLogs.getState().sources).toEqual([]); // read again: the services come with the lines
    openLogs('c1'); // a container's log after it: a fresh view
    expect(useLogs.getState()).toMatchObject({ target: { container: 'c1' }, since: undefined, until: undefined });
    closeLogs();
  });
});
