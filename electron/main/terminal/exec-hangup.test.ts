import { describe, expect, it } from 'vitest';
import { PID_MARK, PidMark } from './exec-hangup';

describe('the shell pid mark', () => {
  it('is taken off the start of the output wherever a read cuts it', () => {
    const out = `${PID_MARK}4242\x07/ # `;
    for (let cut = 0; cut <= out.length; cut++) {
      const m = new PidMark();
      const a = m.push(out.slice(0, cut));
      const b = m.push(out.slice(cut));
      expect(a.text + b.text, `cut at ${cut}`).toBe('/ # ');
      expect(a.pid ?? b.pid).toBe(4242);
      expect(m.done).toBe(true);
      expect(m.push('more').text).toBe('more');
    }
  });

  it('output that is not the mark comes through as it was, and is not looked at again', () => {
    for (const text of ['sh: printf: not found\r\n', '\x1b[31mred', `${PID_MARK}12x\x07`, `${PID_MARK}${'9'.repeat(20)}`]) {
      const m = new PidMark();
      const r = m.push(text);
      expect(r).toEqual({ text });
      expect(m.done).toBe(true);
      expect(m.push(`${PID_MARK}1\x07`).text).toBe(`${PID_MARK}1\x07`);
    }
  });
});
