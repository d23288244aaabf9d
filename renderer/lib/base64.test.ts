import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './base64';

describe('base64', () => {
  it('round-trips every byte value and agrees with Node, across the chunking boundary', () => {
    for (const n of [0, 1, 2, 3, 255, 256, 0x8000, 0x8000 * 2 + 7]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256);
      const b64 = toBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(b64)).toEqual(bytes);
    }
  });
});
