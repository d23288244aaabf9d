import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANNOUNCE_GAP_MS } from '../../electron/shared/health';
import { connectApi } from '../api';
import { fakeTransport } from '../api/fake-transport';
import './health';
import { useUi } from './ui';

const titles = () => useUi.getState().toasts.map((t) => `${t.kind}: ${t.title}`);

describe('health announcements in toasts', () => {
  const t = fakeTransport(() => ({ ok: true, value: null }));
  connectApi(t);
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    useUi.setState({ toasts: [] });
  });
  afterEach(() => vi.useRealTimers());

  it('an unhealthy container is an error toast, its recovery a success toast (electron/shared/health.ts says which)', () => {
    t.push('containers:health', { id: 'a', name: 'web', status: 'starting' });
    t.push('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    t.push('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    t.push('containers:health', { id: 'b', name: 'db', status: 'unhealthy' });
    expect(titles()).toEqual(['error: web is unhealthy', 'error: db is unhealthy']);
    vi.setSystemTime(Date.now() + ANNOUNCE_GAP_MS);
    t.push('containers:health', { id: 'a', name: 'web', status: 'healthy' });
    expect(titles().at(-1)).toBe('success: web is healthy again');
  });
});
