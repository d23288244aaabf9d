import { describe, expect, it } from 'vitest';
import { tlsWords } from './engine-tls';

describe('TLS in words', () => {
  it('says what is checked and the client certificate', () => {
    expect(tlsWords({ verify: true, dir: '/c', ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' })).toBe('TLS, verified against /c/ca.pem, client certificate /c/cert.pem');
    expect(tlsWords({ verify: true, dir: '/c' })).toBe('TLS, verified against the system’s CAs');
    expect(tlsWords({ verify: false, dir: '/c' })).toBe('TLS without verification');
  });
});
