/**
 * ANSI SGR colours in log lines -> styled segments. Other escape sequences (cursor moves, erase)
 * are dropped: a log view has no cursor.
 */
export interface Segment {
  text: string;
  fg?: string; // CSS colour
  bg?: string;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
}

type Style = Omit<Segment, 'text'>;

const basic = (n: number) => `var(--ansi-${n})`;

/** xterm's 256-colour palette: 16 themed, a 6x6x6 cube, 24 greys. */
function color256(n: number): string | undefined {
  if (!(n >= 0 && n <= 255)) return undefined;
  if (n < 16) return basic(n);
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const c = n - 16;
  const step = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${step(Math.floor(c / 36))},${step(Math.floor(c / 6) % 6)},${step(c % 6)})`;
}

/** Applies one SGR parameter list to a style. */
function apply(style: Style, params: number[]): Style {
  const s: Style = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) for (const k of Object.keys(s)) delete s[k as keyof Style];
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 22) {
      delete s.bold;
      delete s.dim;
    } else if (p === 23) delete s.italic;
    else if (p === 24) delete s.underline;
    else if (p >= 30 && p <= 37) s.fg = basic(p - 30);
    else if (p >= 90 && p <= 97) s.fg = basic(p - 90 + 8);
    else if (p === 39) delete s.fg;
    else if (p >= 40 && p <= 47) s.bg = basic(p - 40);
    else if (p >= 100 && p <= 107) s.bg = basic(p - 100 + 8);
    else if (p === 49) delete s.bg;
    else if (p === 38 || p === 48) {
      const key = p === 38 ? 'fg' : 'bg';
      let c: string | undefined;
      if (params[i + 1] === 5) {
        c = color256(params[i + 2]!);
        i += 2;
      } else if (params[i + 1] === 2) {
        const [r, g, b] = params.slice(i + 2, i + 5);
        if ([r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255)) c = `rgb(${r},${g},${b})`;
        i += 4;
      }
      if (c) s[key] = c;
    }
  }
  return s;
}

const ESCAPES = /\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b./g;

export function parseAnsi(line: string): Segment[] {
  if (!line.includes('\x1b')) return [{ text: line }];
  const out: Segment[] = [];
  let style: Style = {};
  let last = 0;
  for (const m of line.matchAll(ESCAPES)) {
    if (m.index > last) out.push({ ...style, text: line.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[2] === 'm')
      style = apply(
        style,
        (m[1] || '0').split(';').map((x) => (x === '' ? 0 : Number(x))),
      );
  }
  if (last < line.length) out.push({ ...style, text: line.slice(last) });
  return out;
}

/** The line without any escape sequences: what search and copy use. */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ESCAPES, '') : line;
}
