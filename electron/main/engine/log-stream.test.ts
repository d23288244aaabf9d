import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../shared/models';
import { FrameDemuxer, LinePieces, LineSplitter, LogDecoder, MAX_LINE } from './log-stream';

const frame = (type: 1 | 2, text: string | Buffer) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};
const T1 = '2024-05-01T10:00:00.000000001Z';
const T2 = '2024-05-01T10:00:00.000000002Z';

/** What the engine sends for one line without newline: messages of 16 KiB, each with its own stamp. */
const partials = (text: string, times: string[]) =>
  Array.from({ length: Math.ceil(text.length / 16384) }, (_, i) => `${times[Math.min(i, times.length - 1)]} ${text.slice(i * 16384, (i + 1) * 16384)}`);

const texts = (pieces: { text: string }[]) => pieces.map((p) => p.text);

describe('frames', () => {
  it('demuxes frames split at any byte, keeping stdout and stderr apart and marking where each starts', () => {
    const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, ''), frame(1, 'out two\n')]);
    for (let cut = 0; cut <= all.length; cut++) {
      const d = new FrameDemuxer();
      const joined: [string, string][] = [];
      for (const f of [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))]) {
        if (f.start) joined.push([f.stream, '']);
        joined.at(-1)![1] += f.data.toString();
      }
      expect(joined, `cut at ${cut}`).toEqual([
        ['stdout', 'out one\n'],
        ['stderr', 'err one\n'],
        ['stdout', 'out two\n'],
      ]);
    }
  });
});

describe('line splitting', () => {
  it('splits lines across pushes, CRLF included, and multi-byte characters cut in half', () => {
    const s = new LinePieces();
    const euro = Buffer.from('€');
    expect(s.push(Buffer.from('a\r\nb'))).toEqual([{ text: 'a' }]);
    expect(s.push(Buffer.concat([Buffer.from('c '), euro.subarray(0, 1)]))).toEqual([]);
    expect(s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nrest')]))).toEqual([{ text: 'bc €' }, { text: '' }]);
    expect(s.flush()).toEqual([{ text: 'rest' }]);
    expect(s.flush()).toEqual([]);
  });

  it('hands a line longer than the cap on in marked pieces, every char kept, whatever the push sizes', () => {
    const line = 'x'.repeat(3 * MAX_LINE + 5);
    for (const step of [1000, MAX_LINE - 1, MAX_LINE, 5 * MAX_LINE]) {
      const s = new LinePieces();
      const out = [];
      for (let i = 0; i < line.length; i += step) out.push(...s.push(Buffer.from(line.slice(i, i + step))));
      out.push(...s.push(Buffer.from('\nnext\n')));
      expect(
        out.map((p) => [p.text.length, !!p.more]),
        `pushes of ${step}`,
      ).toEqual([
        [MAX_LINE, true],
        [MAX_LINE, true],
        [MAX_LINE, true],
        [5, false],
        [4, false],
      ]);
      expect(
        out
          .slice(0, 4)
          .map((p) => p.text)
          .join(''),
      ).toBe(line);
    }
  });

  it('never cuts a surrogate pair or a CRLF apart', () => {
    const s = new LinePieces({ max: 5 });
    const pieces = s.push(Buffer.from('ab😀😀😀cd\r\n'));
    expect(pieces.map((p) => p.text).join('')).toBe('ab😀😀😀cd');
    for (const p of pieces) expect(Buffer.from(p.text).toString(), 'no lone surrogate').toBe(p.text);
    const crlf = new LinePieces({ max: 4 });
    expect(texts([...crlf.push(Buffer.from('abc\r')), ...crlf.push(Buffer.from('\n'))])).toEqual(['abc']);
    const long = new LinePieces({ max: 4 });
    expect(long.push(Buffer.from('abcdef\r\n'))).toEqual([{ text: 'abcd', more: true }, { text: 'ef' }]);
  });

  it('keeps 24 MB without a newline linear and bounded: pieces come as the bytes do', () => {
    const s = new LinePieces();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let chars = 0;
    let pieces = 0;
    const reads = Math.ceil(24_000_000 / chunk.length);
    for (let i = 0; i < reads; i++) {
      for (const p of s.push(chunk)) {
        expect(p.more).toBe(true);
        chars += p.text.length;
        pieces++;
      }
    }
    for (const p of s.flush()) chars += p.text.length;
    expect(chars).toBe(reads * chunk.length);
    expect(pieces).toBeGreaterThan(360);
  });

  it('shows a line redrawn with \\r (a progress bar) as its latest state, in redraw mode only', () => {
    const run = (redraw: boolean, ...parts: string[]) => {
      const s = new LinePieces({ redraw });
      return texts([...parts.flatMap((p) => s.push(Buffer.from(p))), ...s.flush()]);
    };
    expect(run(true, ' 10%\r 20%\r 30%\ndone\r\n')).toEqual([' 30%', 'done']);
    expect(run(true, 'loading\r', 'ready\n', 'a\r', '\n')).toEqual(['ready', 'a']); // a \r then more text: redrawn; \r then \n: a CRLF
    expect(run(true, 'kept\r\r\n', '\r\rback\n', 'x\r\r', '\ry\n')).toEqual(['kept', 'back', 'y']);
    expect(run(true, '\x1b[2K\r[=====>    ] 50%\r\x1b[2K\r[==========] 100%\n')).toEqual(['\x1b[2K\r[==========] 100%'.slice(5)]);
    expect(run(false, 'a\rb\r\n')).toEqual(['a\rb']);
  });

  it('LineSplitter gives whole lines only and skips (and counts) a line over its cap', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('{"a":1}\n{"long":"0123456789'))).toEqual(['{"a":1}']);
    expect(s.push(Buffer.from('0123456789"}\n{"b":2}\n'))).toEqual(['{"b":2}']);
    expect(s.skipped).toBe(1);
    expect(s.flush()).toEqual([]);
  });
});

describe('log decoding', () => {
  it('decodes a multiplexed stream to lines, stamped and marked per stream', () => {
    const d = new LogDecoder(false);
    expect(d.push(Buffer.concat([frame(1, `${T1} one\n`), frame(2, `${T2} two\n`)]))).toEqual([
      { time: T1, text: 'one' },
      { time: T2, text: 'two', err: true },
    ]);
    expect(d.push(frame(1, 'no stamp\n'))).toEqual([{ text: 'no stamp' }]);
  });

  it('a TTY stream is stdout, CRLF lines, the unterminated rest at the end', () => {
    const t = new LogDecoder(true);
    expect(t.push(Buffer.from(`${T1} \x1b[31mred\x1b[0m\r\n${T2} part`))).toEqual([{ time: T1, text: '\x1b[31mred\x1b[0m' }]);
    expect(t.flush()).toEqual([{ time: T2, text: 'part' }]);
  });

  it('takes the stamps of the 16 KiB messages out of a long line, framed or raw, split at any read', () => {
    const line = Array.from({ length: 50_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    for (const tty of [false, true]) {
      const eol = tty ? '\r\n' : '\n';
      const messages = [...partials(line + eol, [T1, T2]), ...partials(`after${eol}`, [T2])];
      const bytes = tty ? Buffer.from(messages.join('')) : Buffer.concat(messages.map((m) => frame(1, m)));
      for (const read of [7, 1000, 16_415, bytes.length]) {
        const d = new LogDecoder(tty);
        const lines: LogLine[] = [];
        for (let i = 0; i < bytes.length; i += read) lines.push(...d.push(bytes.subarray(i, i + read)));
        lines.push(...d.flush());
        expect(lines, `tty ${tty}, reads of ${read}`).toEqual([
          { time: T1, text: line },
          { time: T2, text: 'after' },
        ]);
      }
    }
  });

  it('a line over the cap comes in pieces, each stamped with the message it starts in', () => {
    const line = 'y'.repeat(MAX_LINE + 100);
    const d = new LogDecoder(false);
    const lines = d.push(Buffer.concat(partials(`${line}\n`, [T1, T1, T1, T1, T2]).map((m) => frame(2, m))));
    expect(lines.map((l) => [l.text.length, l.time, l.more, l.err])).toEqual([
      [MAX_LINE, T1, true, true],
      [100, T2, undefined, true],
    ]);
  });
});
