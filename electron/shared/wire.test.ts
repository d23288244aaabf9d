import { describe, expect, it } from 'vitest';
import { UPLOAD_PIECE } from './transfer';
import { FRAME_HEADER_BYTES, fromBinaryFrame, MAX_MESSAGE_ID, MAX_REQUEST_BYTES, toBinaryFrame, type ClientMessage } from './wire';

describe('binary frames', () => {
  it('carry chunk and input bytes with their stream id, and nothing else', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    for (const [t, id] of [
      ['chunk', 1],
      ['input', MAX_MESSAGE_ID],
      ['chunk', 0],
    ] as const) {
      const frame = toBinaryFrame({ t, id, data: bytes })!;
      expect(frame.length).toBe(FRAME_HEADER_BYTES + bytes.length);
      expect(fromBinaryFrame(frame)).toEqual({ t, id, data: bytes });
    }
    // a frame inside a bigger buffer (as Node hands them over) reads the same
    const inner = toBinaryFrame({ t: 'input', id: 7, data: bytes })!;
    const outer = new Uint8Array(inner.length + 20);
    outer.set(inner, 10);
    expect(fromBinaryFrame(outer.subarray(10, 10 + inner.length))).toEqual({ t: 'input', id: 7, data: bytes });
  });

  it('leave everything that is not bytes to JSON', () => {
    expect(toBinaryFrame({ t: 'chunk', id: 1, data: 'text' })).toBeUndefined();
    expect(toBinaryFrame({ t: 'input', id: 1, data: { data: 'ls' } })).toBeUndefined();
    expect(toBinaryFrame({ t: 'req', id: 1, method: 'x' })).toBeUndefined();
    expect(toBinaryFrame({ t: 'chunk', id: -1, data: new Uint8Array(1) })).toBeUndefined();
    expect(toBinaryFrame({ t: 'chunk', id: MAX_MESSAGE_ID + 1, data: new Uint8Array(1) })).toBeUndefined();
  });

  it('refuse junk: too short, unknown kinds', () => {
    expect(fromBinaryFrame(new Uint8Array(4))).toBeUndefined();
    expect(fromBinaryFrame(Uint8Array.of(0, 0, 0, 0, 1))).toBeUndefined();
    expect(fromBinaryFrame(Uint8Array.of(9, 0, 0, 0, 1, 2))).toBeUndefined();
    expect(fromBinaryFrame(Uint8Array.of(2, 0, 0, 0, 1))).toEqual({ t: 'input', id: 1, data: new Uint8Array(0) });
  });
});

describe('MAX_REQUEST_BYTES', () => {
  it('fits the biggest messages a client sends: an upload piece, a 64 Ki-character paste in the worst escaping', () => {
    expect(toBinaryFrame({ t: 'input', id: MAX_MESSAGE_ID, data: new Uint8Array(UPLOAD_PIECE) })!.length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const paste: ClientMessage = { t: 'input', id: MAX_MESSAGE_ID, data: { data: '\u0001'.repeat(65536) } };
    expect(new TextEncoder().encode(JSON.stringify(paste)).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
  });
});
