import { describe, expect, it } from 'vitest';
import { pageToken } from './ws-transport';

function page() {
  const kept = new Map<string, string>();
  const store = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
  const addresses: string[] = [];
  const hist = { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void addresses.push(String(url)) };
  return { store, hist, addresses, kept };
}

describe('the page token (browser mode, no cookie)', () => {
  it('takes the token from the printed URL, keeps it for this tab and cleans the address bar', () => {
    const p = page();
    expect(pageToken({ href: 'http://127.0.0.1:4000/?token=abc-123&view=images#x' }, p.store, p.hist)).toBe('abc-123');
    expect(p.addresses).toEqual(['/?view=images#x']);
    expect([...p.kept.values()]).toEqual(['abc-123']);
    // a reload of the clean address
    expect(pageToken({ href: 'http://127.0.0.1:4000/?view=images#x' }, p.store, p.hist)).toBe('abc-123');
    expect(p.addresses).toHaveLength(1);
  });

  it('has none in a tab that was never given it', () => {
    const p = page();
    expect(pageToken({ href: 'http://127.0.0.1:4000/' }, p.store, p.hist)).toBeUndefined();
    expect(p.addresses).toEqual([]);
  });
});
