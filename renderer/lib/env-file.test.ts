import { describe, expect, it } from 'vitest';
import { ENV_FILE_MAX_BYTES, readEnvFile } from './env-file';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('readEnvFile', () => {
  it('reads KEY=VALUE lines as docker --env-file does: comments, blanks, CRLF, a BOM, values kept as written', () => {
    expect(readEnvFile(bytes('\uFEFF# db\r\nDB_URL=postgres://u:p@h/db?a=b\r\n\n  INDENTED=1\nEMPTY=\nQUOTED="x y"\nSPACES=  a b  \n'))).toEqual({
      ok: true,
      vars: [
        { key: 'DB_URL', value: 'postgres://u:p@h/db?a=b' },
        { key: 'INDENTED', value: '1' },
        { key: 'EMPTY', value: '' },
        { key: 'QUOTED', value: '"x y"' },
        { key: 'SPACES', value: '  a b  ' },
      ],
    });
  });

  it('names every bad line, not only the first', () => {
    const r = readEnvFile(bytes('GOOD=1\nexport X=1\nFLAG\n1BAD=2\nA B=3\nALSO_GOOD=2\n'));
    expect(r).toEqual({
      ok: false,
      problems: [
        'line 2: "export X=1": remove "export " (docker reads KEY=VALUE lines only)',
        'line 3: "FLAG" has no "=": write NAME=value (Berth does not pass its own environment on)',
        expect.stringMatching(/^line 4: "1BAD" is not a variable name/),
        expect.stringMatching(/^line 5: "A B" is not a variable name/),
      ],
    });
  });

  it('refuses what is not a text file, and says so in one line', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe]);
    expect(readEnvFile(png)).toEqual({ ok: false, problems: ['this is not a text file (it is not UTF-8)'] });
    expect(readEnvFile(bytes('A=1\n\0\0\0B=2'))).toEqual({ ok: false, problems: ['this is not a text file (it contains NUL bytes)'] });
    expect(readEnvFile(new Uint8Array(ENV_FILE_MAX_BYTES + 1).fill(0x41))).toEqual({ ok: false, problems: [expect.stringMatching(/larger than 1 MiB/)] });
  });

  it('keeps messages short and printable for hostile lines', () => {
    const r = readEnvFile(bytes(`${'K'.repeat(5000)}\u001b[31m\n`));
    expect(r.ok).toBe(false);
    const [p] = (r as { problems: string[] }).problems;
    expect(p!.length).toBeLessThan(200);
    expect(p).not.toMatch(/\u001b/);
  });

  it('refuses more variables than one run takes, and values longer than the spec allows', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `V${i}=x`).join('\n');
    expect(readEnvFile(bytes(many))).toEqual({ ok: false, problems: ['1,001 variables: at most 1000 fit in one run'] });
    expect(readEnvFile(bytes(`BIG=${'x'.repeat(65537)}`))).toEqual({ ok: false, problems: ['line 1: the value of BIG is longer than 65,536 characters'] });
  });
});
