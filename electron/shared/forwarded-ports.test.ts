import { describe, expect, it } from 'vitest';
import { forwardsInWords, forwardsReach } from './forwarded-ports';

describe('forwarded ports in words', () => {
  it('names each with its address, UDP ones marked, and says who reaches them', () => {
    const local = [
      { protocol: 'tcp', port: 8080, address: '127.0.0.1' },
      { protocol: 'udp', port: 5353, address: '127.0.0.1' },
    ] as const;
    expect(forwardsInWords([...local])).toBe('127.0.0.1:8080, 127.0.0.1:5353/udp');
    expect(forwardsReach([...local])).toMatch(/^Only this computer reaches them/);
    expect(forwardsReach([...local, { protocol: 'tcp', port: 80, address: '0.0.0.0' }])).toMatch(/from your network/);
  });
});
