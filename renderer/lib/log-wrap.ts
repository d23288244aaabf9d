/**
 * Wrapped log lines, still virtualised: a line takes as many rows as its characters need at the
 * view's width (the font is monospace), so the rows before any line are a running sum and only the
 * lines in view are drawn. Wide characters (CJK, emoji) count two columns and a tab eight, so a
 * line is never given fewer rows than it takes (at worst a row too many).
 */
import { stripAnsi } from './ansi';

const TAB = 8;

/** The columns `text` takes on screen, colour codes left out. */
export function visualLength(text: string): number {
  const plain = text.includes('\x1b') ? stripAnsi(text) : text;
  let n = 0;
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    if (c < 0x1100) n += c === 9 ? TAB : 1;
    else if (c >= 0xdc00 && c < 0xe000) continue; // the second half of a pair: counted with the first
    else n += 2;
  }
  return n;
}

/** Rows a line of `length` columns takes at `cols` columns a row (an empty line takes one). */
export const rowsFor = (length: number, cols: number) => Math.max(1, Math.ceil(length / Math.max(1, cols)));

/** offsets[i] = the rows before line i; offsets[n] = all rows. */
export function wrapOffsets(n: number, lengthAt: (i: number) => number, cols: number): Float64Array {
  const offsets = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + rowsFor(lengthAt(i), cols);
  return offsets;
}

/** The line at `row` (the last line starting at or before it). */
export function lineAtRow(offsets: Float64Array, row: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
