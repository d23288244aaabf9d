import { describe, expect, it } from 'vitest';
import { sourceColour } from './log-sources';

describe('service colours', () => {
  it('are distinct for up to 12 services and the same for the same set', () => {
    const names = Array.from({ length: 12 }, (_, i) => `svc${String(i).padStart(2, '0')}`);
    expect(new Set(names.map((n) => sourceColour(names, n))).size).toBe(12);
    expect(sourceColour(['db', 'web'], 'web')).toBe(sourceColour(['db', 'web'], 'web'));
    expect(sourceColour(['db', 'web'], 'web')).not.toBe(sourceColour(['db', 'web'], 'db'));
  });
});
