import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport } from '../api/fake-transport';
import './health';
import { useUi } from './ui';

const titles = () => useUi.getState().toasts.map((t) => `${t.kind}: ${t.title}`);

describe('health announcements', () => {
  const t = fakeTransport(() => ({ ok: true, value: null }));
  connectApi(t);
  beforeEach(() => useUi.setState({ toasts: [] }));

  it('announces turning unhealthy once, and the recovery after it; starting and healthy alone say nothing', () => {
    t.push('containers:health', { id: 'a', name: 'web', status: 'starting' });
    t.push('containers:health', { id: 'a', name: 'web', status: 'healthy' });
    expect(titles()).toEqual([]);
    t.push('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    t.push('containers:health', { id: 'a', name: 'web', status: 'unhealthy' });
    t.push('containers:health', { id: 'b', name: 'db', status: 'unhealthy' });
    expect(titles()).toEqual(['error: web is unhealthy', 'error: db is unhealthy']);
    t.push('containers:health', { id: 'a', name: 'web', status: 'healthy' });
    t.push('containers:health', { id: 'a', name: 'web', status: 'healthy' });
    expect(titles()).toEqual(['error: web is unhealthy', 'error: db is unhealthy', 'success: web is healthy again']);
    // A restart (starting) forgets it: the next unhealthy is announced again, with no recovery in between.
    t.push('containers:health', { id: 'b', name: 'db', status: 'starting' });
    t.push('containers:health', { id: 'b', name: 'db', status: 'unhealthy' });
    expect(titles().at(-1)).toBe('error: db is unhealthy');
    expect(titles()).toHaveLength(4);
  });
});
