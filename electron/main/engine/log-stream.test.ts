import { describe, expect, it } from 'vitest';
import { FrameDemuxer, LineSplitter, LogDecoder, toLogLine } from './log-stream';

const frame = (type: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('log stream decoding', () => {
  it('demuxes frames split at any byte, keeping stdout and stderr apart', () => {
    const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, 'out two\n')]);
    for (let cut = 0; cut <= all.length; cut++) {
      const d = new FrameDemuxer();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(frames.map((f) => [f.stream, f.data.toString()]), `cut at ${cut}`).toEqual([
        ['stdout', 'out one\n'],
        ['stderr', 'err one\n'],
        ['stdout', 'out two\n'],
      ]);
    }
  });

  it('splits lines across pushes, CRLF included, and multi-byte characters cut in half', () => {
    const s = new LineSplitter();
    const euro = Buffer.from('€');
    expect(s.push(Buffer.from('a\r\nb'))).toEqual(['a']);
    expect(s.push(Buffer.concat([Buffer.from('c '), euro.subarray(0, 1)]))).toEqual([]);
    expect(s.push(Buffer.concat([euro.subarray(1), Buffer.from('\nrest')]))).toEqual(['bc €']);
    expect(s.flush()).toEqual(['rest']);
    expect(s.flush()).toEqual([]);
  });

  it('splits off the engine timestamp and marks stderr', () => {
    expect(toLogLine('2024-05-01T10:00:00.123456789Z hello world', 'stderr')).toEqual({ time: '2024-05-01T10:00:00.123456789Z', text: 'hello world', err: true });
    expect(toLogLine('no stamp', 'stdout')).toEqual({ text: 'no stamp' });
  });

  it('decodes a multiplexed stream to lines, and a TTY stream as stdout', () => {
    const d = new LogDecoder(false);
    expect(d.push(Buffer.concat([frame(1, '2024-01-01T00:00:00Z one\n'), frame(2, '2024-01-01T00:00:01Z two\n')]))).toEqual([
      { time: '2024-01-01T00:00:00Z', text: 'one' },
      { time: '2024-01-01T00:00:01Z', text: 'two', err: true },
    ]);
    const t = new LogDecoder(true);
    expect(t.push(Buffer.from('2024-01-01T00:00:00Z \x1b[31mred\x1b[0m\r\npart'))).toEqual([{ time: '2024-01-01T00:00:00Z', text: '\x1b[31mred\x1b[0m' }]);
    expect(t.flush()).toEqual([{ text: 'part' }]);
  });
});
