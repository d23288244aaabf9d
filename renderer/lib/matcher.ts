/**
 * A search in a log or a JSON view: a case-insensitive substring, or a regular expression. A
 * pattern that nests repeats (`(a+)+`, `(\w*)*`) is refused: on a long line it can take the page's
 * only thread for minutes (catastrophic backtracking), and a log line can be 64 KiB.
 */
export interface Matcher {
  test(text: string): boolean;
  /** Where it matches, as [start, end) pairs, in order and apart. */
  ranges(text: string): [number, number][];
}

/** A group with a repeat inside it, repeated itself. */
const NESTED_REPEAT = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;
const MAX_RANGES = 200; // marks in one piece of text at most

export function makeMatcher(query: string, regex = false): Matcher | { error: string } | undefined {
  if (!query) return undefined;
  if (!regex) {
    const q = query.toLowerCase();
    return {
      test: (t) => t.toLowerCase().includes(q),
      ranges: (t) => {
        const out: [number, number][] = [];
        const lower = t.toLowerCase();
        for (let i = lower.indexOf(q); i >= 0 && out.length < MAX_RANGES; i = lower.indexOf(q, i + q.length)) out.push([i, i + q.length]);
        return out;
      },
    };
  }
  if (NESTED_REPEAT.test(query)) return { error: 'This pattern repeats a group that repeats inside ((a+)+), which can take minutes on a long line: write it without the outer repeat.' };
  let re: RegExp;
  try {
    re = new RegExp(query, 'gi');
  } catch (e) {
    return { error: `Not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  return {
    test: (t) => {
      re.lastIndex = 0;
      return re.test(t);
    },
    ranges: (t) => {
      const out: [number, number][] = [];
      re.lastIndex = 0;
      for (let m = re.exec(t); m && out.length < MAX_RANGES; m = re.exec(t)) {
        if (m[0].length === 0) {
          re.lastIndex++; // an empty match (`a*`) marks nothing and must not loop
          continue;
        }
        out.push([m.index, m.index + m[0].length]);
      }
      return out;
    },
  };
}
