/**
 * Hostile container output through the logs stream: 24 MB without a newline (framed and on a
 * TTY) arrives whole, in marked pieces of at most 64 KiB, with bounded memory, while other
 * requests are answered; progress bars drawn with `\r` show their latest state, also on screen.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE } from '../../electron/main/engine/log-stream';
import type { LogLine } from '../../electron/shared/models';
import { openDashboard } from '../support/browser';
import { engine, madeByFile, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const made = madeByFile();
const ui = openDashboard({ width: 1280, height: 800 });
const BIG = 24_000_000;

const runToEnd = async (name: string, script: string, tty = false) => {
  made.push(name);
  docker.cli(['run', '-d', ...(tty ? ['-t'] : []), '--name', name, TEST_IMAGE, 'sh', '-c', script]);
  await waitFor(() => docker.cli(['inspect', '-f', '{{.State.Status}}', name]) === 'exited', 60_000, `${name} to exit`);
};

async function logsOf(name: string, onChunk?: (lines: LogLine[]) => void): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const error = await ui.core.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async (chunk) => {
    if (onChunk) onChunk(chunk as LogLine[]);
    else lines.push(...(chunk as LogLine[]));
  }).done;
  expect(error).toBeUndefined();
  return lines;
}

describe('hostile output in the logs stream', () => {
  for (const tty of [false, true]) {
    it(`24 MB without a newline${tty ? ' on a TTY' : ''}: every byte, in marked 64 KiB pieces, memory bounded, others answered`, async () => {
      const name = uniq('no-newline');
      await runToEnd(name, `head -c ${BIG} /dev/zero | tr '\\0' x; echo; echo after`, tty);
      let xs = 0;
      let other = '';
      let bad = '';
      const seen: [number, boolean][] = []; // length and `more` of each piece
      let peak = 0;
      const rss0 = process.memoryUsage().rss;
      const listed: Promise<boolean>[] = [];
      await logsOf(name, (chunk) => {
        peak = Math.max(peak, process.memoryUsage().rss);
        if (listed.length < 5) listed.push(ui.core.router.handle('containers.list').then((r) => r.ok));
        for (const l of chunk) {
          seen.push([l.text.length, !!l.more]);
          if (l.text === 'after') continue;
          for (let i = 0; i < l.text.length; i++) if (l.text.charCodeAt(i) === 120) xs++;
          if (/[^x]/.test(l.text)) other += l.text.replace(/x+/g, '').slice(0, 100);
          if (l.text.length > MAX_LINE || !l.time) bad ||= `piece ${seen.length}: ${l.text.length} chars, time ${l.time}`;
        }
      });
      expect(xs).toBe(BIG);
      expect(other).toBe(''); // no engine timestamp left in the text, nothing mashed in
      expect(bad).toBe('');
      const full = Math.floor(BIG / MAX_LINE);
      expect(seen).toEqual([...Array.from({ length: full }, () => [MAX_LINE, true]), [BIG % MAX_LINE, false], [5, false]]);
      expect(listed.length).toBeGreaterThan(0);
      expect(await Promise.all(listed)).toEqual(listed.map(() => true));
      expect((peak - rss0) / 1e6).toBeLessThan(150); // it was 294 MB when the line was held whole
    });
  }

  it('progress bars drawn with \\r show as their latest state, framed and on a TTY', async () => {
    const script = `echo start; b=; for i in 1 2 3 4 5; do b="$b#"; printf '\\r[%-5s] %d%%' "$b" $((i*20)); sleep 0.05; done; printf '\\n'; printf 'a\\rb\\r\\n'; echo end`;
    for (const tty of [false, true]) {
      const name = uniq('progress');
      await runToEnd(name, script, tty);
      expect(
        (await logsOf(name)).map((l) => l.text),
        `tty ${tty}`,
      ).toEqual(['start', '[#####] 100%', 'b', 'end']);
    }
  });

  it('on screen: the latest state of a progress line, and a long line as rows that go on from each other', async () => {
    const name = uniq('e2e-long');
    await runToEnd(name, `for i in 1 2 3; do printf '\\rloading %d%%' $((i*33)); sleep 0.05; done; printf '\\rloaded\\n'; head -c 150000 /dev/zero | tr '\\0' y; echo; echo tail-line`);
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name, exact: true }).click();
    const log = ui.page.getByRole('log');
    await log.getByText('tail-line').waitFor();
    const rows = log.locator('.log-row');
    expect(await rows.count()).toBe(5); // loaded, 64 KiB, 64 KiB, the rest, tail-line
    expect(await rows.nth(0).textContent()).toBe('loaded');
    expect(await log.locator('[data-continues]').count()).toBe(2);
    expect(await rows.nth(2).locator('.log-time').textContent()).toBe('↪');
    expect(ui.pageErrors).toEqual([]);
  });
});
