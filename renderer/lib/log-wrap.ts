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
    else if (c >= 0xdc00 && c < 0xe000)
      continue; // the second half of a pair: counted with the first
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

/** The last of `n` lines whose first row (`rowOf`) is at or before `row`. */
function searchRow(n: number, rowOf: (i: number) => number, row: number): number {
  let lo = 0;
  let hi = n - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rowOf(mid) <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The line at `row` (the last line starting at or before it). */
export const lineAtRow = (offsets: Float64Array, row: number): number => searchRow(offsets.length - 1, (i) => offsets[i]!, row);

/**
 * The wrapped rows of a log that grows at its end and drops lines at its start (the store's ring),
 * kept up to date in the time of the new lines only: each line's first row is counted once, from
 * the log's beginning, and rows are told from the first line still held. `key` names a layout (the
 * columns a row has, which lines are shown): another key counts every line anew.
 */
export class WrapLayout<T extends object> {
  private start = new WeakMap<T, number>();
  private key?: string;
  private end = 0; // the row after the newest line counted
  private newest?: T;
  private base = 0; // the first row of line 0
  private n = 0;
  private lineAt: (i: number) => T | undefined = () => undefined;
  private whole?: Float64Array; // a log with holes (no line at an index) is laid out in full

  update(key: string, n: number, lineAt: (i: number) => T | undefined, rows: (line: T) => number): this {
    this.n = n;
    this.lineAt = lineAt;
    this.whole = undefined;
    if (key !== this.key) {
      this.key = key;
      this.start = new WeakMap();
      this.newest = undefined;
    }
    let i = n; // back over the lines not counted yet: the newest ones
    for (; i > 0; i--) {
      const line = lineAt(i - 1);
      if (!line) return this.inFull(n, lineAt, rows);
      if (this.start.has(line)) break;
    }
    const known = i > 0 ? lineAt(i - 1)! : undefined;
    if (known !== this.newest) this.end = known ? this.start.get(known)! + rows(known) : 0; // newer ones were taken back
    for (; i < n; i++) {
      const line = lineAt(i)!;
      this.start.set(line, this.end);
      this.end += rows(line);
    }
    this.newest = n ? lineAt(n - 1) : undefined;
    this.base = n ? this.start.get(lineAt(0)!)! : 0;
    return this;
  }

  private inFull(n: number, lineAt: (i: number) => T | undefined, rows: (line: T) => number): this {
    this.whole = wrapOffsets(
      n,
      (i) => {
        const line = lineAt(i);
        return line ? rows(line) : 1;
      },
      1,
    );
    return this;
  }

  /** The rows before line `i`; rowOf(n) is all rows. */
  rowOf(i: number): number {
    if (this.whole) return this.whole[Math.min(i, this.n)]!;
    if (i >= this.n) return this.end - this.base;
    return this.start.get(this.lineAt(i)!)! - this.base;
  }

  /** The line at `row` (the last line starting at or before it). */
  lineAtRow(row: number): number {
    return searchRow(this.n, (i) => this.rowOf(i), row);
  }
}
