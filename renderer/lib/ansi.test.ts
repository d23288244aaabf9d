import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi';

describe('ANSI colours', () => {
  it('leaves plain text alone', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello' }]);
  });

  it('applies and resets basic, bright and background colours', () => {
    expect(parseAnsi('a\x1b[31mred\x1b[1;94mbold\x1b[0m plain \x1b[42mbg\x1b[49m x')).toEqual([
      { text: 'a' },
      { text: 'red', fg: 'var(--ansi-1)' },
      { text: 'bold', fg: 'var(--ansi-12)', bold: true },
      { text: ' plain ' },
      { text: 'bg', bg: 'var(--ansi-2)' },
      { text: ' x' },
    ]);
  });

  it('understands 256-colour and truecolor, and an empty reset', () => {
    expect(parseAnsi('\x1b[38;5;196mr\x1b[m\x1b[48;2;1;2;3mt')).toEqual([
      { text: 'r', fg: 'rgb(255,0,0)' },
      { text: 't', bg: 'rgb(1,2,3)' },
    ]);
    expect(parseAnsi('\x1b[38;5;244mg')).toEqual([{ text: 'g', fg: 'rgb(128,128,128)' }]);
  });

  it('drops cursor and title sequences, and strips everything for search', () => {
    expect(parseAnsi('\x1b[2K\x1b]0;title\x07done')).toEqual([{ text: 'done' }]);
    expect(stripAnsi('\x1b[1;32mOK\x1b[0m 3 tests')).toBe('OK 3 tests');
  });
});
